"""Core commands: seed, rank, status."""

from __future__ import annotations

import argparse

from metrics import i18n, services
from metrics.cli_support import add_common, print_json, print_table
from metrics.errors import MetricsError
from metrics.store import open_store
from metrics.store.seed import seed_if_empty


def register(sub: argparse._SubParsersAction) -> None:
    rank = sub.add_parser("rank", help="a country's score and ranks in each edition of an index")
    rank.add_argument("--index", default="GAIRI", help="index id (GAIRI, WIPO_GII, IMF_AIPI, ...)")
    rank.add_argument("--country", default=services.DEFAULT_COUNTRY, help="ISO3 code")
    rank.add_argument("--edition", type=int, help="one edition year only")
    rank.add_argument("--group", default="ASEAN", help="peer group for the regional rank")
    add_common(rank)
    rank.set_defaults(handler=cmd_rank)

    seed = sub.add_parser("seed", help="create the database and load data/ if it is empty (idempotent)")
    add_common(seed, json_flag=False)
    seed.set_defaults(handler=cmd_seed)

    status = sub.add_parser("status", help="every target with its current value and status")
    status.add_argument("--country", default=services.DEFAULT_COUNTRY, help="ISO3 code")
    status.add_argument("--strategy", help="strategy id (default: all)")
    add_common(status)
    status.set_defaults(handler=cmd_status)


def cmd_rank(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    known = set(services.q.indices(store)["index_id"])
    if args.index not in known:
        raise MetricsError("unknown_index", index_id=args.index)
    rows = services.rank_history(store, args.index, args.country.upper(), args.group, args.edition)
    if args.edition is not None and not rows:
        raise MetricsError("edition_not_found", index_id=args.index, edition_year=args.edition)
    if args.json:
        print_json(rows)
        return 0
    print_table(
        [
            {
                "edition": r.edition_year,
                "score": i18n.fmt_number(r.score, args.lang),
                "rank": f"{r.published_rank or r.computed_rank or '–'}/{r.countries_ranked}",
                "percentile": i18n.fmt_number(r.percentile, args.lang, 1),
                f"{r.group_id}_rank": f"{r.group_rank or '–'}/{r.group_size}",
                "framework": r.framework,
            }
            for r in rows
        ]
    )
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    store = open_store(args.db, seed=False)
    seeded = seed_if_empty(store)
    print(f"{'seeded' if seeded else 'already seeded'}: {store.path} (data version {store.data_version()})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    rows = services.target_statuses(store, args.country.upper(), args.strategy)
    if args.json:
        print_json(rows)
        return 0
    print_table(
        [
            {
                "target": r.target_id,
                "by": r.horizon_year,
                "target_value": i18n.fmt_number(r.target_value, args.lang, 0),
                "current": i18n.fmt_number(r.current_value, args.lang, 0),
                "measured_by": f"{r.index_id} {r.edition_year}" if r.index_id else (r.measured_on or "–"),
                "status": i18n.t(f"status.{r.status}", args.lang),
            }
            for r in rows
        ]
    )
    return 0
