"""One small bad file per kind of problem (tests/fixtures/imports/): the message it must give, in
Vietnamese and English, where it points (row, column, value), and a database left exactly as it was.
"""

from __future__ import annotations

import pytest

from metrics import i18n
from metrics.errors import MetricsError, ValidationFailed
from metrics.store import open_store
from tests.test_import_helpers import IMPORTS, fingerprint, run_import

# file, options, code, row, column, value, English text, Vietnamese text
PROBLEMS = [
    (
        "unknown_country.csv",
        {},
        "country_unmatched",
        3,
        "country",
        "Vietnm",
        "Unknown country name (rows 3). Closest known names: Vietnam (VNM).",
        "Tên quốc gia chưa nhận ra (các dòng 3). Các tên gần nhất: Vietnam (VNM).",
    ),
    ("not_a_number.csv", {}, "not_a_number", 3, "value", "sixty", "Not a number.", "Không phải là số."),
    (
        "duplicate_country.csv",
        {},
        "duplicate_country",
        4,
        "country",
        "Viet Nam / Vietnam",
        "VNM appears more than once for total in 2023 (rows 2, 4).",
        "VNM xuất hiện nhiều lần cho thước đo total trong kỳ 2023 (các dòng 2, 4).",
    ),
    (
        "duplicate_row.csv",
        {},
        "duplicate_row",
        4,
        None,
        "Viet Nam",
        "The same country appears again (first at row 2).",
        "Quốc gia này xuất hiện lại (lần đầu ở dòng 2).",
    ),
    (
        "outside_scale.csv",
        {},
        "score_outside_scale",
        3,
        "value",
        "163.03",
        "Outside the scale of edition 2023 (0 to 100).",
        "Nằm ngoài thang điểm của kỳ 2023 (từ 0 đến 100).",
    ),
    (
        "unknown_measure.csv",
        {},
        "measure_not_in_framework",
        3,
        "value",
        "Happiness",
        "The measure “Happiness” is not part of framework GAIRI-2022 of edition 2023.",
        "Thước đo “Happiness” không thuộc khung GAIRI-2022 của kỳ 2023.",
    ),
    (
        "edition_mismatch.csv",
        {},
        "edition_mismatch",
        3,
        "year",
        "2022",
        "The year 2022 is not the edition being imported (2023) (rows 3).",
        "Năm 2022 không phải kỳ đang nhập (2023) (các dòng 3).",
    ),
    (
        "missing_country.csv",
        {},
        "missing_country",
        3,
        "country",
        None,
        "A value without a country name.",
        "Có giá trị nhưng thiếu tên quốc gia.",
    ),
    (
        "missing_year.csv",
        {},
        "missing_year",
        3,
        "year",
        None,
        "A value without a year.",
        "Có giá trị nhưng thiếu năm.",
    ),
    (
        "year_out_of_range.csv",
        {},
        "year_out_of_range",
        3,
        "year",
        "1823",
        "The year must be between 1990 and 2100.",
        "Năm phải nằm trong khoảng từ 1990 đến 2100.",
    ),
    (
        "code_mismatch.csv",
        {},
        "country_code_mismatch",
        3,
        "iso3",
        "Thailand / VNM",
        "The code VNM means VNM but the name “Thailand” means THA.",
        "Mã VNM chỉ VNM nhưng tên “Thailand” chỉ THA.",
    ),
    (
        "no_header.csv",
        {},
        "no_header",
        1,
        None,
        None,
        "No header row naming a country column was found.",
        "Không tìm thấy dòng tiêu đề có cột quốc gia.",
    ),
    (
        "no_data_rows.csv",
        {},
        "no_data_rows",
        None,
        None,
        None,
        "The file has no data rows with a country and a value.",
        "Tệp không có dòng dữ liệu nào có quốc gia và giá trị.",
    ),
    (
        "measure_id_collision.csv",
        {},
        "measure_id_collision",
        None,
        "Government Pillar",
        "Government / Government Pillar",
        "Several columns or names give the same measure “pillar_government”",
        "Nhiều cột hoặc tên cho cùng một thước đo “pillar_government”",
    ),
    (
        "country_not_in_detail.xlsx",
        {},
        "country_not_in_detail",
        5,
        "Country",
        "Viet Nam",
        "This country is in the ranking but has no row in sheet “Detailed scores”.",
        "Quốc gia này có trong bảng xếp hạng nhưng không có dòng nào trong trang tính “Detailed scores”.",
    ),
    (
        "publisher_not_a_number.xlsx",
        {},
        "not_a_number",
        5,
        "Score",
        "not published",
        "Not a number.",
        "Không phải là số.",
    ),
]

