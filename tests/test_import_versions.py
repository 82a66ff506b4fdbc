"""Versions: replace keeps the old one, compare says what changed, rollback restores, the identical
file is recognised; new datasets and new editions get their reference rows; aliases; permissions.
"""

from __future__ import annotations

import json

import pytest

from metrics import services
from metrics.errors import MetricsError, PermissionDenied, ValidationFailed
from metrics.ingest import pipeline
from metrics.store import imports as store_imports
from metrics.store import open_store
from metrics.store import queries as q
from tests.test_import_helpers import ANALYST, IMPORTS, VIEWER, fingerprint, run_import, write_csv

HEADER = ["country", "year", "measure", "value", "rank"]


@pytest.fixture
def store(fresh_db):
    s = open_store(fresh_db)
    yield s
    s.close()


def _current_totals(store, index_id="GAIRI", year=2023) -> dict[str, float]:
    frame = q.scores(store, index_id, year)
    return dict(zip(frame["iso3"], frame["value"], strict=True))


def _gairi_2023_rows(store, change: dict[str, float] | None = None, drop: tuple[str, ...] = ()) -> list[list]:
    """The current GAIRI 2023 totals as tidy CSV rows (English names), with some edits."""
    names = dict(q.countries(store)[["iso3", "name_en"]].itertuples(index=False))
    frame = q.scores(store, "GAIRI", 2023)
    rows = []
    for iso3, value, rank in frame[["iso3", "value", "published_rank"]].itertuples(index=False):
        if iso3 in drop:
            continue
        rows.append([f'"{names[iso3]}"', 2023, "total", repr((change or {}).get(iso3, value)), int(rank)])
    return rows


def test_replacing_an_edition_keeps_the_old_version_and_compare_shows_the_changes(store, tmp_path):
    seeded = _current_totals(store)
    path = write_csv(
        tmp_path / "gairi_2023_fix.csv", HEADER, _gairi_2023_rows(store, {"VNM": 60.0}, ("SGP",))
    )
    plan = run_import(store, path, edition_year=2023, dry_run=True)
    (edition,) = plan.editions
    assert plan.status == "ready" and edition.action == "replace"
    diff = edition.diff
    assert diff.removed_countries == ["SGP"] and diff.added_countries == []
    assert diff.changed_count == 1
    assert (diff.changed[0].iso3, diff.changed[0].old_value, diff.changed[0].new_value) == (
        "VNM",
        seeded["VNM"],
        60.0,
    )
    assert "pillar_government" in diff.removed_measures  # the file has totals only

    result = run_import(store, path, edition_year=2023)
    new_id = result.versions[0]["version_id"]
    old_id = result.versions[0]["replaced"]
    assert _current_totals(store)["VNM"] == 60.0 and "SGP" not in _current_totals(store)
    versions = store_imports.list_versions(store, "GAIRI")
    by_id = versions.set_index("version_id")
    assert bool(by_id.loc[new_id, "is_current"]) and not bool(by_id.loc[old_id, "is_current"])
    assert by_id.loc[new_id, "replaced_version"] == old_id and by_id.loc[new_id, "reader"] == "analyst"

    compared = store_imports.compare(store, old_id, new_id)
    assert compared.removed_countries == ["SGP"]
    assert [(c.iso3, c.new_value) for c in compared.changed if c.measure_id == "total"] == [("VNM", 60.0)]


def test_rollback_makes_the_old_version_current_again_and_is_audited(store, tmp_path):
    seeded = _current_totals(store)
    path = write_csv(tmp_path / "gairi_2023_fix.csv", HEADER, _gairi_2023_rows(store, {"VNM": 60.0}))
    result = run_import(store, path, edition_year=2023)
    old_id = result.versions[0]["replaced"]
    detail = store_imports.rollback(store, ANALYST, old_id)
    assert detail == {
        "version_id": old_id,
        "index_id": "GAIRI",
        "edition_year": 2023,
        "previous_version_id": result.versions[0]["version_id"],
    }
    assert _current_totals(store) == seeded
    log = q.audit_log(store, limit=2)
    assert log["action"].tolist() == ["rollback", "replace"]
    assert json.loads(log.iloc[0]["detail"])["version_id"] == old_id
    with pytest.raises(MetricsError) as caught:
        store_imports.rollback(store, ANALYST, old_id)
    assert caught.value.code == "version_already_current"
    with pytest.raises(MetricsError) as caught:
        store_imports.rollback(store, ANALYST, 99999)
    assert caught.value.code == "version_not_found"


def test_reimporting_an_older_identical_file_makes_its_version_current_again(store, tmp_path):
    a = write_csv(tmp_path / "a.csv", HEADER, _gairi_2023_rows(store, {"VNM": 60.0}))
    b = write_csv(tmp_path / "b.csv", HEADER, _gairi_2023_rows(store, {"VNM": 61.0}))
    first = run_import(store, a, edition_year=2023).versions[0]["version_id"]
    run_import(store, b, edition_year=2023)
    count = len(q.versions(store, "GAIRI"))
    again = run_import(store, a, edition_year=2023)
    assert again.plan.editions[0].action == "restore"
    assert again.versions[0]["version_id"] == first and again.versions[0]["restored"]
    assert len(q.versions(store, "GAIRI")) == count  # no new version, no duplicate rows
    assert _current_totals(store)["VNM"] == 60.0


