"""`python -m metrics` against a real database file: the commands run in-process (tests/cli_runner.py),
and the module entry point and the environment variable in real subprocesses."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.cli_runner import Ran, run_cli
from tests.conftest import ROOT

EXPECTED_KEYS_RANK = {
    "index_id",
    "edition_year",
    "iso3",
    "score",
    "scale_max",
    "framework",
    "series",
    "published_rank",
    "computed_rank",
    "countries_ranked",
    "countries_in_data",
    "percentile",
    "group_id",
    "group_rank",
    "group_size",
    "group_membership_date",
    "source_url",
    "version_id",
    "coverage",
}
EXPECTED_KEYS_STATUS = {
    # The engine's Assessment (metrics/progress.py), documented in docs/cli.md; "trace" only with --trace.
    "target_id",
    "strategy_id",
    "kind",
    "horizon_year",
    "comparator",
    "target_value",
    "group_id",
    "yardstick_index",
    "yardstick_measure",
    "iso3",
    "as_of_edition",
    "current_rank",
    "of",
    "percentile",
    "score",
    "threshold",
    "gap",
    "rival_above",
    "rival_below",
    "trend_per_year",
    "required_gain_per_year",
    "projection",
    "current_count",
    "measured_on",
    "status",
    "trend",
    "source_url",
    "version_id",
    "text_vi",
    "text_en",
    "trend_basis",
    "pace_ratio",
    "position_trend_per_year",
    "required_position_per_year",
    "computed_rank",
    "published_rank",
    "tie_at_threshold",
    "years_left",
}


def run(*args: str, db) -> Ran:
    return run_cli(*args, db=db)


@pytest.mark.parametrize(("year", "rank", "of", "asean"), [(2021, 62, 160, 6), (2023, 59, 193, 5)])
def test_rank_json_reproduces_published_figures(fresh_db, year, rank, of, asean):
    out = run("rank", "--index", "GAIRI", "--country", "VNM", "--edition", str(year), "--json", db=fresh_db)
    assert out.returncode == 0, out.stderr
    [row] = json.loads(out.stdout)
    assert set(row) == EXPECTED_KEYS_RANK
    assert (row["published_rank"], row["countries_ranked"], row["group_rank"], row["group_size"]) == (
        rank,
        of,
        asean,
        10,
    )
    assert row["percentile"] == round(100 * (of - rank) / (of - 1), 1)


def test_rank_table_lists_every_edition(fresh_db):
    out = run("rank", "--lang", "vi", db=fresh_db)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1 + 7
    assert "54,48" in out.stdout  # decimal comma in Vietnamese


def test_rank_of_a_regional_index_shows_no_world_rank_or_percentile(fresh_db):
    """ETO's AI articles cover the 11 countries of Southeast Asia only: '4/11, percentile 70' would
    read as a world rank. The regional rank stays; the note says why the world columns are absent."""
    out = run("rank", "--index", "ETO_CAT_AI", "--edition", "2024", "--json", db=fresh_db)
    assert out.returncode == 0, out.stderr
    [row] = json.loads(out.stdout)
    assert set(row) == EXPECTED_KEYS_RANK and row["coverage"] == "SEA"
    world = ("published_rank", "computed_rank", "countries_ranked", "percentile")
    assert [row[k] for k in world] == [None] * 4
    assert (row["group_id"], row["group_rank"], row["group_size"], row["countries_in_data"]) == (
        "ASEAN",
        4,
        10,
        11,
    )
    gairi = json.loads(run("rank", "--index", "GAIRI", "--edition", "2023", "--json", db=fresh_db).stdout)
    assert gairi[0]["coverage"] == "WORLD"

    for lang, note in (("en", "ETO_CAT_AI covers only SEA"), ("vi", "ETO_CAT_AI chỉ bao gồm SEA")):
        out = run("rank", "--index", "ETO_CAT_AI", "--edition", "2024", "--lang", lang, db=fresh_db)
        assert out.returncode == 0, out.stderr
        header, line, said = out.stdout.splitlines()
        assert header.split() == ["edition", "score", "ASEAN_rank", "framework"]
        assert line.split()[2] == "4/10" and "/11" not in line
        assert said.startswith(note)
    out = run("rank", "--index", "ETO_CAT_AI", "--edition", "2024", "--group", "SEA", db=fresh_db)
    assert out.stdout.splitlines()[1].split()[2] == "4/11"  # the rank among the region it covers


def _documented_status_keys() -> set[str]:
    """The keys of the `status --json` table in docs/cli.md (first column, between the table's
    heading and the trace section)."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    table = text.split("### JSON keys (one object per target", 1)[1].split("### The trace", 1)[0]
    keys: set[str] = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            keys.update(re.findall(r"`([a-z_0-9]+)`", line.split("|")[1]))
    return keys


# The strategy-level keys added to the engine's Assessment (metrics.services_strategy.TargetReport).
STRATEGY_KEYS = {
    "strategy_status",
    "indicator_no",
    "appendix_group",
    "target_high",
    "base_year",
    "unit_en",
    "unit_vi",
    "value",
    "value_unit",
    "evidence_fit",
    "yardstick_proxy",
    "yardstick_edition",
    "other_yardsticks",
    "lead_agency",
    "lead_agency_en",
    "lead_agency_vi",
    "coordinating_agencies",
    "evidence_count",
    "value_count",
    "succeeded_by",
    "superseded_on",
    # metrics.quantitative's growth comparison, null on the rows it does not apply to
    "base_value",
    "band_low",
    "band_high",
    "observed_growth_pct",
    "required_growth_pct",
}


