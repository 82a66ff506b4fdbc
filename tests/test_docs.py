"""The documentation keeps up with the code (after datasette's tests/test_docs.py).

Each list a reader relies on is read from the code, never typed in here: the commands and options
of `metrics.cli.build_parser()`, the keys the commands print with --json (by running them on a copy
of the seeded database), the environment variables read in metrics/ and app_pages/, and the status
classes of the engine. A new option, key, variable or class fails here until it is documented.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import re
import shutil
import typing

import pytest

from metrics import i18n, progress
from metrics.cli import build_parser, main
from tests.conftest import ROOT

CLI_MD = ROOT / "docs" / "cli.md"
OPERATIONS_MD = ROOT / "docs" / "OPERATIONS.md"
METHODS_MD = ROOT / "docs" / "METHODS.md"
GAIRI_2021 = ROOT / "tests" / "fixtures" / "raw" / "oxford_insights_gairi_2021_public-dataset.xlsx"
# Options every command shares (metrics.cli_support.add_common), documented once at the top of cli.md.
COMMON_OPTIONS = {"-h", "--help", "--db", "--lang", "--json"}
HEADING = re.compile(r"^#{2,4} `([^`]+)`", re.MULTILINE)


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command path, its parser) for every command and sub-command, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


def _has_subcommands(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


COMMANDS = {" ".join(path): sub for path, sub in _commands(build_parser())}


def _sections(text: str) -> dict[str, str]:
    """cli.md cut at each heading that names a command: command -> its text up to the next one."""
    known = [m for m in HEADING.finditer(text) if m.group(1) in COMMANDS]
    ends = [m.start() for m in known[1:]] + [len(text)]
    return {m.group(1): text[m.start() : end] for m, end in zip(known, ends, strict=True)}


SECTIONS = _sections(CLI_MD.read_text(encoding="utf-8"))


def test_the_parser_walk_finds_the_commands():
    """Guards the walk itself: an empty walk would make every test below pass."""
    assert {"status", "rank", "import", "report", "users add", "users set-password"} <= set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_a_heading_in_cli_md(command):
    assert command in SECTIONS, f"docs/cli.md has no heading naming `{command}`"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_is_documented_in_its_command_section(command):
    options = {opt for action in COMMANDS[command]._actions for opt in action.option_strings} - COMMON_OPTIONS
    section = SECTIONS.get(command, "")
    missing = sorted(opt for opt in options if not re.search(rf"`{re.escape(opt)}[` ]", section))
    assert not missing, f"`{command}` options missing from its section of docs/cli.md: {missing}"


def test_the_common_options_are_documented_once():
    intro = CLI_MD.read_text(encoding="utf-8").split("\n## ", 1)[0]
    for opt in sorted(COMMON_OPTIONS - {"-h", "--help"}):
        assert f"`{opt}" in intro, opt


# --- --json keys --------------------------------------------------------------------------------------


def _run(db, *argv: str) -> object:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*argv, "--db", str(db)])
    assert code == 0, argv
    return json.loads(out.getvalue()) if out.getvalue().lstrip().startswith("[") else None


@pytest.fixture(scope="module")
def json_outputs(seeded_db_file, tmp_path_factory) -> dict[str, list[dict]]:
    """The --json output of every command that has one, run in-process on a private database copy.

    Keys: the command path, plus "import plan" / "import editions" for the nested objects that
    docs/cli.md describes in the import section."""
    db = tmp_path_factory.mktemp("docs") / "docs.duckdb"
    shutil.copy(seeded_db_file, db)
    out: dict[str, list[dict]] = {}
    out["rank"] = _run(db, "rank", "--json")
    out["status"] = _run(db, "status", "--json")
    imported = _run(db, "import", str(GAIRI_2021), "--index", "GAIRI", "--edition", "2021", "--json")
    out["import"] = imported
    out["import plan"] = [imported[0]["plan"]]
    out["import editions"] = imported[0]["plan"]["editions"]
    written = imported[0]["versions"][0]
    out["versions"] = _run(db, "versions", "--json")
    out["diff"] = _run(db, "diff", str(written["replaced"]), str(written["version_id"]), "--json")
    out["rollback"] = _run(db, "rollback", str(written["replaced"]), "--json")
    out["withdraw"] = _run(db, "withdraw", str(written["version_id"]), "--reason", "docs test", "--json")
    out["aliases add"] = _run(db, "aliases", "add", "Viet Nam Socialist Republic", "VNM", "--json")
    _run(db, "users", "add", "docs-reader", "--role", "viewer", "--no-password")
    out["users list"] = _run(db, "users", "list", "--json")
    out["check"] = _run(db, "check", "--json")
    out["strategies"] = _run(db, "strategies", "--json")
    out["evidence list"] = _run(db, "evidence", "list", "--all", "--json")
    return out


JSON_COMMANDS = sorted(
    path
    for path, sub in COMMANDS.items()
    if "--json" in sub._option_string_actions and not _has_subcommands(sub)
)
NESTED = {"import plan": "import", "import editions": "import"}


def test_every_json_command_is_run_here(json_outputs):
    assert set(JSON_COMMANDS) <= set(json_outputs), set(JSON_COMMANDS) - set(json_outputs)


@pytest.mark.parametrize("name", [*JSON_COMMANDS, *NESTED])
def test_every_json_key_is_documented(json_outputs, name):
    objects = json_outputs[name]
    assert objects, f"{name} printed no object to compare with the docs"
    keys = {key for obj in objects for key in obj}
    section = SECTIONS[NESTED.get(name, name)]
    missing = sorted(k for k in keys if f"`{k}`" not in section and not re.search(rf"[{{ ]{k}[,}}]", section))
    assert not missing, f"--json keys of `{name}` missing from docs/cli.md: {missing}"


# --- environment variables ----------------------------------------------------------------------------


def _string_constants(trees: list[ast.Module]) -> dict[str, str]:
    """NAME = "text" at module level anywhere in the code, so os.environ.get(DB_ENV) resolves."""
    out = {}
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(getattr(node.value, "value", None), str):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        out[target.id] = node.value.value
    return out


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _env_names(tree: ast.Module) -> list[ast.expr]:
    """The argument of os.environ.get(X), os.environ[X], os.getenv(X) and `X in os.environ`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if (node.func.attr in {"get", "pop", "setdefault"} and _is_environ(node.func.value)) or (
                node.func.attr == "getenv"
            ):
                found.append(node.args[0])
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            found.append(node.slice)
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            found.append(node.left)
    return found


