"""The tidy-CSV fast path (DuckDB read_csv, parsed in SQL) reads what the lenient pandas readers read:
the same rows, the same problems at the same lines; files it cannot number exactly go the slow way."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.errors import ValidationFailed
from metrics.ingest import detect, fast_csv, figures, pipeline, reference
from metrics.ingest.analyse import analyse
from metrics.ingest.source import no_progress
from metrics.store import open_store
from metrics.store import queries as q
from tests.test_import_helpers import ANALYST

GOOD = """country,year,measure,value,rank
Viet Nam,2023,total,54.48,59
Thái Lan,2023,total,63.03,=37
"Korea, Rep.",2023,total,"1,234.5",T6
Singapore,2023,total,81.97,2nd
Malaysia,2023,total,n/a,
Indonesia,2023,Government,61.2,
Philippines,2022,total,50.5,
Source: made up for a test,,,,
"""

BAD = """country,year,measure,value,rank
Viet Nam,2023,total,54.48,59
Thailand,2023,total,sixty,
,2023,total,12,
Singapore,,total,81.97,
Malaysia,1850,total,60,
Indonesia,2023,,61.2,
Philippines,2023,total,50.5,first
"""


def _read(data: str, fast: bool, monkeypatch) -> pipeline.SourceFile:
    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0 if fast else 10**12)
    return pipeline.read_source(data.encode("utf-8"), "tidy.csv")


def _rows(source: pipeline.SourceFile) -> list[tuple]:
    frame = source.arrow.to_pandas() if source.arrow is not None else source.frame
    frame = frame.astype({"edition_year": "Int64", "published_rank": "Int64"})
    columns = ["country", "edition_year", "measure_text", "value", "published_rank", "source_row"]
    return sorted(
        tuple(None if pd.isna(v) else v for v in row)
        for row in frame[columns].itertuples(index=False, name=None)
    )


def test_fast_path_reads_the_same_rows_as_the_pandas_reader(monkeypatch):
    fast, slow = _read(GOOD, True, monkeypatch), _read(GOOD, False, monkeypatch)
    assert (fast.reader, slow.reader) == ("tidy_csv", "analyst")
    assert fast.problems == []
    assert _rows(fast) == _rows(slow)
    assert ("Korea, Rep.", 2023, "total", 1234.5, 6, 4) in _rows(fast)
    assert fast.years == slow.years == [2022, 2023]


def test_fast_path_reports_the_same_problems_at_the_same_lines(monkeypatch):
    fast = _read(BAD, True, monkeypatch)
    assert fast.reader == "tidy_csv"
    # Both readers hand their row problems to the import (which adds its own checks) instead of
    # raising, so every problem of a file is reported at once.
    slow = _read(BAD, False, monkeypatch)
    assert slow.reader == "analyst"

    def key(p):
        return (p.code, p.row, p.column, p.value)

    assert sorted(map(key, fast.problems)) == sorted(map(key, slow.problems))
    assert sorted(map(key, fast.problems)) == [
        ("missing_country", 4, "country", None),
        ("missing_measure", 7, "measure", None),
        ("missing_year", 5, "year", None),
        ("not_a_number", 3, "value", "sixty"),
        ("not_a_number", 8, "rank", "first"),
        ("year_out_of_range", 6, "year", "1850"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        GOOD.replace("Singapore", "\nSingapore"),  # a blank line: DuckDB skips it, line numbers would shift
        GOOD.replace("Viet Nam,", '"Viet\nNam",'),  # a line break inside quotes
        "Bảng 1. Điểm số\n" + GOOD,  # a title above the header
        # both decimal marks among the first rows: the lenient reader decides value by value
        "country;year;measure;value\nViet Nam;2023;total;54,48\nThailand;2023;total;63.03\nLaos;2023;total;1\n",
    ],
    ids=["blank_line", "quoted_newline", "title_row", "mixed_decimal_marks"],
)
def test_files_the_fast_path_cannot_number_exactly_take_the_lenient_reader(monkeypatch, text):
    source = _read(text, True, monkeypatch)
    assert source.reader == "analyst"


def test_a_tidy_csv_imports_through_the_fast_path(fresh_db, tmp_path, monkeypatch):
    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    path = tmp_path / "tidy.csv"
    path.write_text(GOOD, encoding="utf-8")
    options = pipeline.ImportOptions(
        index_id="TIDY", name="Tidy", unit="points", source_url="https://example.org"
    )
    store = open_store(fresh_db)
    try:
        result = pipeline.import_file(store, ANALYST, path, options)
        assert result.plan.reader == "tidy_csv"
        assert [v["edition_year"] for v in result.versions] == [2022, 2023]
        scores = q.scores(store, "TIDY", 2023).set_index("iso3")
        assert scores.loc["KOR", "value"] == 1234.5 and scores.loc["KOR", "published_rank"] == 6
        assert scores.loc["THA", "published_rank"] == 37 and "MYS" not in scores.index
        names = q.observations(store, "TIDY", 2023).set_index("iso3")["name_in_source"]
        assert names["THA"] == "Thái Lan"
    finally:
        store.close()


def test_fast_path_works_when_the_app_has_locked_file_access(fresh_db, tmp_path, monkeypatch):
    """The dashboard switches DuckDB's external access off for its database; the fast path reads the
    CSV on its own short-lived connection, so an upload still imports."""
    from metrics.store.hardening import external_access_enabled, restrict_file_access

    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    store = open_store(fresh_db)
    try:
        restrict_file_access(store)
        assert not external_access_enabled(store)
        source = pipeline.read_source(GOOD.encode("utf-8"), "tidy.csv")  # an upload: bytes only
        assert source.reader == "tidy_csv"
        options = pipeline.ImportOptions(
            index_id="TIDY", name="Tidy", unit="points", source_url="https://example.org"
        )
        result = pipeline.commit(store, ANALYST, source, options)
        assert result.status == "imported"
        assert not external_access_enabled(store)
    finally:
        store.close()


def _scratch_tables(store) -> int:
    with store.reader() as cur:
        return cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'import_scratch'"
        ).fetchall()[0][0]


def test_a_file_on_disk_is_parsed_on_the_store_with_the_same_rows_and_problems(
    fresh_db, tmp_path, monkeypatch
):
    """Given the store, the fast path parses on the store's own instance (a scratch table the
    import's cursor scans, no Arrow hand-over): the same rows and problems as the dedicated
    connection, and the scratch table is dropped by release()."""
    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    store = open_store(fresh_db)
    try:
        with store.hold(write=True):  # one instance for the scratch table (Store.hold)
            for text in (GOOD, BAD):
                path = tmp_path / "tidy.csv"
                path.write_text(text, encoding="utf-8")
                alone = pipeline.read_source(path.read_bytes(), path.name, path=path)
                on_store = pipeline.read_source(path.read_bytes(), path.name, path=path, store=store)
                assert alone.relation is None and alone.arrow is not None
                assert (
                    on_store.relation is not None and on_store.arrow is None and _scratch_tables(store) == 1
                )
                with store.reader() as cur:
                    frame = cur.execute(on_store.relation).df()
                assert on_store.row_count == len(frame) == alone.row_count
                assert _rows(
                    pipeline.SourceFile(**{**vars(on_store), "frame": frame, "relation": None})
                ) == _rows(alone)
                assert on_store.problems == alone.problems and on_store.years == alone.years
                on_store.release()
                assert _scratch_tables(store) == 0
    finally:
        store.close()


def test_an_import_from_disk_leaves_no_scratch_table_whatever_happens(fresh_db, tmp_path, monkeypatch):
    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    options = pipeline.ImportOptions(
        index_id="TIDY", name="Tidy", unit="points", source_url="https://example.org"
    )
    store = open_store(fresh_db)
    try:
        bad = tmp_path / "bad_2023.csv"  # the year-less row takes the edition named in the file name
        bad.write_text(BAD, encoding="utf-8")
        with pytest.raises(ValidationFailed) as caught:
            pipeline.import_file(store, ANALYST, bad, options)
        assert ("not_a_number", 3, "value", "sixty") in {
            (p.code, p.row, p.column, p.value) for p in caught.value.problems
        }
        assert _scratch_tables(store) == 0
        with store.reader() as cur:
            assert cur.execute("SELECT count(*) FROM versions WHERE index_id = 'TIDY'").fetchall()[0][0] == 0
        good = tmp_path / "good.csv"
        good.write_text(GOOD, encoding="utf-8")
        plan = pipeline.import_file(store, ANALYST, good, options, dry_run=True)
        assert plan.reader == "tidy_csv" and plan.row_count == 6 and _scratch_tables(store) == 0
        result = pipeline.import_file(store, ANALYST, good, options)
        assert result.status == "imported" and result.plan.row_count == 6 and _scratch_tables(store) == 0
        assert q.scores(store, "TIDY", 2023).set_index("iso3").loc["KOR", "value"] == 1234.5
    finally:
        store.close()


def test_a_store_that_may_not_read_the_file_parses_it_on_a_dedicated_connection(
    fresh_db, tmp_path, monkeypatch
):
    """External access off (the dashboard's store) and the file outside the allowed folders: the
    store cannot read_csv it, so the fast path falls back to its own connection and still imports."""
    from metrics.store.hardening import restrict_file_access

    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    store = open_store(fresh_db)
    try:
        restrict_file_access(store)
        path = tmp_path / "tidy.csv"
        path.write_text(GOOD, encoding="utf-8")
        source = pipeline.read_source(path.read_bytes(), path.name, path=path, store=store)
        assert source.reader == "tidy_csv" and source.relation is None and source.arrow is not None
        options = pipeline.ImportOptions(
            index_id="TIDY", name="Tidy", unit="points", source_url="https://example.org"
        )
        result = pipeline.import_file(store, ANALYST, path, options)
        assert result.status == "imported" and result.plan.reader == "tidy_csv"
        assert result.plan.row_count == 6 and _scratch_tables(store) == 0
    finally:
        store.close()


PLAIN = """country,iso3,year,measure,value,rank
Viet Nam,VNM,2023,total,54.48,59
Thái Lan,THA,2023,total,63.03,37
Singapore,,2023,total,81.97,
Malaysia,MYS,2022,Government,60.5,
"""


@pytest.mark.parametrize(
    "text",
    [
        PLAIN,  # every row plain: the plain pass alone
        PLAIN + "Indonesia ,IDN,2023,total,n/a,\n",  # outer space and a missing marker: the full rules
        PLAIN + "Philippines,PHL,2023,total,50.5,=12\n",  # a tied rank: the full rules
        PLAIN.replace("Thái Lan,THA,2023", "Thái Lan,THA,2023.0"),  # a whole year written as a decimal
    ],
    ids=["plain", "space_and_marker", "tied_rank", "decimal_year"],
)
def test_the_plain_pass_and_the_full_rules_read_what_the_pandas_reader_reads(monkeypatch, text):
    """A file whose rows are all plain is read by one light pass; any other row sends the file
    through the full per-cell rules. Either way: the rows and codes of the lenient reader."""
    fast, slow = _read(text, True, monkeypatch), _read(text, False, monkeypatch)
    assert (fast.reader, slow.reader) == ("tidy_csv", "analyst")
    assert fast.problems == [] and _rows(fast) == _rows(slow)
    codes = sorted(zip(fast.arrow.column("country").to_pylist(), fast.arrow.column("iso_code").to_pylist()))
    assert ("Singapore", "") in codes and ("Viet Nam", "VNM") in codes


def test_repeats_are_found_with_the_bitstring_and_with_count_distinct(fresh_db, monkeypatch):
    from tests.test_import_helpers import IMPORTS, run_import

    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    store = open_store(fresh_db)
    try:
        found = []
        for limit in (figures.BITSTRING_MAX_KEYS, 0):  # 0: every key range is "too large"
            monkeypatch.setattr(figures, "BITSTRING_MAX_KEYS", limit)
            with pytest.raises(ValidationFailed) as caught:
                run_import(store, IMPORTS / "duplicate_country.csv")
            found.append([(p.code, p.row, p.value) for p in caught.value.problems])
        assert found[0] == found[1] == [("duplicate_country", 4, "Viet Nam / Vietnam")]
    finally:
        store.close()


def test_the_cached_reference_data_follows_every_write(fresh_db, monkeypatch):
    """The reference data and country matcher are kept per data version: an alias added between two
    imports of one store is used by the second."""
    from tests.test_import_helpers import IMPORTS, run_import

    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    store = open_store(fresh_db)
    try:
        with pytest.raises(ValidationFailed) as caught:
            run_import(store, IMPORTS / "unknown_country.csv")
        assert [p.code for p in caught.value.problems] == ["country_unmatched"]
        assert reference.is_cached(store)
        assert pipeline.add_alias(store, ANALYST, "Vietnm", "KHM")
        result = run_import(store, IMPORTS / "unknown_country.csv")
        assert result.status == "imported"
        names = q.observations(store, "GAIRI", 2023).set_index("name_in_source")["iso3"]
        assert names["Vietnm"] == "KHM"
    finally:
        store.close()


EDITIONS = """country,year,measure,value,rank
Viet Nam,2022,total,50.1,3
Viet Nam,2022,Government,61.0,
Thailand,2022,total,60.2,1
Singapore,2022,Government,80.0,
Viet Nam,2023,total,54.5,2
Thailand,2023,total,63.0,1
Thailand,2023,Data,40.5,
Malaysia,2023,Data,70.0,
Indonesia,2023,total,49.0,
"""


def test_edition_figures_are_the_same_from_the_bitstring_grid_and_from_distinct_counts(
    fresh_db, tmp_path, monkeypatch
):
    """A file whose every row has a country is counted from its (country, measure) bitstrings; any
    other from DISTINCT aggregates. Both give each edition's rows, countries, countries with a
    total, measures, value range and whether a rank was published."""
    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    path = tmp_path / "editions.csv"
    path.write_text(EDITIONS, encoding="utf-8")
    options = pipeline.ImportOptions(
        index_id="ED", name="Editions", unit="points", source_url="https://x.org"
    )
    store = open_store(fresh_db)
    try:
        with store.hold(write=True):  # one instance for the scratch table (Store.hold)
            seen = []
            for limit in (figures.BITSTRING_MAX_KEYS, 0):  # 0: the counted path
                monkeypatch.setattr(figures, "BITSTRING_MAX_KEYS", limit)
                source = pipeline.read_file(path, options, store=store)
                try:
                    with store.reader() as cur:
                        analysis = analyse(cur, source, options, no_progress, store)
                finally:
                    source.release()
                ranked = {e["edition_year"]: e["countries_ranked"] for e in analysis.planned.new_editions}
                seen.append(
                    [
                        (
                            e.edition_year,
                            e.row_count,
                            e.country_count,
                            e.measures,
                            e.value_min,
                            e.value_max,
                            ranked[e.edition_year],
                        )
                        for e in analysis.plan.editions
                    ]
                    + [analysis.plan.warnings]
                )
            assert seen[0] == seen[1]
            assert seen[0][:2] == [
                (2022, 4, 3, ["pillar_government", "total"], 50.1, 80.0, 2),
                (2023, 5, 4, ["data", "total"], 40.5, 70.0, 3),
            ]
    finally:
        store.close()


def test_a_decimal_comma_after_the_sampled_rows_is_a_problem_at_its_line(monkeypatch):
    """The decimal mark is decided on the first rows; a later "12,5" in a dot-decimal file is not
    read as 125 or dropped: it is a number problem with its line."""
    rows = [f"Viet Nam,{2000 + i // 100},m{i % 100},{i}.5" for i in range(1100)]
    text = "country,year,measure,value\n" + "\n".join(rows) + "\nThailand,2020,total,12,5\n"
    source = _read(text.replace(",12,5\n", ',"12,5"\n'), True, monkeypatch)
    assert source.reader == "tidy_csv"
    assert [(p.code, p.row, p.column, p.value) for p in source.problems] == [
        ("not_a_number", 1102, "value", "12,5")
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"a",
        b"a\n",
        b"a\r\nb",
        b"\n\n",
        b"a\r\n\r\n\n",
        b"a\n\nb\n",
        b"\n" * 2**20 + b"a",
        b"x" * 2**20 + b"\ny",
        b"x" * (2**20 - 1) + b"\n" * (2**20 + 3),
        b"y\n" * 2**20,
    ],
    ids=[
        "empty",
        "one_line",
        "newline_end",
        "crlf",
        "only_blank",
        "trailing_blank",
        "inner_blank",
        "leading_blank",
        "past_buffer",
        "blank_across_buffers",
        "many",
    ],
)
def test_a_file_on_disk_is_hashed_and_counted_as_its_bytes_would_be(tmp_path, data):
    """The streamed SHA-256 and line count (read_file) equal those of the bytes in memory
    (read_source), also across the 1 MiB buffer's edges. Lines are counted up to the last non-blank
    one: blank lines at the end shift no line number (DuckDB skips them), blank lines before it do."""
    import hashlib

    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert fast_csv.digest_and_line_count(path) == (
        hashlib.sha256(data).hexdigest(),
        fast_csv.line_count(data),
    )
    assert fast_csv.line_count(data) == len(data.decode().rstrip("\r\n").splitlines())


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_blank_lines_at_the_end_keep_a_large_file_on_the_fast_path(monkeypatch, newline):
    """A file ending in blank lines (an editor's habit) is read by DuckDB with the same rows and
    problem lines as the pandas reader; one blank line inside it still goes the lenient way."""
    text = BAD.replace("\n", newline) + newline * 2
    fast, slow = _read(text, True, monkeypatch), _read(text, False, monkeypatch)
    assert (fast.reader, slow.reader) == ("tidy_csv", "analyst")

    def key(p):
        return (p.code, p.row, p.column, p.value)

    assert sorted(map(key, fast.problems)) == sorted(map(key, slow.problems))
    assert ("not_a_number", 8, "rank", "first") in map(key, fast.problems)
    inner = BAD.replace("\n", newline).replace("Malaysia", newline + "Malaysia") + newline * 2
    assert _read(inner, True, monkeypatch).reader == "analyst"


def test_digits_grouped_with_underscores_read_the_same_on_both_paths(monkeypatch):
    """DuckDB (and Python) read "1_000.5" as 1000.5 and refuse "1__000": so does the lenient reader."""
    text = PLAIN + "Indonesia,IDN,2023,total,1_000.5,\nPhilippines,PHL,2023,total,1__000,\n"
    fast, slow = _read(text, True, monkeypatch), _read(text, False, monkeypatch)
    assert (fast.reader, slow.reader) == ("tidy_csv", "analyst")
    assert _rows(fast) == _rows(slow)
    assert ("Indonesia", 2023, "total", 1000.5, None, 6) in _rows(fast)
    problems = [[(p.code, p.row, p.value) for p in s.problems] for s in (fast, slow)]
    assert problems[0] == problems[1] == [("not_a_number", 7, "1__000")]


ODD_NUMBERS = PLAIN + (
    'Indonesia,IDN,2023,total,"1 234.5",\n'  # a space between thousands
    "Philippines,PHL,2023,total,1\u00a0234.5,\n"  # a no-break space
    "Cambodia,KHM,2023,total,\u221212.5,\n"  # a Unicode minus
    "Lao PDR,LAO,2023,total,\uff11\uff12.5,\n"  # full-width digits
    "Brunei,BRN,2023,total,12..5,\n"  # not a number on any path
)


def test_numbers_sql_cannot_read_are_read_as_the_lenient_reader_reads_them(fresh_db, tmp_path, monkeypatch):
    """Values with inner spaces, a Unicode minus or full-width digits: the per-cell SQL rules
    hand their texts to the lenient reader's number parser, so a large file (DuckDB path, on a
    dedicated connection or on the store) and a small one (pandas) read the same numbers."""
    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    path = tmp_path / "odd.csv"
    path.write_text(ODD_NUMBERS, encoding="utf-8")
    slow = _read(ODD_NUMBERS, False, monkeypatch)
    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    alone = pipeline.read_source(path.read_bytes(), path.name, path=path)
    store = open_store(fresh_db)
    try:
        with store.hold(write=True):  # one instance for the scratch table (Store.hold)
            on_store = pipeline.read_file(path, store=store)
            with store.reader() as cur:
                frame = cur.execute(on_store.relation).df()
            on_store_rows = _rows(pipeline.SourceFile(**{**vars(on_store), "frame": frame, "relation": None}))
            on_store.release()
    finally:
        store.close()
    assert (alone.reader, on_store.reader, slow.reader) == ("tidy_csv", "tidy_csv", "analyst")
    assert _rows(alone) == on_store_rows == _rows(slow)
    values = {row[0]: row[3] for row in _rows(slow)}
    assert [values[c] for c in ("Indonesia", "Philippines", "Cambodia", "Lao PDR")] == [
        1234.5,
        1234.5,
        -12.5,
        12.5,
    ]
    problems = [[(p.code, p.row, p.value) for p in s.problems] for s in (alone, on_store, slow)]
    assert problems[0] == problems[1] == problems[2] == [("not_a_number", 10, "12..5")]


def test_a_number_too_large_for_a_double_is_refused_on_both_paths(monkeypatch):
    text = PLAIN + "Indonesia,IDN,2023,total,1e400,\n"
    fast, slow = _read(text, True, monkeypatch), _read(text, False, monkeypatch)
    assert (fast.reader, slow.reader) == ("tidy_csv", "analyst")
    problems = [[(p.code, p.row, p.value) for p in s.problems] for s in (fast, slow)]
    assert problems[0] == problems[1] == [("not_a_number", 6, "1e400")]


DECIMAL_COMMA = """country;year;measure;value;rank
Viet Nam;2023;total;54,48;59
Thái Lan;2023;total;63,03;37
Singapore;2023;total;81;2
Malaysia;2023;total;1.234,5;
Indonesia;2023;total;n/a;
Philippines;2023;total;−3,25;
Cambodia;2023;total;12,5,5;
Lao PDR;2023;total;1 234,5;
"""


@pytest.mark.parametrize("plain", [True, False], ids=["plain", "with_other_cells"])
def test_a_decimal_comma_file_reads_the_same_on_both_paths(monkeypatch, plain):
    """A ";"-delimited file with decimal commas (a Vietnamese Excel export) takes the DuckDB path:
    plain rows are parsed by read_csv with decimal_separator ",", any other value by the lenient
    reader's parser; rows and problems equal those of the pandas reader."""
    text = DECIMAL_COMMA if not plain else "\n".join(DECIMAL_COMMA.splitlines()[:4]) + "\n"
    fast, slow = _read(text, True, monkeypatch), _read(text, False, monkeypatch)
    assert (fast.reader, slow.reader) == ("tidy_csv", "analyst")
    assert fast.mapping["decimal_comma"] is True
    assert _rows(fast) == _rows(slow)
    values = {row[0]: row[3] for row in _rows(fast)}
    assert values["Viet Nam"] == 54.48 and values["Singapore"] == 81.0
    if not plain:
        assert values["Malaysia"] == 1234.5 and values["Philippines"] == -3.25 and values["Lao PDR"] == 1234.5
        problems = [[(p.code, p.row, p.value) for p in s.problems] for s in (fast, slow)]
        assert problems[0] == problems[1] == [("not_a_number", 8, "12,5,5")]
