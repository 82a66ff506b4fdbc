"""CLI start-up: `--help` imports no command module, a command imports only its own module, and a
report or a large tidy CSV's import loads no pandas, numpy or pyarrow (the speed itself is measured
by benchmarks/bench_cli.py and bench_import_process.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from metrics import cli
from tests.conftest import ROOT

PROBE = """
import contextlib, io, json, sys
from metrics import cli
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    cli.main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
"""


def _imported(*args: str) -> set[str]:
    """Every module loaded by the CLI for `args` (in a fresh interpreter)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_command_list_read_from_source_matches_the_modules():
    full = cli.build_parser()
    sub = next(a for a in full._actions if a.dest == "command")
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert {name: text for name, (_module, text) in cli.manifest().items()} == helps


def test_help_imports_no_command_module_nor_any_heavy_library():
    modules = _imported("--help")
    assert not {m for m in modules if m.startswith("metrics.commands.")}
    assert not modules & {"pandas", "duckdb", "pydantic", "streamlit", "argon2", "plotly"}


@pytest.mark.parametrize(("command", "module"), [("status", "core"), ("users", "users"), ("backup", "ops")])
def test_a_command_imports_its_own_module_only(command, module):
    loaded = {m for m in _imported(command, "--help") if m.startswith("metrics.commands.")}
    assert loaded == {f"metrics.commands.{module}"}


def test_an_unknown_command_is_refused_with_the_list():
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "nonsense"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "invalid choice" in done.stderr and "import" in done.stderr and "Traceback" not in done.stderr


def test_a_csv_import_does_not_load_the_spreadsheet_reader_and_a_pdf_no_chart_browser(fresh_db, tmp_path):
    """Each of these libraries costs every process that loads one 0.15-0.5 s: openpyxl only for
    an XLSX, and no plotly or kaleido for a report at all (the PDF draws its charts itself)."""
    table = tmp_path / "tidy.csv"
    table.write_text("country,year,measure,value\nViet Nam,2031,Score,50.5\nThailand,2031,Score,60\n")
    imported = _imported(
        "import", str(table), "--index", "CSVONLY", "--name", "CSV", "--unit", "points",
        "--source-url", "https://example.org", "--db", str(fresh_db),
    )  # fmt: skip
    assert "metrics.ingest.pipeline" in imported  # the import ran
    assert "openpyxl" not in imported
    report = _imported("report", "--format", "pdf", "--out", str(tmp_path / "r.pdf"), "--db", str(fresh_db))
    assert (tmp_path / "r.pdf").stat().st_size > 50_000
    assert not report & {"plotly", "kaleido", "openpyxl", "streamlit"}


@pytest.mark.parametrize(
    ("fmt", "lang", "kind"),
    [
        ("pptx", "vi", "meeting"),
        ("xlsx", "en", "meeting"),
        ("pdf", "vi", "meeting"),
        ("pptx", "en", "closing_review"),
        ("xlsx", "vi", "closing_review"),
        ("pdf", "en", "closing_review"),
    ],
)
def test_a_report_loads_no_pandas_numpy_or_pyarrow(fresh_db, tmp_path, fmt, lang, kind):
    """pandas with numpy and pyarrow was about 0.4 s of a report process, loaded to read the store
    as frames: a report reads typed rows (metrics.store.queries' *_rows), fits an index's
    aggregation without numpy (metrics.least_squares) and imports fpdf2 without it."""
    out = tmp_path / f"report.{fmt}"
    loaded = _imported(
        "report", "--format", fmt, "--lang", lang, "--kind", kind, "--meeting-date", "2026-12-01",
        "--out", str(out), "--db", str(fresh_db),
    )  # fmt: skip
    assert out.stat().st_size > 10_000  # the report was written
    assert not loaded & {"pandas", "numpy", "pyarrow"}


def test_a_large_tidy_csv_import_loads_no_pandas_numpy_pyarrow_or_pydantic(fresh_db, tmp_path):
    """DuckDB parses a tidy CSV of 1 MB or more itself (metrics.ingest.fast_csv); pandas with numpy
    and pyarrow was about 0.45 s of that import's 1.65 s process, loaded for the reference data,
    the staging tables and the writes, which now go through DuckDB lists and records. pydantic was
    another 0.1 s, loaded for the import's result types, which are now dataclasses."""
    table = tmp_path / "tidy.csv"
    countries = ["Viet Nam", "Thailand", "Singapore", "Malaysia", "Indonesia", "Philippines"]
    lines = ["country,year,measure,value"]
    lines += [
        f"{name},{year},indicator {m:03d},{(i * 7 + m + year) % 100}.25"
        for year in range(2001, 2031)
        for m in range(200)
        for i, name in enumerate(countries)
    ]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert table.stat().st_size >= 1_000_000  # large enough for the DuckDB reader
    loaded = _imported(
        "import", str(table), "--index", "BIGCSV", "--name", "Big CSV", "--unit", "points",
        "--source-url", "https://example.org", "--db", str(fresh_db),
    )  # fmt: skip
    assert "metrics.ingest.fast_csv" in loaded and "metrics.store.imports" in loaded  # it ran
    assert not loaded & {"pandas", "numpy", "pyarrow", "pydantic", "argon2"}  # no password checked
    with duckdb.connect(str(fresh_db), read_only=True) as con:
        (rows,) = con.execute(
            "SELECT count(*) FROM observations JOIN versions USING (version_id) WHERE index_id = 'BIGCSV'"
        ).fetchone()
    assert rows == 36_000  # and wrote every row


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--json"),
        ("status", "--lang", "en"),
        ("rank", "--index", "GAIRI", "--country", "VNM", "--json"),
    ],
)
def test_the_status_and_rank_commands_load_no_pandas_numpy_or_pyarrow(fresh_db, args):
    """The scheduled `status` and a `rank` read typed rows; the seed's loader (with pandas) is
    imported by `seed` alone."""
    loaded = _imported(*args, "--db", str(fresh_db))
    assert "metrics.commands.core" in loaded and "metrics.services" in loaded  # the command ran
    assert not loaded & {"pandas", "numpy", "pyarrow"}
