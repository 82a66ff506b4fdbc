"""Core commands: seed, rank, status."""

from __future__ import annotations

import argparse
import datetime as dt

from metrics import cli_checks, i18n, progress, services
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

    status = sub.add_parser(
        "status",
        help="every target's status with rank, threshold, gap, trend (and --trace: how it was computed)",
    )
    status.add_argument("--country", default=services.DEFAULT_COUNTRY, help="ISO3 code")
    status.add_argument("--strategy", help="strategy id (default: all)")
    status.add_argument(
        "--as-of",
        type=int,
        dest="as_of",
        metavar="EDITION",
        help="judge by the editions up to this year only",
    )
    status.add_argument(
        "--yardstick",
        help="judge every rank target by this index instead of its default (GAIRI, WIPO_GII, ...)",
    )
    status.add_argument(
        "--today", type=dt.date.fromisoformat, help="the date to judge on (YYYY-MM-DD; default today)"
    )
    status.add_argument("--trace", action="store_true", help="include the calculation trace of every status")
    add_common(status)
    status.set_defaults(handler=cmd_status)


def cmd_rank(args: argparse.Namespace) -> int:
    cli_checks.check_year(args.edition, "--edition")
    store = open_store(args.db)
    known = set(services.q.indices(store)["index_id"])
    if args.index not in known:
        raise MetricsError("unknown_index", index_id=args.index)
    country = cli_checks.check_country(store, args.country)
    rows = services.rank_history(store, args.index, country, args.group, args.edition)
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
    cli_checks.check_year(args.as_of, "--as-of")
    store = open_store(args.db)
    country = cli_checks.check_country(store, args.country)
    if args.yardstick:
        known = set(services.q.indices(store)["index_id"])
        if args.yardstick not in known:
            raise MetricsError("unknown_index", index_id=args.yardstick)
    rows = services.assess_targets(
        store,
        country,
        args.strategy,
        as_of=args.as_of,
        yardsticks={"*": args.yardstick} if args.yardstick else None,
        today=args.today,
    )
    if args.json:
        print_json([r.model_dump(mode="json", exclude=None if args.trace else {"trace"}) for r in rows])
        return 0
    lang = args.lang
    print_table(
        [
            {
                "target": r.target_id,
                "by": r.horizon_year,
                "target_value": i18n.fmt_number(r.target_value, lang, 0),
                "measured_by": f"{r.yardstick_index} {r.as_of_edition}"
                if r.kind == "rank"
                else (i18n.fmt_date(r.measured_on, lang) if r.measured_on else "–"),
                "current": f"{r.current_rank}/{r.of}"
                if r.current_rank is not None
                else i18n.fmt_number(r.current_count, lang, 0),
                "gap": i18n.fmt_number(r.gap, lang),
                "trend": i18n.t(f"trend.{r.trend}", lang),
                "status": i18n.t(f"status.{r.status}", lang),
            }
            for r in rows
        ]
    )
    if args.trace:
        for r in rows:
            print()
            print(f"{r.target_id}: {i18n.t(f'status.{r.status}', lang)} — {i18n.t(r.trace.rule, lang)}")
            for step in r.trace.steps:
                formula = progress.step_formula(step, lang)
                print(f"  {i18n.t(step.key, lang)}: {formula} → {progress.step_value(step, lang)}")
    return 0
