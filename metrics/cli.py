"""The command line: `python -m metrics <command>`. Thin: parse, call a service, print.

JSON output (--json) is a list of objects with stable snake_case keys, documented in the README.
Errors print in the chosen language (--lang) on stderr and exit non-zero.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from metrics import i18n, services
from metrics.errors import MetricsError, ValidationFailed
from metrics.store import open_store
from metrics.store.seed import seed_if_empty

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn

    return register


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="DuckDB file (default: $AI_DASHBOARD_DB or var/dashboard.duckdb)")
    parser.add_argument("--lang", choices=i18n.LANGS, default="en", help="language of messages (vi or en)")
    parser.add_argument(
        "--json", action="store_true", help="print JSON (a list of objects) instead of a table"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="Viet Nam AI strategy tracker")
    sub = parser.add_subparsers(dest="command", required=True)

    rank = sub.add_parser("rank", help="a country's score and ranks in each edition of an index")
    rank.add_argument("--index", default="GAIRI", help="index id (GAIRI, WIPO_GII, IMF_AIPI, ...)")
    rank.add_argument("--country", default=services.DEFAULT_COUNTRY, help="ISO3 code")
    rank.add_argument("--edition", type=int, help="one edition year only")
    rank.add_argument("--group", default="ASEAN", help="peer group for the regional rank")
    _common(rank)

    seed = sub.add_parser("seed", help="create the database and load data/ if it is empty (idempotent)")
    seed.add_argument("--db", help="DuckDB file (default: $AI_DASHBOARD_DB or var/dashboard.duckdb)")
    seed.add_argument("--lang", choices=i18n.LANGS, default="en", help="language of messages (vi or en)")

    status = sub.add_parser("status", help="every target with its current value and status")
    status.add_argument("--country", default=services.DEFAULT_COUNTRY, help="ISO3 code")
    status.add_argument("--strategy", help="strategy id (default: all)")
    _common(status)
    return parser


def _print_json(rows: Sequence) -> None:
    print(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))


def _print_table(rows: list[dict]) -> None:
    if not rows:
        return
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    print("  ".join(k.ljust(widths[k]) for k in keys))
    for r in rows:
        print("  ".join(str(r[k]).ljust(widths[k]) for k in keys))


@command("rank")
def cmd_rank(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    known = set(services.q.indices(store)["index_id"])
    if args.index not in known:
        raise MetricsError("unknown_index", index_id=args.index)
    rows = services.rank_history(store, args.index, args.country.upper(), args.group, args.edition)
    if args.edition is not None and not rows:
        raise MetricsError("edition_not_found", index_id=args.index, edition_year=args.edition)
    if args.json:
        _print_json(rows)
        return 0
    _print_table(
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


@command("seed")
def cmd_seed(args: argparse.Namespace) -> int:
    store = open_store(args.db, seed=False)
    seeded = seed_if_empty(store)
    print(f"{'seeded' if seeded else 'already seeded'}: {store.path} (data version {store.data_version()})")
    return 0


@command("status")
def cmd_status(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    rows = services.target_statuses(store, args.country.upper(), args.strategy)
    if args.json:
        _print_json(rows)
        return 0
    _print_table(
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationFailed as exc:
        print(i18n.error_message(exc.code, args.lang, **exc.params), file=sys.stderr)
        for problem in exc.problems:
            print("  - " + i18n.problem_message(problem, args.lang), file=sys.stderr)
        return 2
    except MetricsError as exc:
        print(i18n.error_message(exc.code, args.lang, **exc.params), file=sys.stderr)
        return 1
