"""An analyst's import cannot break the dashboard (issue 13, import half; issue 14, column limit).

One small file per failure in tests/fixtures/bad/ with the exact message in Vietnamese and English
and a database left as it was (a digest of every table an import writes, before and after); the
column choices of the preview kept as aliases; editions without totals; withdrawing any version;
the restore point before every import."""

from __future__ import annotations

import json

import pytest

from metrics import i18n
from metrics.errors import MetricsError, ValidationFailed
from metrics.ingest import detect
from metrics.store import imports as store_imports
from metrics.store import open_store, restore_points
from metrics.store import queries as q
from tests.cli_runner import Ran, run_cli
from tests.conftest import FIXTURES
from tests.test_import_helpers import ANALYST, fingerprint, run_import

BAD = FIXTURES / "bad"
VI_FILE = BAD / "vi_total_unknown_cp1258.csv"
VI_HEADER = "Mức độ sẵn sàng AI"


@pytest.fixture
def store(fresh_db):
    s = open_store(fresh_db)
    yield s
    s.close()


def _visible(store) -> dict:
    """What the pages read: the current editions and every current observation."""
    with store.reader() as cur:
        rows = cur.execute(
            "SELECT index_id, edition_year, iso3, measure_id, value, published_rank FROM current_observations"
            " ORDER BY ALL"
        ).fetchall()
    editions = q.editions(store)[["index_id", "edition_year", "version_id"]].to_dict("records")
    return {"rows": rows, "editions": editions}


# --- one bad file per failure: the message, and nothing written --------------------------------

PROBLEM_FILES = [
    (
        "ragged_row.csv",
        {"edition_year": 2023},
        "too_many_cells",
        3,
        "This line has 4 cells but the header only 3: a value without a column",
        "Dòng này có 4 ô nhưng dòng tiêu đề chỉ có 3: có giá trị không thuộc cột nào",
    ),
    (
        "vi_total_unknown_cp1258.csv",
        {},
        "headline_missing",
        None,
        "Edition 2026 has a total score for 0 of its 5 countries: pages and reports would have nothing to"
        " rank. Map the column that holds the total to “total” in the preview (columns not recognised:"
        " Mức độ sẵn sàng AI), or confirm an edition without totals.",
        "Kỳ 2026 chỉ có tổng điểm cho 0 trên 5 quốc gia: các trang và báo cáo sẽ không có gì để xếp hạng."
        " Hãy ánh xạ cột chứa tổng điểm vào “total” trong bản xem trước (các cột chưa nhận ra: Mức độ sẵn"
        " sàng AI), hoặc xác nhận nhập một kỳ không có tổng điểm.",
    ),
]

REFUSED_FILES = [
    (
        "too_many_columns.csv",
        {"edition_year": 2023},
        "too_many_columns",
        "The file has 10000 columns; an import takes at most 600 (data/import_limits.toml).",
        "Tệp có 10000 cột; mỗi lần nhập chỉ nhận tối đa 600 cột (data/import_limits.toml).",
    ),
    (
        "too_many_measures.csv",
        {"index_id": "GAIRI"},
        "too_many_new_measures",
        "The file would add 301 new measures to GAIRI; an import may add at most 300",
        "Tệp sẽ thêm 301 thước đo mới vào GAIRI; mỗi lần nhập chỉ được thêm tối đa 300",
    ),
]


@pytest.mark.parametrize(
    ("name", "options", "code", "row", "en", "vi"), PROBLEM_FILES, ids=[c[0] for c in PROBLEM_FILES]
)
@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "commit"])
def test_a_bad_file_is_a_problem_with_its_message_and_writes_nothing(
    store, name, options, code, row, en, vi, dry_run
):
    before = fingerprint(store)
    try:
        outcome = run_import(store, BAD / name, dry_run=dry_run, **options)
        problems = outcome.problems
        assert dry_run and outcome.status == "invalid"
    except ValidationFailed as exc:
        problems = exc.problems
    assert [(p.code, p.row) for p in problems] == [(code, row)]
    assert en in i18n.problem_message(problems[0], "en")
    assert vi in i18n.problem_message(problems[0], "vi")
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    ("name", "options", "code", "en", "vi"), REFUSED_FILES, ids=[c[0] for c in REFUSED_FILES]
)
def test_a_file_past_a_limit_is_refused_with_a_message_and_writes_nothing(store, name, options, code, en, vi):
    before = fingerprint(store)
    with pytest.raises(MetricsError) as caught:
        run_import(store, BAD / name, **options)
    assert caught.value.code == code
    assert en in i18n.error_message(code, "en", **caught.value.params)
    assert vi in i18n.error_message(code, "vi", **caught.value.params)
    assert fingerprint(store) == before


