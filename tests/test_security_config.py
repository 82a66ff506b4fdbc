"""Hardening that lives in configuration and code conventions: asserted, so it cannot drift."""

from __future__ import annotations

import ast
import re
import subprocess
import tomllib

import pytest

from tests.conftest import ROOT

STREAMLIT = ROOT / ".streamlit"


def _toml(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def test_streamlit_server_hardening():
    config = _toml(STREAMLIT / "config.toml")
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert 1 <= config["server"]["maxUploadSize"] <= 100
    assert config["client"]["showErrorDetails"] == "none"  # tracebacks stay in the server log
    assert config["browser"]["gatherUsageStats"] is False  # offline, nothing sent out
    assert config["server"].get("fileWatcherType") == "none" and config["server"].get("runOnSave") is False


def test_streamlit_reads_these_values():
    from streamlit import config as st_config

    st_config.get_config_options(force_reparse=True, options_from_flags={})
    try:
        assert st_config.get_option("server.enableXsrfProtection") is True
        assert st_config.get_option("server.enableCORS") is True
        assert st_config.get_option("client.showErrorDetails") == "none"
        assert st_config.get_option("browser.gatherUsageStats") is False
        # no full garbage collection after each page run: it held every other session (README, Benchmarks)
        assert st_config.get_option("runner.postScriptGC") is False
    finally:
        st_config.get_config_options(force_reparse=True, options_from_flags={})


def test_secrets_stay_out_of_the_repository():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    if tracked.returncode == 0:
        assert not [p for p in tracked.stdout.splitlines() if p.endswith("secrets.toml")]


def test_the_documented_secrets_example_parses_and_holds_only_placeholders():
    example = _toml(STREAMLIT / "secrets.toml.example")
    assert example["require_sign_in_for_viewers"] is False
    assert example["oidc_default_role"] == "viewer"
    for key in ("cookie_secret", "client_id", "client_secret"):
        assert example["auth"][key].startswith("REPLACE")
    assert example["auth"]["redirect_uri"].endswith("/oauth2callback")


# --- code conventions ---------------------------------------------------------------------------

UI_FILES = [ROOT / "dashboard.py", *sorted((ROOT / "app_pages").glob("*.py"))]
HTML_CALLS = {"html", "markdown", "write", "caption", "title", "header", "subheader", "text", "components"}


def _raw_html_calls(path):
    """Calls that hand raw HTML to the browser whose content is not a fixed string."""
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        unsafe = any(
            k.arg == "unsafe_allow_html"
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        raw = name == "html" or unsafe
        first = node.args[0] if node.args else None
        if raw and not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            bad.append(f"{path.name}:{node.lineno}")
    return bad


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_no_user_text_reaches_raw_html(path):
    # st.html / components.html / unsafe_allow_html=True only with a fixed string literal.
    assert _raw_html_calls(path) == []


def test_the_raw_html_check_catches_a_formatted_string(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        'st.markdown(f"<b>{name}</b>", unsafe_allow_html=True)\nst.html(x)\nst.markdown("<hr>", unsafe_allow_html=True)\n'
    )
    assert _raw_html_calls(page) == ["page.py:1", "page.py:2"]


SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|INTO)\b")
# Functions whose formatted SQL was reviewed line by line (security audit, issue 7): every
# formatted piece is a fixed name, an int, or a module constant quoted with its own escaper.
REVIEWED = {
    # column references c0..cN, ints, and the missing-value / note markers of
    # metrics.ingest.headers (constants) quoted by _sql_text; the file path is a bound parameter.
    ("metrics/store/tidy_csv.py", "read_tidy_csv"),
    # the PostgreSQL store's mirror writes: a table checked against the schema (_schema_table) and
    # the columns the mirror's RETURNING gave, each quoted; every value is a bound parameter.
    ("metrics/store/postgres.py", "_pg_copy"),
    ("metrics/store/postgres.py", "_pg_upsert"),
    ("metrics/store/postgres.py", "_pg_delete"),
    # insert_rows: a table checked against the schema (TABLES) and column names matched against a
    # plain-identifier pattern before formatting; every value is a bound list.
    ("metrics/store/connection.py", "insert_rows"),
    # the import's staging tables: names and SQL types fixed in metrics/ingest/stage.py; values bound.
    ("metrics/ingest/stage.py", "_temp_table"),
}


def _safe(expr: ast.expr) -> bool:
    """A module constant (UPPER_CASE), a literal, int(...), or arithmetic of those."""
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Name):
        return expr.id.isupper()
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "int":
        return True
    if isinstance(expr, ast.BinOp):
        return _safe(expr.left) and _safe(expr.right)
    return False


def _formatted_sql(path):
    """(where, justified) for every f-string that builds SQL from something not obviously constant.

    Justified: a `noqa: S608` on the statement (a conscious mark the linter demands; say why after
    it), or a function in REVIEWED."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    rel = path.relative_to(ROOT).as_posix()
    found = []
    for func in [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef | ast.Module)]:
        if isinstance(func, ast.Module):
            continue
        for node in ast.walk(func):
            if not isinstance(node, ast.JoinedStr):
                continue
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            pieces = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
            if not SQL_WORDS.search(text) or all(_safe(p) for p in pieces):
                continue
            span = lines[node.lineno - 1 : (node.end_lineno or node.lineno) + 1]
            justified = (rel, func.name) in REVIEWED or any(re.search(r"noqa: S608\b", ln) for ln in span)
            found.append((f"{rel}:{node.lineno} ({func.name})", justified))
    return found


def test_sql_built_with_formatting_is_rare_and_each_case_says_why():
    # Values are bound as parameters everywhere; the few identifiers formatted into SQL are fixed
    # names (allow-listed), and each place says so where it happens (or was reviewed above).
    cases = {c for p in sorted((ROOT / "metrics").rglob("*.py")) for c in _formatted_sql(p)}
    assert sorted(where for where, justified in cases if not justified) == []
    # 35 before the PostgreSQL store; its mirror writes add 14 (schema tables and their columns).
    assert len(cases) < 55, sorted(cases)


def test_the_sql_check_catches_a_formatted_value(tmp_path):
    (tmp_path / "metrics").mkdir()
    bad = tmp_path / "metrics" / "q.py"
    bad.write_text("def f(cur, name):\n    cur.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n")
    import tests.test_security_config as me

    root = me.ROOT
    me.ROOT = tmp_path
    try:
        assert _formatted_sql(bad) == [("metrics/q.py:2 (f)", False)]
    finally:
        me.ROOT = root


def test_every_reviewed_sql_builder_still_exists():
    # a function that moved leaves its review behind: the entry must follow it, or go
    for rel, name in sorted(REVIEWED):
        path = ROOT / rel
        assert path.exists(), rel
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.FunctionDef) and n.name == name for n in ast.walk(tree)), (rel, name)