def environment_variables() -> set[str]:
    files = [*ROOT.glob("metrics/**/*.py"), *ROOT.glob("app_pages/**/*.py"), ROOT / "dashboard.py"]
    trees = [ast.parse(f.read_text(encoding="utf-8")) for f in files]
    constants = _string_constants(trees)
    names = set()
    for tree in trees:
        for arg in _env_names(tree):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
            elif isinstance(arg, ast.Name | ast.Attribute):
                key = arg.id if isinstance(arg, ast.Name) else arg.attr
                assert key in constants, f"environment variable named by {key}, which is no string constant"
                names.add(constants[key])
            else:
                raise AssertionError(f"environment variable read through {ast.unparse(arg)}: name it")
    return names


def test_every_environment_variable_is_in_operations_md():
    names = environment_variables()
    assert "AI_DASHBOARD_DB" in names  # the scan itself works
    text = OPERATIONS_MD.read_text(encoding="utf-8")
    missing = sorted(n for n in names if n not in text)
    assert not missing, f"environment variables missing from docs/OPERATIONS.md: {missing}"


# --- status classes -----------------------------------------------------------------------------------

STATUS_CLASSES = typing.get_args(progress.StatusClass)


def test_the_status_classes_are_read_from_the_engine():
    assert "on_track" in STATUS_CLASSES and "no_data" in STATUS_CLASSES


@pytest.mark.parametrize("status", STATUS_CLASSES)
def test_every_status_class_has_methodology_text(status):
    for lang in i18n.LANGS:
        for key in (f"status.{status}", f"status_help.{status}"):
            assert i18n.catalog(lang).get(key, "").strip(), f"{key} has no {lang} text"
    methods = METHODS_MD.read_text(encoding="utf-8")
    assert f"`{status}`" in methods, f"docs/METHODS.md does not describe `{status}`"