def test_a_20_mb_line_is_refused_naming_the_line(store, tmp_path):
    """The issue's file: one 20 MB line (generated here: too large for the fixtures folder)."""
    path = tmp_path / "gairi_2023_huge_line.csv"
    path.write_bytes(b"Country,Year,Score\nViet Nam,2023,54.48\nThailand,2023," + b"7" * (20 * 2**20) + b"\n")
    before = fingerprint(store)
    with pytest.raises(ValidationFailed) as caught:
        run_import(store, path, edition_year=2023)
    (problem,) = caught.value.problems
    assert (problem.code, problem.row) == ("field_too_large", 3)
    assert i18n.problem_message(problem, "en").startswith(
        "row 3: A cell of this line holds more than 100000 characters: the file is not a table"
    )
    assert i18n.problem_message(problem, "vi").startswith(
        "dòng 3: Một ô của dòng này dài hơn 100000 ký tự: tệp không phải là một bảng"
    )
    assert fingerprint(store) == before


def test_a_ragged_row_of_a_large_file_is_a_problem_at_its_line_too(store, tmp_path):
    """Over 1 MB a tidy CSV takes DuckDB's fast path; a row with an extra cell sends it back to the
    lenient reader, which names the line."""
    lines = ["Country,Year,Measure,Value"] + [
        f"Viet Nam,{1990 + i % 100},m{i % 200},1.5" for i in range(80_000)
    ]
    lines.insert(60_001, "Thailand,2023,m1,2.5,oops")
    path = tmp_path / "large_ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > detect.FAST_PATH_MIN_BYTES
    before = fingerprint(store)
    with pytest.raises(ValidationFailed) as caught:
        run_import(
            store, path, index_id="NEW_SET", name="New set", unit="points", source_url="https://example.org"
        )
    assert [(p.code, p.row) for p in caught.value.problems] == [("too_many_cells", 60_002)]
    assert fingerprint(store) == before


def test_three_countries_replacing_193_warn_in_the_preview(store):
    before = fingerprint(store)
    # the id of the seeded GAIRI 2023 version follows the seed order, so it is read, not written in
    (replaced,) = set(q.observations(store, "GAIRI", 2023)["version_id"])
    plan = run_import(store, BAD / "three_countries.csv", dry_run=True)
    (edition,) = plan.editions
    assert edition.action == "replace" and len(edition.diff.removed_countries) == 190
    (warning,) = [w for w in plan.warnings if w.code == "country_count_replaced"]
    assert i18n.problem_message(warning, "en").startswith(
        f"The file has 3 countries for edition 2023, the version it replaces ({replaced}) has 193 (-98%)"
    )
    assert i18n.problem_message(warning, "vi").startswith(
        f"Tệp có 3 quốc gia cho kỳ 2023, phiên bản bị thay thế ({replaced}) có 193 (-98%)"
    )
    assert fingerprint(store) == before


def test_every_file_of_the_bad_folder_is_covered():
    covered = {c[0] for c in PROBLEM_FILES + REFUSED_FILES} | {"three_countries.csv"}
    # the readers' own bad files (tests/test_readers.py)
    readers = {
        "bad_number.csv", "missing_country.csv", "missing_year.csv", "year_out_of_range.csv",
        "duplicate_row.csv", "no_header.csv", "no_value_column.csv", "bad_decimal.csv",
    }  # fmt: skip
    assert {p.name for p in BAD.iterdir()} == covered | readers


