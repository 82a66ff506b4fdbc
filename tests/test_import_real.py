"""The real publisher spreadsheets (tests/fixtures/raw/) imported into a copy of the seeded database
reproduce data/observations.csv exactly, with a version carrying their provenance.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from metrics.store import open_store
from metrics.store import queries as q
from tests.conftest import ROOT
from tests.test_import_helpers import ANALYST, RAW, fingerprint, run_import

CASES = [
    ("GAIRI", 2019, "oxford_insights_gairi_2019_SHARED_-2019-Index-data-for-report.xlsx"),
    ("GAIRI", 2020, "oxford_insights_gairi_2020_public-dataset.xlsx"),
    ("GAIRI", 2021, "oxford_insights_gairi_2021_public-dataset.xlsx"),
    ("GAIRI", 2022, "oxford_insights_gairi_2022_public-data.xlsx"),
    ("GAIRI", 2023, "oxford_insights_gairi_2023_public-indicator-data.xlsx"),
    ("WIPO_GII", 2021, "wipo_gii_2021_wipo_pub_2000-tech1.xlsx"),
    ("WIPO_GII", 2022, "wipo_gii_2022_wipo-pub-2000-2022-tech1.xlsx"),
    ("WIPO_GII", 2023, "wipo_gii_2023_wipo-pub-2000-2023-tech1.xlsx"),
    ("WIPO_GII", 2024, "wipo_gii_2024_wipo-pub-2000-2024-tech1.xlsx"),
]


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    frame = pd.read_csv(ROOT / "data" / "observations.csv", dtype={"published_rank": "Int64"})
    return frame


@pytest.fixture
def store(fresh_db):
    s = open_store(fresh_db)
    yield s
    s.close()


@pytest.mark.parametrize(("index_id", "year", "name"), CASES, ids=[f"{i}-{y}" for i, y, _ in CASES])
def test_raw_spreadsheet_reproduces_the_default_dataset(store, expected, index_id, year, name):
    path = RAW / name
    result = run_import(
        store, path, index_id=index_id, edition_year=year, source_url=f"https://example.org/{name}"
    )
    assert result.status == "imported" and result.action == "replace"
    assert result.plan.reader == "publisher"
    (written,) = result.versions
    got = q.observations(store, index_id, year)
    assert set(got["version_id"]) == {written["version_id"]}
    want = expected[(expected["index_id"] == index_id) & (expected["edition_year"] == year)]
    assert set(got["iso3"]) == set(want["iso3"])
    merged = want.merge(
        got, on=["iso3", "measure_id"], how="outer", suffixes=("_want", "_got"), indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][["iso3", "measure_id"]]
    assert (merged["value_want"] - merged["value_got"]).abs().max() < 1e-9
    ranks_want = merged["published_rank_want"].astype("Int64")
    ranks_got = merged["published_rank_got"].astype("Int64")
    assert ranks_want.fillna(-1).tolist() == ranks_got.fillna(-1).tolist()

    # Provenance of the new version; the seeded version is kept, no longer current.
    versions = q.versions(store, index_id)
    mine = versions[versions["version_id"] == written["version_id"]].iloc[0]
    assert mine["is_current"]
    assert mine["file_name"] == name
    assert mine["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert mine["imported_by"] == ANALYST.name
    assert mine["source_url"] == f"https://example.org/{name}"
    assert mine["licence"]  # the index's licence when none is given
    assert mine["row_count"] == len(want) and mine["country_count"] == want["iso3"].nunique()
    old = versions[(versions["edition_year"] == year) & (versions["version_id"] == written["replaced"])].iloc[
        0
    ]
    assert not old["is_current"]
    # Nothing changed but the provenance: the preview's comparison said so.
    diff = result.plan.editions[0].diff
    assert diff.changed_count == 0 and diff.added_countries == [] and diff.removed_countries == []


def test_reimporting_the_identical_file_changes_nothing(store):
    path = RAW / "oxford_insights_gairi_2021_public-dataset.xlsx"
    first = run_import(store, path, edition_year=2021)
    assert first.status == "imported"
    before = fingerprint(store)
    again = run_import(store, path, edition_year=2021)
    assert again.status == "unchanged" and again.versions == []
    assert again.plan.editions[0].action == "unchanged"
    assert fingerprint(store) == before  # not even an audit row


def test_import_is_audited_with_its_provenance(store):
    path = RAW / "oxford_insights_gairi_2022_public-data.xlsx"
    result = run_import(store, path, edition_year=2022)
    log = q.audit_log(store, limit=1).iloc[0]
    assert log["actor"] == ANALYST.name and log["action"] == "replace"
    detail = json.loads(log["detail"])
    assert detail["file_name"] == path.name
    assert detail["versions"][0]["version_id"] == result.versions[0]["version_id"]
    assert detail["rows"] == result.plan.row_count


def test_published_ranks_that_disagree_with_scores_are_flagged(store):
    """GAIRI 2020 prints Sri Lanka 90th while its score places it 100th (docs/METHODS.md)."""
    plan = run_import(
        store, RAW / "oxford_insights_gairi_2020_public-dataset.xlsx", edition_year=2020, dry_run=True
    )
    assert plan.status == "ready"
    flagged = {w.value: w.params for w in plan.warnings if w.code == "rank_disagrees_with_score"}
    assert flagged["Sri Lanka"]["published"] == 90 and flagged["Sri Lanka"]["computed"] == 100
