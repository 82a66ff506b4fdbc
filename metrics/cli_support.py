"""Helpers shared by the CLI command modules: common options and output."""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Sequence

from metrics import i18n
from metrics.auth import CLI_ACTOR, Actor
from metrics.jsonable import jsonable


def add_common(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    parser.add_argument("--db", help="DuckDB file (default: $AI_DASHBOARD_DB or var/dashboard.duckdb)")
    parser.add_argument("--lang", choices=i18n.LANGS, default="en", help="language of messages (vi or en)")
    if json_flag:
        parser.add_argument(
            "--json", action="store_true", help="print JSON (a list of objects) instead of a table"
        )


def print_json(rows: Sequence) -> None:
    print(json.dumps(jsonable(list(rows)), ensure_ascii=False, indent=2, default=str))


def print_table(rows: list[dict]) -> None:
    if not rows:
        return
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    print("  ".join(k.ljust(widths[k]) for k in keys))
    for r in rows:
        print("  ".join(str(r[k]).ljust(widths[k]) for k in keys))


def cli_actor() -> Actor:
    """The command line acts with the server's rights; the OS user is kept for the provenance."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(name=f"{CLI_ACTOR.name}:{user}", role=CLI_ACTOR.role)