# --- the Vietnamese analyst's file -------------------------------------------------------------


def test_the_vietnamese_file_reads_right_and_is_blocked_until_its_total_is_mapped(store):
    plan = run_import(store, VI_FILE, dry_run=True)
    assert plan.mapping["encoding"] == "cp1258" and plan.mapping["delimiter"] == ";"
    assert plan.countries_matched == 5 and plan.names_unmatched == 0
    assert {f["column"]: (f["measure_id"], f["how"]) for f in plan.columns} == {
        "Chính phủ": ("pillar_government", "known"),
        VI_HEADER: ("muc_do_san_sang_ai", "new"),
    }
    assert not plan.can_commit
    with pytest.raises(ValidationFailed):
        run_import(store, VI_FILE)

    result = run_import(store, VI_FILE, column_map={VI_HEADER: "total"})
    assert result.status == "imported"
    scores = q.scores(store, "GAIRI", 2026)
    assert dict(zip(scores["iso3"], scores["value"], strict=True)) == {
        "SGP": 82.5, "MYS": 68.4, "THA": 64.2, "IDN": 62.0, "VNM": 56.12,
    }  # fmt: skip
    assert q.latest_headline_edition(store, "GAIRI") == 2026
    # the choice is kept for this header of this index: the next file maps by itself
    again = run_import(store, VI_FILE, dry_run=True)
    assert {f["column"]: f["how"] for f in again.columns}[VI_HEADER] == "alias"
    assert again.status == "unchanged"


@pytest.mark.parametrize(
    "header", ["Tổng điểm", "Điểm tổng", "Điểm tổng hợp", "Chỉ số tổng hợp", "Điểm chung"]
)
def test_vietnamese_words_for_the_total_map_by_themselves(store, tmp_path, header):
    path = tmp_path / "gairi_2026_vi.csv"
    path.write_text(
        f"Quốc gia;Năm;{header};Chính phủ\nViệt Nam;2026;56,12;60,10\nThái Lan;2026;64,20;66,00\n",
        encoding="utf-8",
    )
    plan = run_import(store, path, dry_run=True)
    assert {f["column"]: f["measure_id"] for f in plan.columns}[header] == "total"
    assert not [p for p in plan.problems if p.code == "headline_missing"]


def test_ignoring_a_column_leaves_it_out(store):
    plan = run_import(store, VI_FILE, dry_run=True, column_map={VI_HEADER: "total", "Chính phủ": "-"})
    (edition,) = plan.editions
    assert edition.measures == ["total"] and plan.can_commit
    assert {f["column"]: f["how"] for f in plan.columns}["Chính phủ"] == "ignored"


def test_an_edition_confirmed_without_totals_is_flagged_and_never_the_latest(store):
    result = run_import(store, VI_FILE, allow_no_headline=True)
    assert result.status == "imported"
    assert [w.code for w in result.plan.warnings if w.code == "edition_without_headline"]
    editions = q.editions(store, "GAIRI").set_index("edition_year")
    assert not bool(editions.loc[2026, "has_headline"]) and bool(editions.loc[2025, "has_headline"])
    assert q.latest_headline_edition(store, "GAIRI") == 2025


# --- withdrawing a version -----------------------------------------------------------------------


def test_the_only_version_of_a_new_edition_can_be_withdrawn_and_all_is_as_before(store):
    before = _visible(store)
    frameworks = q._df(store, "SELECT * FROM frameworks ORDER BY ALL")
    version = run_import(store, VI_FILE, column_map={VI_HEADER: "total"}).versions[0]["version_id"]
    assert _visible(store) != before
    detail = store_imports.withdraw(store, ANALYST, version, "  wrong   file  ")
    assert detail["now_current"] is None and detail["edition_removed"]
    assert _visible(store) == before
    assert q._df(store, "SELECT * FROM frameworks ORDER BY ALL").equals(frameworks)
    event = q.audit_log(store, limit=1).iloc[0]
    assert event["action"] == "withdraw" and json.loads(event["detail"])["reason"] == "wrong file"
    listed = store_imports.list_versions(store, "GAIRI").set_index("version_id")
    assert bool(listed.loc[version, "withdrawn"]) and listed.loc[version, "withdrawn_reason"] == "wrong file"
    with pytest.raises(MetricsError) as caught:
        store_imports.rollback(store, ANALYST, version)
    assert caught.value.code == "version_withdrawn"
    # the same file again is a new version (a withdrawn one is never brought back)
    again = run_import(store, VI_FILE, column_map={VI_HEADER: "total"})
    assert again.plan.editions[0].action == "new" and again.versions[0]["version_id"] != version


