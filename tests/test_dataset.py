"""The default dataset loads, validates and matches its sources row for row."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from metrics import i18n
from metrics.dataset import DATA_DIR, load_dataset
from metrics.errors import ValidationFailed
from metrics.store import open_store
from metrics.store import queries as q
from metrics.store.seed import seed_if_empty

SOURCES = DATA_DIR / "sources"


def _source_counts(name: str, index_col: str = "index", filter_col: str | None = None) -> Counter:
    with open(SOURCES / name, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if filter_col:
        rows = [r for r in rows if r[filter_col] == "0"]
    return Counter((r[index_col], int(r["edition_year"])) for r in rows)


def _long_counts(name: str, index_id: str, measure: str) -> Counter:
    """Country rows of a long yardstick file, less the values the source flags incomplete."""
    with open(SOURCES / name, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    incomplete = {
        (r["edition_year"], r["iso3"])
        for r in rows
        if r["measure"] == f"{measure}_complete" and r["value"] == "0"
    }
    return Counter(
        (index_id, int(r["edition_year"]))
        for r in rows
        if r["measure"] == measure and r["iso3"] and (r["edition_year"], r["iso3"]) not in incomplete
    )


def test_totals_per_edition_match_every_source_file(store):
    expected = (
        _source_counts("gairi_full.csv")
        + _source_counts("wipo_gii_overall_2021_2025.csv")
        + _source_counts("imf_aipi_2023.csv", filter_col="is_aggregate")
        + _long_counts("un_egdi_2014_2024_long.csv", "UN_EGDI", "EGDI")
        + _long_counts("eto_cat_ai_v1.12.0_sea11_long.csv", "ETO_CAT_AI", "num_articles")
    )
    with store.reader() as cur:
        got = Counter(
            {
                (i, y): n
                for i, y, n in cur.execute(
                    "SELECT index_id, edition_year, count(*) FROM current_observations"
                    " WHERE measure_id = 'total' GROUP BY ALL"
                ).fetchall()
            }
        )
    assert got == expected


@pytest.mark.parametrize(
    ("year", "countries"),
    [(2019, 194), (2020, 172), (2021, 160), (2022, 181), (2023, 193), (2024, 188), (2025, 195)],
)
def test_gairi_countries_ranked_per_edition(store, year, countries):
    assert q.edition(store, "GAIRI", year)["countries_ranked"] == countries
    assert len(q.scores(store, "GAIRI", year)) == countries


def test_dimension_rows_match_the_dimension_sources(store):
    with open(SOURCES / "gairi_dimensions_2020_2024.csv", encoding="utf-8") as f:
        dims = list(csv.DictReader(f))
    expected = sum(
        1
        for r in dims
        for k, v in r.items()
        if k not in {"edition_year", "country_iso3", "country_name_source"} and v
    )
    with open(SOURCES / "gairi_2025_pillars_dimensions.csv", encoding="utf-8") as f:
        new = list(csv.DictReader(f))
    expected_2025 = sum(1 for r in new for k, v in r.items() if k.startswith("dim_") and v)
    with store.reader() as cur:
        got = cur.execute(
            "SELECT count(*) FILTER (WHERE edition_year < 2025), count(*) FILTER (WHERE edition_year = 2025)"
            " FROM current_observations WHERE index_id = 'GAIRI' AND measure_id LIKE 'dim_%'"
        ).fetchall()[0]
    assert got == (expected, expected_2025)


def test_aggregates_are_not_countries(store):
    countries = set(q.countries(store)["iso3"])
    assert set(q.scores(store, "IMF_AIPI", 2023)["iso3"]) <= countries
    assert len(q.scores(store, "IMF_AIPI", 2023)) == 165


def test_every_edition_is_a_version_with_provenance(store):
    versions = q.versions(store)
    assert len(versions) == 28  # GAIRI 7, GII 5, AIPI 1, EGDI 6, AI articles 9
    assert versions["is_current"].all()
    assert (versions["sha256"].str.len() == 64).all()
    assert (versions["source_url"].str.startswith("https://")).all()


def test_asean_membership_changes_on_26_october_2025(store):
    import datetime as dt

    before = q.group_members(store, "ASEAN", dt.date(2025, 10, 25))
    after = q.group_members(store, "ASEAN", dt.date(2025, 10, 26))
    assert len(before) == 10 and "TLS" not in before
    assert len(after) == 11 and "TLS" in after


def test_seeding_twice_changes_nothing(fresh_db):
    store = open_store(fresh_db)
    version = store.data_version()
    assert seed_if_empty(store) is False
    assert store.data_version() == version
    with store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM versions").fetchall()[0][0] == 28


def test_a_second_open_reuses_the_file(tmp_path):
    path = tmp_path / "db.duckdb"
    first = open_store(path)
    n = len(q.scores(first, "GAIRI", 2023))
    first.close()
    second = open_store(path)
    assert len(q.scores(second, "GAIRI", 2023)) == n
    with second.reader() as cur:
        assert cur.execute("SELECT count(*) FROM audit_log WHERE action = 'seed'").fetchall()[0][0] == 1


def _broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    text = (data / file).read_text(encoding="utf-8")
    assert old in text
    (data / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


def test_a_bad_data_file_names_file_row_and_column_and_writes_nothing(tmp_path):
    data = _broken_copy(
        tmp_path, "observations.csv", "GAIRI,2023,VNM,total,54.48001397", "GAIRI,2023,VNM,total,abc"
    )
    with pytest.raises(ValidationFailed) as info:
        load_dataset(data)
    [problem] = info.value.problems
    assert problem.column == "value" and problem.value == "abc"
    assert problem.params["file"] == "observations.csv"
    with open(data / "observations.csv", encoding="utf-8") as f:
        line = next(i for i, text in enumerate(f, start=1) if text.startswith("GAIRI,2023,VNM,total,"))
    assert problem.row == line
    store = open_store(tmp_path / "x.duckdb", seed=False)
    with pytest.raises(ValidationFailed):
        seed_if_empty(store, data)
    with store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM observations").fetchall()[0][0] == 0


def test_an_unknown_country_code_is_reported(tmp_path):
    data = _broken_copy(tmp_path, "observations.csv", "GAIRI,2023,VNM,total", "GAIRI,2023,VNX,total")
    with pytest.raises(ValidationFailed) as info:
        load_dataset(data)
    codes = {(p.code, p.column, p.value) for p in info.value.problems}
    assert ("unknown_country", "iso3", "VNX") in codes


def test_a_score_outside_the_edition_scale_is_reported(tmp_path):
    data = _broken_copy(
        tmp_path, "observations.csv", "GAIRI,2023,VNM,total,54.48001397", "GAIRI,2023,VNM,total,154.48"
    )
    with pytest.raises(ValidationFailed) as info:
        load_dataset(data)
    assert [p.code for p in info.value.problems] == ["value_outside_scale"]


def test_a_repeated_observation_is_reported(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with open(data / "observations.csv", encoding="utf-8") as f:
        lines = f.readlines()
    vnm = next(line for line in lines if line.startswith("GAIRI,2023,VNM,total,"))
    with open(data / "observations.csv", "a", encoding="utf-8") as f:
        f.write(vnm)
    with pytest.raises(ValidationFailed) as info:
        load_dataset(data)
    [problem] = info.value.problems
    assert (problem.code, problem.row) == ("duplicate_row", len(lines) + 1)
    assert problem.params["first_row"] == lines.index(vnm) + 1


def test_an_edition_whose_rows_name_two_source_files_is_reported(tmp_path):
    """The store keeps an edition's source file on its version, so one edition has one file."""
    data = _broken_copy(
        tmp_path,
        "observations.csv",
        "GAIRI,2023,VNM,total,54.48001397,59,Viet Nam,raw/oxford_insights_gairi_2023_public-indicator-data.xlsx",
        "GAIRI,2023,VNM,total,54.48001397,59,Viet Nam,raw/another.xlsx",
    )
    with pytest.raises(ValidationFailed) as info:
        load_dataset(data)
    [problem] = info.value.problems
    assert (problem.code, problem.column, problem.value) == (
        "source_file_varies",
        "source_file",
        "raw/another.xlsx",
    )
    assert problem.params["first"] == "raw/oxford_insights_gairi_2023_public-indicator-data.xlsx"
    assert "raw/oxford_insights_gairi_2023" in i18n.problem_message(problem, "vi")