def test_status_json_has_every_target_with_stable_keys(fresh_db):
    # The default is now the strategy in force (Decision 1671, 34 rows for its 32 indicators), no
    # longer every target of every strategy; Decision 127 is one option away.
    out = run("status", "--json", "--today", "2026-12-01", db=fresh_db)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 34 and {r["strategy_id"] for r in rows} == {"QD1671_2026"}
    assert all(set(r) == EXPECTED_KEYS_STATUS | STRATEGY_KEYS for r in rows)
    assert all(set(r) | {"trace"} == _documented_status_keys() for r in rows)
    first = rows[0]
    assert (first["target_id"], first["kind"], first["yardstick_proxy"], first["lead_agency"]) == (
        "T1671_01",
        "rank",
        True,
        "MST",
    )
    assert first["other_yardsticks"] and first["yardstick_index"] == "ETO_CAT_AI"
    old = json.loads(
        run("status", "--json", "--strategy", "QD127_2021", "--today", "2026-03-01", db=fresh_db).stdout
    )
    assert len(old) == 14
    world_2025 = next(r for r in old if r["target_id"] == "T2025_WORLD_RANK")
    assert world_2025["yardstick_index"] == "GAIRI" and world_2025["as_of_edition"] == 2025


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_status_table_signs_each_gap_as_the_pages_and_reports_do(fresh_db, lang):
    """The table's gap is the engine's gap through present.format.signed, the one the pages and the
    reports use: a sign always ("+1,50", "−2,25"), none on a gap that rounds to zero. The table
    printed its own ("-2.198,00", no "+", "-0,00" for -0.001). A rank target's gap names its
    yardstick's unit: points of GAIRI's scale, whole articles for AI articles (it said no unit, and
    the pages said "points" for articles)."""
    from metrics.present import format as fmt

    articles = {"vi": "bài báo", "en": "articles"}[lang]  # data/indices.csv, ETO_CAT_AI
    points = {"vi": "điểm", "en": "points"}[lang]
    for strategy in ("QD1671_2026", "QD127_2021"):
        args = ("status", "--strategy", strategy, "--today", "2026-03-01", "--lang", lang)
        table = run(*args, db=fresh_db).stdout.splitlines()
        engine = {r["target_id"]: r for r in json.loads(run(*args, "--json", db=fresh_db).stdout)}
        start, end = table[0].index("gap"), table[0].index("status")
        shown = {line.split()[0]: line[start:end].strip() for line in table[1:]}
        expected = {}
        for target, r in engine.items():
            if r["kind"] != "rank" or r["gap"] is None:
                expected[target] = fmt.signed(r["gap"], lang)
            elif r["yardstick_index"] == "ETO_CAT_AI":
                expected[target] = f"{fmt.signed(r['gap'], lang, 0)} {articles}"
            else:
                expected[target] = f"{fmt.signed(r['gap'], lang)} {points}"
        assert shown == expected
        assert any(text[0] in "+\u2212" for text in shown.values()), shown  # some gap is signed
    assert shown["T2025_WORLD_RANK"] == ("+3,69 điểm" if lang == "vi" else "+3.69 points")


def test_status_trace_keys_are_the_documented_ones(fresh_db):
    out = run("status", "--json", "--trace", "--strategy", "NQ57_2024", db=fresh_db)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows and all(set(r) == _documented_status_keys() for r in rows)


def test_status_of_an_unknown_strategy_is_a_clear_error(fresh_db):
    out = run("status", "--strategy", "NOPE", "--lang", "vi", db=fresh_db)
    assert out.returncode == 1
    assert "NOPE" in out.stderr and "Traceback" not in out.stderr


def test_unknown_index_is_a_clear_error_in_the_chosen_language(fresh_db):
    out = run("rank", "--index", "NOPE", "--lang", "vi", db=fresh_db)
    assert out.returncode == 1
    assert "Chỉ số NOPE chưa có trong cơ sở dữ liệu" in out.stderr


def test_missing_edition_is_an_error(fresh_db):
    out = run("rank", "--index", "GAIRI", "--edition", "2010", db=fresh_db)
    assert out.returncode == 1
    assert "No GAIRI data for edition 2010" in out.stderr


def test_seed_creates_the_database_once(tmp_path):
    db = tmp_path / "new.duckdb"
    first = run("seed", db=db)
    second = run("seed", db=db)
    assert first.returncode == 0 and "seeded:" in first.stdout
    assert second.returncode == 0 and "already seeded" in second.stdout


def test_db_from_environment_variable(tmp_path):
    import os

    db = tmp_path / "env.duckdb"
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "seed"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "AI_DASHBOARD_DB": str(db)},
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert db.exists()


def test_the_module_entry_point_passes_on_the_output_and_the_exit_code(fresh_db):
    """`python -m metrics` (metrics/__main__.py, which leaves with os._exit) in real processes:
    what a command prints and its exit code reach the shell, for a success (0), a refused edition
    (1) and a usage error (2). The other tests run the same `main` in-process."""

    def process(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "metrics", *args, "--db", str(fresh_db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    ok = process("rank", "--index", "GAIRI", "--edition", "2023", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["published_rank"] == 59
    refused = process("rank", "--index", "GAIRI", "--edition", "2010")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert "No GAIRI data for edition 2010" in refused.stderr
    usage = process("rank", "--no-such-option")
    assert usage.returncode == 2 and "--no-such-option" in usage.stderr


def test_every_command_prints_its_help():
    """argparse formats help lazily: a stray '%' in one help text crashes `--help` only."""
    from metrics.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    assert len(sub.choices) >= 10
    for name, command in sub.choices.items():
        assert name in command.format_help()
