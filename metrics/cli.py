"""The command line: `python -m metrics <command>`. Thin: parse, call a service, print.

Commands live in metrics/commands/ (one module per group, discovered). JSON output (--json) is a
list of objects with stable snake_case keys, documented in the README. Errors print in the chosen
language (--lang) on stderr and exit non-zero: 2 for invalid input (every problem listed), 1 otherwise.

Start-up: a command imports only its own module (and what that needs). The list of commands for
`--help` is read from the modules' source (`manifest()`), not by importing them: importing every
module would load pandas, DuckDB, the report writers and the password hasher for a help text.
"""

from __future__ import annotations

import argparse
import ast
import functools
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from metrics.errors import MetricsError, ValidationFailed

COMMANDS_DIR = Path(__file__).with_name("commands")
DESCRIPTION = "Viet Nam AI strategy tracker"


@functools.cache
def manifest() -> dict[str, tuple[str, str]]:
    """{command: (module, help)} for every top-level command, from each module's `register(sub)`:
    the literal `sub.add_parser("name", help="...")` calls in its body."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(COMMANDS_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == "register" and node.args.args:
                sub = node.args.args[0].arg
                for call in ast.walk(node):
                    name_help = _add_parser_call(call, sub)
                    if name_help:
                        found[name_help[0]] = (path.stem, name_help[1])
    return found


def _add_parser_call(node: ast.AST, sub: str) -> tuple[str, str] | None:
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_parser"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == sub
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return None
    helps = [k.value for k in node.keywords if k.arg == "help"]
    text = helps[0].value if helps and isinstance(helps[0], ast.Constant) else ""
    return str(node.args[0].value), str(text)


def _new_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(prog="python -m metrics", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    return parser, sub


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of `command`'s module only (imported now); of every module when None."""
    import importlib

    parser, sub = _new_parser()
    commands = manifest()
    modules = [commands[command][0]] if command in commands else sorted({m for m, _ in commands.values()})
    for module in modules:
        importlib.import_module(f"metrics.commands.{module}").register(sub)
    return parser


def _summary_parser() -> argparse.ArgumentParser:
    """Every command by name and help, nothing imported: for `--help` and a wrong command."""
    parser, sub = _new_parser()
    for name, (_module, text) in manifest().items():
        sub.add_parser(name, help=text, add_help=False)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
        if arg in ("-h", "--help"):
            return None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command_in(argv)
    if command not in manifest():
        _summary_parser().parse_args(argv)  # prints the help or the error, and exits
        return 2
    args = build_parser(command).parse_args(argv)
    lang = getattr(args, "lang", "en")
    try:
        return args.handler(args)
    except (ValidationFailed, MetricsError) as exc:
        from metrics import i18n

        print(i18n.error_message(exc.code, lang, **exc.params), file=sys.stderr)
        if isinstance(exc, ValidationFailed):
            for problem in exc.problems:
                print("  - " + i18n.problem_message(problem, lang), file=sys.stderr)
            return 2
        return 1
    except BrokenPipeError:
        # The reader of the output went away (`... | head`): not an error of the command. Point
        # stdout at /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
