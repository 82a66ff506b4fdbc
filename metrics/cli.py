"""The command line: `python -m metrics <command>`. Thin: parse, call a service, print.

Commands live in metrics/commands/ (one module per group, discovered). JSON output (--json) is a
list of objects with stable snake_case keys, documented in the README. Errors print in the chosen
language (--lang) on stderr and exit non-zero: 2 for invalid input (every problem listed), 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from metrics import commands, i18n
from metrics.errors import MetricsError, ValidationFailed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="Viet Nam AI strategy tracker")
    sub = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"metrics.commands.{info.name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", "en")
    try:
        return args.handler(args)
    except ValidationFailed as exc:
        print(i18n.error_message(exc.code, lang, **exc.params), file=sys.stderr)
        for problem in exc.problems:
            print("  - " + i18n.problem_message(problem, lang), file=sys.stderr)
        return 2
    except MetricsError as exc:
        print(i18n.error_message(exc.code, lang, **exc.params), file=sys.stderr)
        return 1
