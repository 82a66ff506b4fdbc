"""`python -m metrics` in a real subprocess against a real database file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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


def run(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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


def test_status_json_has_every_target_with_stable_keys(fresh_db):
    out = run("status", "--json", "--today", "2026-03-01", db=fresh_db)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 14
    assert all(set(r) == EXPECTED_KEYS_STATUS for r in rows)
    world_2025 = next(r for r in rows if r["target_id"] == "T2025_WORLD_RANK")
    assert world_2025["yardstick_index"] == "GAIRI" and world_2025["as_of_edition"] == 2025


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


def test_every_command_prints_its_help():
    """argparse formats help lazily: a stray '%' in one help text crashes `--help` only."""
    from metrics.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    assert len(sub.choices) >= 10
    for name, command in sub.choices.items():
        assert name in command.format_help()