def test_dry_run_writes_nothing(store, tmp_path):
    before = fingerprint(store)
    path = write_csv(tmp_path / "gairi_2023_fix.csv", HEADER, _gairi_2023_rows(store, {"VNM": 60.0}))
    plan = run_import(store, path, edition_year=2023, dry_run=True)
    assert plan.can_commit
    assert fingerprint(store) == before


def test_new_dataset_creates_index_framework_measures_and_editions(store, tmp_path):
    rows = [
        ["Việt Nam", 2022, "AI start-ups", 120],
        ["Viet Nam", 2023, "AI start-ups", 180],
        ["Thái Lan", 2022, "AI start-ups", 150],
        ["Thailand", 2023, "AI start-ups", 210],
        ["Xinh-ga-po", 2022, "AI start-ups", 900],
        ["SGP", 2023, "AI start-ups", 1100],
        ["Viet Nam", 2023, "R&D spending (% GDP)", 0.53],
    ]
    path = write_csv(tmp_path / "startups.csv", ["Quốc gia", "Năm", "Chỉ tiêu", "Giá trị"], rows)
    result = run_import(
        store,
        path,
        index_id="AI_STARTUPS",
        name="AI start-ups and R&D",
        name_vi="Doanh nghiệp khởi nghiệp AI và R&D",
        unit="count",
        source_url="https://example.org/startups",
    )
    assert result.status == "imported" and result.plan.index_is_new
    assert [v["edition_year"] for v in result.versions] == [2022, 2023]
    index = q.indices(store).set_index("index_id").loc["AI_STARTUPS"]
    assert (
        index["name_vi"] == "Doanh nghiệp khởi nghiệp AI và R&D"
        and index["homepage"] == "https://example.org/startups"
    )
    editions = q.editions(store, "AI_STARTUPS")
    assert editions["framework"].tolist() == ["AI_STARTUPS", "AI_STARTUPS"]
    # Scale inferred from the data (0.53 .. 1100), rounded out.
    assert (editions["scale_min"].tolist(), editions["scale_max"].tolist()) == ([0.0, 0.0], [2000.0, 2000.0])
    measures = q.measures(store, "AI_STARTUPS", "AI_STARTUPS")
    assert dict(zip(measures["measure_id"], measures["level"], strict=True)) == {
        "ai_start_ups": "indicator",
        "r_d_spending_gdp": "indicator",
    }
    assert set(measures["name_en"]) == {"AI start-ups", "R&D spending (% GDP)"}
    with store.reader() as cur:
        assert cur.execute("SELECT unit FROM index_details WHERE index_id = 'AI_STARTUPS'").fetchall() == [
            ("count",)
        ]
    # the pages show its values and gaps in that unit (its scale is the data's, not a publisher's)
    info = services.index_info(store, "AI_STARTUPS")
    assert (info.unit("vi"), info.unit("en")) == ("count", "count")
    # It can now be charted and used as a yardstick like any index.
    history = services.rank_history(store, "AI_STARTUPS", "VNM", "ASEAN", measure_id="ai_start_ups")
    assert [(r.edition_year, r.score, r.group_rank) for r in history] == [(2022, 120.0, 3), (2023, 180.0, 3)]


def test_next_edition_of_a_dataset_widens_its_scale_instead_of_refusing(store, tmp_path):
    first = write_csv(
        tmp_path / "d1.csv", ["country", "year", "measure", "value"], [["Viet Nam", 2022, "total", 12]]
    )
    run_import(store, first, index_id="DEMO", name="Demo", unit="count", source_url="https://example.org")
    later = write_csv(
        tmp_path / "d2.csv", ["country", "year", "measure", "value"], [["Viet Nam", 2023, "total", 250]]
    )
    result = run_import(store, later, index_id="DEMO")
    (edition,) = result.plan.editions
    assert edition.edition_is_new and edition.scale_source == "widened" and not edition.methodology_break
    assert [w.code for w in result.plan.warnings] == ["scale_widened"]
    assert q.edition(store, "DEMO", 2023)["scale_max"] == 300.0


def test_new_edition_of_a_known_index_copies_the_previous_edition(store, tmp_path):
    rows = _gairi_2023_rows(store)
    for row in rows:
        row[1] = 2026
    path = write_csv(tmp_path / "gairi_2026.csv", HEADER, rows)
    result = run_import(store, path, edition_year=None, source_url="https://example.org/gairi-2026")
    (edition,) = result.plan.editions
    assert edition.edition_is_new and edition.action == "new" and not edition.methodology_break
    e2025, e2026 = q.edition(store, "GAIRI", 2025), q.edition(store, "GAIRI", 2026)
    for key in ("scale_min", "scale_max", "framework", "series", "aggregation"):
        assert e2026[key] == e2025[key]
    assert e2026["countries_ranked"] == len(rows) and e2026["source_url"] == "https://example.org/gairi-2026"
    assert str(e2026["membership_date"]).startswith("2026-12-31")