def test_every_version_names_the_file_its_rows_came_from(store):
    with store.reader() as cur:
        sources = dict(
            cur.execute("SELECT index_id || ' ' || edition_year, source_file FROM versions").fetchall()
        )
    assert sources["GAIRI 2023"] == "raw/oxford_insights_gairi_2023_public-indicator-data.xlsx"
    assert all(sources.values())


def test_an_index_of_one_region_declares_its_coverage():
    """ETO's AI articles cover the 11 countries of Southeast Asia only; the other indices the world
    (blank, or WORLD, in data/indices.csv)."""
    coverage = {i.index_id: i.region for i in load_dataset().indices}
    assert coverage.pop("ETO_CAT_AI") == "SEA"
    assert set(coverage.values()) == {None}


def test_a_world_coverage_may_be_written_world_and_an_unknown_region_is_reported(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "indices.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        columns, rows = reader.fieldnames, list(reader)
    assert rows[0]["index_id"] == "GAIRI" and rows[0]["coverage"] == ""
    rows[0]["coverage"] = "WORLD"  # GAIRI: coverage written WORLD instead of blank
    eto = next(i for i, r in enumerate(rows) if r["index_id"] == "ETO_CAT_AI") + 1  # its line - 1
    assert rows[eto - 1]["coverage"] == "SEA"
    rows[eto - 1]["coverage"] = "MARS"
    with (data / "indices.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ValidationFailed) as info:
        load_dataset(data)
    [problem] = info.value.problems
    assert (problem.code, problem.row, problem.column, problem.value) == (
        "unknown_group",
        eto + 1,
        "coverage",
        "MARS",
    )


def test_a_world_target_judged_by_a_regional_index_is_refused(tmp_path):
    """Decision 1671's 'top 3 of Southeast Asia in AI research' turned into a world target: ETO's
    tracker has no world field, so the loader names the row, the column and the reason."""
    row = "QD1671_2026,T1671_01,1,impact,2030,rank,<=,3,,,SEA,ETO_CAT_AI,"
    data = _broken_copy(tmp_path, "targets.csv", row, row.replace(",SEA,", ",WORLD,"))
    with pytest.raises(ValidationFailed) as info:
        load_dataset(data)
    [problem] = info.value.problems
    with open(data / "targets.csv", encoding="utf-8") as f:
        line = next(i for i, text in enumerate(f, start=1) if text.startswith("QD1671_2026,T1671_01,"))
    assert (problem.code, problem.row, problem.column, problem.value) == (
        "world_target_regional_index",
        line,
        "group_id",
        "WORLD",
    )
    assert problem.params == {"file": "targets.csv", "index_id": "ETO_CAT_AI", "region": "SEA"}
    english = i18n.problem_message(problem, "en")
    assert english == (
        f"row {line}, column “group_id”, value “WORLD”: a world target cannot be judged by ETO_CAT_AI:"
        " that index covers only SEA, so it has no world rank (targets.csv)"
    )
    assert "không có thứ hạng thế giới" in i18n.problem_message(problem, "vi")