def test_withdrawing_a_replacement_makes_the_replaced_version_current_again(store):
    before = _visible(store)
    result = run_import(store, BAD / "three_countries.csv")
    new, old = result.versions[0]["version_id"], result.versions[0]["replaced"]
    detail = store_imports.withdraw(store, ANALYST, new, "three countries only")
    assert detail["now_current"] == old and not detail["edition_removed"]
    assert _visible(store) == before


@pytest.mark.parametrize(
    ("reason", "code"), [("", "withdraw_reason_required"), ("x" * 501, "withdraw_reason_too_long")]
)
def test_a_withdrawal_needs_a_reason(store, reason, code):
    before = fingerprint(store)
    with pytest.raises(MetricsError) as caught:
        store_imports.withdraw(store, ANALYST, 5, reason)
    assert caught.value.code == code
    assert i18n.error_message(code, "vi", **caught.value.params) != f"error.{code}"
    assert fingerprint(store) == before


# --- restore points --------------------------------------------------------------------------------


def test_every_import_is_preceded_by_a_restore_point_that_restores_the_database(store, fresh_db, tmp_path):
    before = _visible(store)
    version_before = store.data_version()
    run_import(store, VI_FILE, column_map={VI_HEADER: "total"})
    (point,) = restore_points.list_points(fresh_db)
    assert point.data_version == version_before and point.reason == "import vi_total_unknown_cp1258.csv"
    # a refused import changes nothing, so it reuses the restore point of the same data version
    with pytest.raises(ValidationFailed):
        run_import(store, BAD / "ragged_row.csv", edition_year=2023)
    run_import(store, BAD / "three_countries.csv")
    assert len(restore_points.list_points(fresh_db)) == 2
    copy = open_store(point.path, seed=False)
    try:
        assert _visible(copy) == before
    finally:
        copy.close()


def test_restore_points_are_bounded(store, fresh_db):
    for i in range(4):
        with store.transaction("test", "touch", {"i": i}):
            pass
        restore_points.create(store, "test", f"step {i}", keep=3)
    points = restore_points.list_points(fresh_db)
    assert [p.reason for p in points] == ["step 3", "step 2", "step 1"]


def _cli(*args: str, db) -> Ran:
    return run_cli(*args, db=db)


def test_cli_maps_a_column_withdraws_and_restore_lists_the_points(fresh_db):
    out = _cli(
        "import", str(VI_FILE), "--index", "GAIRI", "--map", f"{VI_HEADER}=total", "--json", db=fresh_db
    )
    assert out.returncode == 0, out.stderr
    version = json.loads(out.stdout)[0]["versions"][0]["version_id"]
    listed = _cli("restore", "--lang", "en", db=fresh_db)
    assert listed.returncode == 0, listed.stderr
    assert (
        "1 restore points (newest first)" in listed.stdout
        and "import vi_total_unknown_cp1258.csv" in listed.stdout
    )
    refused = _cli("withdraw", str(version), "--reason", "", "--lang", "en", db=fresh_db)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"Say why version {version} is withdrawn" in refused.stderr
    done = _cli("withdraw", str(version), "--reason", "wrong file", "--lang", "vi", db=fresh_db)
    assert done.returncode == 0, done.stderr
    assert f"Phiên bản {version} (GAIRI 2026) đã bị rút: wrong file." in done.stdout
    bad_map = _cli("import", str(VI_FILE), "--index", "GAIRI", "--map", "total", "--lang", "en", db=fresh_db)
    assert bad_map.returncode == 1 and "“total” is not HEADER=MEASURE" in bad_map.stderr