def test_new_measures_in_a_new_edition_start_a_new_framework_and_the_preview_says_so(store, tmp_path):
    rows = [["Viet Nam", 2026, "total", 55.0, 40], ["Viet Nam", 2026, "Frontier Readiness", 41.0, ""]]
    path = write_csv(tmp_path / "gairi_2026.csv", HEADER, rows)
    plan = run_import(store, path, dry_run=True)
    (edition,) = plan.editions
    assert edition.methodology_break and edition.framework == edition.series == "GAIRI-2026"
    assert edition.previous_framework == "GAIRI-2025"
    (warning,) = [w for w in plan.warnings if w.code == "methodology_break"]
    assert warning.params["measures"] == "frontier_readiness"
    run_import(store, path)
    assert q.edition(store, "GAIRI", 2026)["series"] == "GAIRI-2026"
    assert set(q.measures(store, "GAIRI", "GAIRI-2026")["measure_id"]) == {"total", "frontier_readiness"}


def test_values_outside_a_copied_publisher_scale_are_refused_unless_a_scale_is_given(store, tmp_path):
    path = write_csv(tmp_path / "gairi_2026.csv", HEADER, [["Viet Nam", 2026, "total", 550.0, 1]])
    before = fingerprint(store)
    with pytest.raises(ValidationFailed) as caught:
        run_import(store, path)
    assert [p.code for p in caught.value.problems] == ["score_outside_scale"]
    assert fingerprint(store) == before
    run_import(store, path, scale_min=0, scale_max=1000)
    assert q.edition(store, "GAIRI", 2026)["scale_max"] == 1000.0


def test_country_count_far_from_the_previous_edition_is_suspicious(store, tmp_path):
    rows = _gairi_2023_rows(store)[:40]
    for row in rows:
        row[1] = 2026
    path = write_csv(tmp_path / "gairi_2026.csv", HEADER, rows)
    plan = run_import(store, path, dry_run=True)
    (warning,) = [w for w in plan.warnings if w.code == "country_count_changed"]
    assert warning.params == {
        "edition": 2026,
        "count": 40,
        "previous_edition": 2025,
        "previous_count": 195,
        "percent": -79,
    }
    assert plan.can_commit  # suspicious, not wrong


def test_an_unknown_name_becomes_known_once_the_alias_is_confirmed(store, tmp_path):
    path = write_csv(
        tmp_path / "gairi_2023.csv", HEADER, [["Viet-Nam (Socialist Rep.)", 2023, "total", 54.48, 59]]
    )
    plan = run_import(store, path, dry_run=True)
    (problem,) = plan.problems
    assert problem.code == "country_unmatched"
    before = fingerprint(store)
    assert pipeline.add_alias(store, ANALYST, "Viet-Nam (Socialist Rep.)", "vnm") is True
    assert fingerprint(store) != before
    aliases = q.country_aliases(store)
    assert ("Viet-Nam (Socialist Rep.)", "VNM", "analyst") in set(aliases.itertuples(index=False, name=None))
    assert q.audit_log(store, limit=1).iloc[0]["action"] == "alias_add"
    assert run_import(store, path, dry_run=True).problems == []
    assert pipeline.add_alias(store, ANALYST, "Viet-Nam (Socialist Rep.)", "VNM") is False  # already known


@pytest.mark.parametrize(
    ("alias", "iso3", "code"),
    [
        ("Thailand", "VNM", "country_alias_conflict"),
        ("Somewhere", "XXX", "country_not_found"),
        ("  ", "VNM", "country_alias_empty"),
    ],
)
def test_an_alias_that_cannot_be_kept_is_refused(store, alias, iso3, code):
    before = fingerprint(store)
    with pytest.raises(MetricsError) as caught:
        pipeline.add_alias(store, ANALYST, alias, iso3)
    assert caught.value.code == code
    assert fingerprint(store) == before


def test_viewers_cannot_import_roll_back_or_add_aliases(store):
    path = IMPORTS / "unknown_country.csv"
    source = pipeline.read_source(path.read_bytes(), path.name)
    options = pipeline.ImportOptions(index_id="GAIRI", edition_year=2023)
    for call in (
        lambda: pipeline.preview(store, VIEWER, source, options),
        lambda: pipeline.commit(store, VIEWER, source, options),
        lambda: pipeline.import_file(store, VIEWER, path, options),
        lambda: store_imports.rollback(store, VIEWER, 1),
        lambda: pipeline.add_alias(store, VIEWER, "Vietnm", "VNM"),
    ):
        with pytest.raises(PermissionDenied):
            call()