# Problems with the whole file or the request (not a row): file, options, code, English, Vietnamese
FILE_ERRORS = [
    (
        "edition_required.csv",
        {"edition_year": None},
        "edition_required",
        "The file edition_required.csv has no year column: give the edition year.",
        "Tệp edition_required.csv không có cột năm: hãy cho biết năm kỳ công bố.",
    ),
    (
        "not_a_workbook.xlsx",
        {},
        "upload_not_xlsx",  # refused by the upload guard before any parser (metrics.ingest.upload_guard)
        "“not_a_workbook.xlsx” is not a valid Excel workbook (.xlsx).",
        "“not_a_workbook.xlsx” không phải sổ tính Excel (.xlsx) hợp lệ.",
    ),
    (
        "layout_ambiguous.xlsx",
        {},
        "layout_ambiguous",
        "Several tables could hold the index: 'Ranking A'!B1; 'Ranking B'!B1. Choose one with the sheet option",
        "Có nhiều bảng có thể chứa chỉ số: 'Ranking A'!B1; 'Ranking B'!B1. Hãy chọn một bảng",
    ),
    (
        "country_not_in_detail.xlsx",
        {"sheet": "Nope"},
        "sheet_not_found",
        "There is no sheet “Nope” in the workbook (sheets: Global ranking; Detailed scores).",
        "Không có trang tính “Nope” trong tệp (các trang tính: Global ranking; Detailed scores).",
    ),
    (
        "unknown_country.csv",
        {"index_id": "NEW_DATASET"},
        "dataset_fields_required",
        "NEW_DATASET is not a known index. To create it as a new dataset, also give: --name, --unit, --source-url.",
        "NEW_DATASET chưa phải là chỉ số đã biết. Để tạo bộ dữ liệu mới, hãy cho thêm: --name, --unit, --source-url.",
    ),
    (
        "unknown_country.csv",
        {"index_id": "bad id"},
        "index_id_invalid",
        "“bad id” cannot be an index id",
        "“bad id” không dùng làm mã chỉ số được",
    ),
]


@pytest.fixture
def store(fresh_db):
    s = open_store(fresh_db)
    yield s
    s.close()


def test_every_bad_file_is_covered():
    named = {case[0] for case in PROBLEMS} | {case[0] for case in FILE_ERRORS} | {"several_problems.csv"}
    on_disk = {p.name for p in IMPORTS.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert on_disk == named


@pytest.mark.parametrize(
    ("name", "options", "code", "row", "column", "value", "en", "vi"), PROBLEMS, ids=[c[0] for c in PROBLEMS]
)
def test_bad_file_names_its_problem_and_changes_nothing(
    store, name, options, code, row, column, value, en, vi
):
    before = fingerprint(store)
    with pytest.raises(ValidationFailed) as caught:
        run_import(store, IMPORTS / name, **{"edition_year": 2023, **options})
    problems = caught.value.problems
    assert [p.code for p in problems] == [code]
    problem = problems[0]
    assert (problem.row, problem.column, problem.value) == (row, column, value)
    assert en in i18n.problem_message(problem, "en")
    assert vi in i18n.problem_message(problem, "vi")
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    ("name", "options", "code", "en", "vi"), FILE_ERRORS, ids=[c[2] for c in FILE_ERRORS]
)
def test_bad_request_is_refused_with_a_message_and_changes_nothing(store, name, options, code, en, vi):
    before = fingerprint(store)
    with pytest.raises(MetricsError) as caught:
        run_import(store, IMPORTS / name, **{"edition_year": 2023, **options})
    exc = caught.value
    assert not isinstance(exc, ValidationFailed)
    assert exc.code == code
    assert en in i18n.error_message(exc.code, "en", **exc.params)
    assert vi in i18n.error_message(exc.code, "vi", **exc.params)
    assert fingerprint(store) == before


def test_every_problem_of_a_file_is_reported_at_once(store):
    before = fingerprint(store)
    with pytest.raises(ValidationFailed) as caught:
        run_import(store, IMPORTS / "several_problems.csv", edition_year=2023)
    found = sorted((p.code, p.row) for p in caught.value.problems)
    assert found == [("country_unmatched", 3), ("duplicate_country", 5), ("score_outside_scale", 4)]
    assert fingerprint(store) == before


def test_the_preview_lists_the_same_problems_without_raising(store):
    before = fingerprint(store)
    plan = run_import(store, IMPORTS / "several_problems.csv", dry_run=True, edition_year=2023)
    assert plan.status == "invalid" and not plan.can_commit
    assert sorted(p.code for p in plan.problems) == [
        "country_unmatched",
        "duplicate_country",
        "score_outside_scale",
    ]
    assert plan.names_unmatched == 1
    unknown = next(p for p in plan.problems if p.code == "country_unmatched")
    assert unknown.params["candidates"][0][:2] == ["VNM", "Vietnam"]
    assert fingerprint(store) == before


def test_reader_and_import_problems_are_reported_together(fresh_db):
    """A bad number (found while reading) and an unknown country (found by the import's checks)
    come back in one list, in row order: the analyst fixes the file once, not twice."""
    from metrics.auth import Actor
    from metrics.errors import ValidationFailed
    from metrics.ingest import pipeline
    from metrics.store import open_store

    store = open_store(fresh_db)
    data = b"Country,Year,Measure,Value\nViet Nam,2023,total,54.48\nAtlantis,2023,total,50\nThailand,2023,total,abc\n"
    source = pipeline.read_source(data, "bad.csv", pipeline.ImportOptions(index_id="GAIRI"))
    with pytest.raises(ValidationFailed) as info:
        pipeline.commit(
            store, Actor(name="a", role="analyst"), source, pipeline.ImportOptions(index_id="GAIRI")
        )
    assert [(p.code, p.row) for p in info.value.problems] == [("country_unmatched", 3), ("not_a_number", 4)]
