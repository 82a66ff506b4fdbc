"""Analyst files (CSV/TSV/XLSX, long or wide, English or Vietnamese headers) -> one tidy table.

Analysts prepare these by hand or export them from Excel, so this module is lenient about the
format (encoding, delimiter, decimal comma, title and footnote rows, header language) and strict
about the content: every bad cell becomes a `Problem` with the row and column the user sees, and
all of them are raised together in one `ValidationFailed`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from metrics.errors import MetricsError, Problem, ValidationFailed
from metrics.ingest import headers as H
from metrics.ingest.cells import (
    YEAR_MAX,
    YEAR_MIN,
    detect_decimal_comma,
    is_missing,
    parse_number,
    parse_rank,
    parse_year,
    starts_like_note,
)
from metrics.ingest.limits import import_limits
from metrics.ingest.mapping import IGNORE

if TYPE_CHECKING:  # the frames of the pandas readers; a tidy CSV read by DuckDB loads no pandas
    import pandas as pd

TIDY_COLUMNS = ["country", "iso_code", "edition_year", "measure_id", "value", "published_rank", "source_row"]
DELIMITERS = (",", ";", "\t", "|")

_YEAR_HEADER = re.compile(r"\d{4}")
# Windows-1258 writes Vietnamese tone marks as separate combining characters.
_VI_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VI_LETTERS = re.compile(r"[\u1ea0-\u1ef9\u01a0\u01a1\u01af\u01b0\u0102\u0103\u0110\u0111]")


# --- cells (the rules themselves: metrics.ingest.cells) -------------------------------------


def clean_text(cell: Any) -> str:
    """A label cell as printed: NFC, surrounding spaces removed ('' for empty)."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unicodedata.normalize("NFC", str(cell)).strip()


# --- text files ----------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """(text in NFC, encoding name): BOMs first, then UTF-8, then legacy Vietnamese, then a guess."""
    for bom, codec, name in (
        (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32", "utf-32-be"),
        (b"\xff\xfe", "utf-16", "utf-16-le"),
        (b"\xfe\xff", "utf-16", "utf-16-be"),
    ):
        if data.startswith(bom):
            # A damaged byte after a BOM becomes U+FFFD (then a cell problem), never a crash.
            return _nfc(data.decode(codec, errors="replace")), name
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _nfc(data.decode(utf16)), utf16
    try:
        return _nfc(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    text = _try_cp1258(data)
    if text is not None:
        return text, "cp1258"
    return _guess_encoding(data)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes (valid UTF-8!) on one side of most ASCII characters."""
    sample = data[:4000]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return None
    return codec


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _try_cp1258(data: bytes) -> str | None:
    """Windows-1258 text, when the bytes decode to combining tone marks that compose into letters.

    charset-normalizer takes short Vietnamese cp1258 files for cp1250/cp1252, so this check runs
    first: a tone mark right after a letter, composing under NFC, is Vietnamese and nothing else.
    """
    try:
        raw = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    composed = _nfc(raw)
    tones = sum(1 for i, ch in enumerate(raw) if ch in _VI_TONES and i and raw[i - 1].isalpha())
    if tones and len(composed) < len(raw) and _VI_LETTERS.search(composed):
        return composed
    return None


def _guess_encoding(data: bytes) -> tuple[str, str]:
    import charset_normalizer  # only for a file that is not UTF-8

    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        return _nfc(str(best)), best.encoding
    return _nfc(data.decode("cp1252", errors="replace")), "cp1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter giving the same number (>1) of fields on most of the first lines."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    best, best_key = ",", (0.0, 0)
    for d in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error:  # a field past the limit: _records names its line
            continue
        widths = [c for c in counts if c > 1]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        key = (widths.count(mode) / len(counts), mode)
        if key > best_key:
            best, best_key = d, key
    return best


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(first line number, cells) per record; line numbers count quoted line breaks too.

    A field longer than the limit of data/import_limits.toml (a 20 MB line, an unclosed quote)
    refuses the file with the line where its record starts."""
    limit = import_limits().max_field_chars
    previous = csv.field_size_limit(limit)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out, line = [], 1
    try:
        for row in reader:
            out.append((line, [c.strip() for c in row]))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" not in str(exc):
            raise MetricsError("csv_read_failed", reason=str(exc)) from None
        raise ValidationFailed([Problem("field_too_large", row=line, params={"limit": limit})]) from None
    finally:
        csv.field_size_limit(previous)
    return out


def _check_width(records: list[tuple[int, list[Any]]]) -> None:
    """A header wider than the limit refuses the file; a row with filled cells beyond the header
    (a value with no column, a delimiter inside an unquoted name) is a problem at its line."""
    if not records:
        return
    width = len(records[0][1])
    _check_column_count(width)
    problems = []
    for line, cells in records[1:]:
        if len(cells) > width and any(not _blank(c) for c in cells[width:]):
            filled = max(i for i, c in enumerate(cells) if not _blank(c)) + 1
            problems.append(
                Problem("too_many_cells", row=line, value=None, params={"cells": filled, "header": width})
            )
    if problems:
        raise ValidationFailed(problems)


def _check_column_count(width: int) -> None:
    limit = import_limits().max_columns
    if width > limit:
        raise MetricsError("too_many_columns", columns=width, limit=limit)


def _is_note(cells: Sequence[Any]) -> bool:
    """A title or footnote row: only the first cell filled, or it starts like "Source:"/"Nguồn:"."""
    filled = [i for i, c in enumerate(cells) if not _blank(c)]
    if not filled:
        return True
    if filled == [0]:
        return True
    # An unquoted "Source: Oxford Insights, 2023" splits into two cells; the prefix still tells.
    return filled[0] == 0 and starts_like_note(clean_text(cells[0]))


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def trim_notes(records: list[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    """Drop title rows above the header and footnote rows below the data."""
    start, end = 0, len(records)
    while start < end and _is_note(records[start][1]):
        start += 1
    while end > start and _is_note(records[end - 1][1]):
        end -= 1
    return records[start:end]


def _frame(records: list[tuple[int, list[Any]]]) -> pd.DataFrame:
    """Header = first record; index = the line/row number the user sees."""
    import pandas as pd

    if not records:
        return pd.DataFrame()
    header_row, header = records[0]
    width = max(len(cells) for _, cells in records)
    names = _unique([clean_text(h) for h in header] + [""] * (width - len(header)))
    body = [[*cells, *[""] * (width - len(cells))] for _, cells in records[1:]]
    df = pd.DataFrame(body, columns=names, index=[n for n, _ in records[1:]], dtype=object)
    df.attrs["header_row"] = header_row
    return df


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = n or f"column {i + 1}"
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def read_text_table(data: bytes) -> pd.DataFrame:
    """A delimited text file as strings: header from the first row, index = line number in the file.

    attrs: encoding, delimiter, header_row. Title rows above and note rows below the table are
    dropped; text is NFC (Windows-1258 files decode to combining tone marks).
    """
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    records = trim_notes(_records(text, delimiter))
    _check_width(records)
    df = _frame(records)
    df.attrs.update(encoding=encoding, delimiter=delimiter)
    df.attrs.setdefault("header_row", None)
    return df


# --- XLSX analyst files ---------------------------------------------------------------------


def read_xlsx_table(data: bytes, sheet: str | None = None) -> pd.DataFrame:
    """One sheet of an analyst workbook, like read_text_table (cells keep their Excel types)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException alike
        raise MetricsError("not_a_workbook", reason=type(exc).__name__) from exc
    try:
        ws = _pick_sheet(wb, sheet)
        ws.reset_dimensions()  # some exporters write a wrong <dimension>; read what is there
        records = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1)]
        title = ws.title
    finally:
        wb.close()
    records = trim_notes(records)
    if records:
        _check_column_count(len(records[0][1]))
    df = _frame(records)
    df.attrs.update(encoding=None, delimiter=None, sheet=title)
    df.attrs.setdefault("header_row", None)
    return df


def _pick_sheet(wb: Any, sheet: str | None) -> Any:
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise MetricsError("sheet_not_found", sheet=sheet, sheets=list(wb.sheetnames))
        return wb[sheet]
    # The first sheet whose top rows name a country column; an analyst's notes sheet may come first.
    country = H.lookup(H.COUNTRY)
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=30, values_only=True):
            if any(c is not None and H.normalise_header(c) in country for c in row):
                return ws
    return wb.worksheets[0]


# --- analyst files: column mapping ------------------------------------------------------------


@dataclass
class _Mapping:
    """Which column plays which role, by header text as written."""

    country: str | None = None
    iso_code: str | None = None
    year: str | None = None
    measure: str | None = None
    value: str | None = None
    rank: str | None = None
    year_columns: dict[str, int] = field(default_factory=dict)
    measure_columns: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def map_columns(columns: Sequence[str]) -> _Mapping:
    """Assign roles by synonym; the first column matching a role wins."""
    roles = {
        "country": H.lookup(H.COUNTRY),
        "iso_code": H.lookup(H.ISO_CODE),
        "year": H.lookup(H.YEAR),
        "measure": H.lookup(H.MEASURE),
        "rank": H.lookup(H.RANK),
        "value": H.lookup(H.VALUE + H.TOTAL),
    }
    m = _Mapping()
    for col in columns:
        key = H.normalise_header(col)
        if _YEAR_HEADER.fullmatch(col.strip()):
            m.year_columns[col] = int(col.strip())
            continue
        role = next((r for r, words in roles.items() if key in words and getattr(m, r) is None), None)
        if role:
            setattr(m, role, col)
        else:
            m.ignored.append(col)
    return m


def _is_total_header(col: str) -> bool:
    """A wide-form column that holds the overall score ("Total", "Score", "Tổng điểm", "Value")."""
    return H.normalise_header(col) in H.lookup(H.TOTAL + H.VALUE)


def _numeric_columns(df: pd.DataFrame, columns: Iterable[str]) -> list[str]:
    """Columns where most filled cells are numbers (wide form: one measure per column)."""
    out = []
    for col in columns:
        cells = [c for c in df[col] if not is_missing(c)]
        ok = 0
        for c in cells:
            try:
                parse_number(c)
                ok += 1
            except ValueError:
                pass
        if cells and ok * 2 >= len(cells):
            out.append(col)
    return out


# --- analyst files: rows --------------------------------------------------------------------


class _Collector:
    """Accumulates tidy rows and problems for one file."""

    def __init__(self, decimal_comma: dict[str, bool | None]) -> None:
        self.rows: list[tuple] = []  # in TIDY_COLUMNS order (a tuple: a third of a dict's memory)
        self.problems: list[Problem] = []
        self.decimal_comma = decimal_comma
        self._seen: dict[tuple[str, int | None, str], int] = {}
        # The repeat key of each distinct country and measure text, made once and shared by every
        # row (a million rows of a few hundred names would otherwise hold a million new strings).
        self._keys: dict[tuple[str, bool], str] = {}

    def problem(self, code: str, row: int | None, column: str | None, value: Any = None, **params: Any):
        text = None if value is None else clean_text(value)
        self.problems.append(Problem(code=code, row=row, column=column, value=text, params=params))

    def number(self, cell: Any, row: int, column: str) -> float | None:
        try:
            return parse_number(cell, self.decimal_comma.get(column))
        except ValueError:
            self.problem("not_a_number", row, column, cell)
            return None

    def rank(self, cell: Any, row: int, column: str | None) -> int | None:
        if column is None:
            return None
        try:
            return parse_rank(cell)
        except ValueError:
            self.problem("not_a_number", row, column, cell)
            return None

    def add(self, row: int, country: str, iso: str | None, year: int | None, measure: str, value, rank):
        key = (self._key(country, True), year, self._key(measure, False))
        if key in self._seen:
            self.problem("duplicate_row", row, None, country, first_row=self._seen[key], measure=measure)
            return
        self._seen[key] = row
        self.rows.append((country, iso or None, year, measure, value, rank, row))

    def _key(self, text: str, is_country: bool) -> str:
        """The text casefolded (a country's inner spaces collapsed too: "Viet  Nam" = "viet nam")."""
        key = self._keys.get((text, is_country))
        if key is None:
            folded = text.casefold()
            key = self._keys[(text, is_country)] = " ".join(folded.split()) if is_country else folded
        return key


def _year_of(c: _Collector, cell: Any, row: int, column: str) -> int | None:
    """The edition year of a row, or None with a problem recorded."""
    if is_missing(cell):
        c.problem("missing_year", row, column)
        return None
    try:
        year = parse_year(cell)
    except ValueError:
        c.problem("not_a_number", row, column, cell)
        return None
    if not YEAR_MIN <= year <= YEAR_MAX:
        c.problem("year_out_of_range", row, column, cell, min=YEAR_MIN, max=YEAR_MAX)
        return None
    return year


def _country_of(
    c: _Collector, record: Mapping[str, Any], row: int, m: _Mapping, value_columns: list[str]
) -> str:
    """The country label, or '' with a missing_country problem when a value sits without one."""
    column = _required(m.country)
    country = clean_text(record[column])
    if not country and any(not is_missing(record[v]) for v in value_columns):
        c.problem("missing_country", row, column)
    return country


def _required(column: str | None) -> str:
    """A column read_analyst_file has found before reading rows (else no_header/no_value_column)."""
    if column is None:
        raise ValidationFailed([Problem("no_header", row=None)])
    return column


def _rows(df: pd.DataFrame) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {column: cell}) per row: what iterrows gives, without building a Series (and
    copying the frame's attrs) for every row, which made a 100,000-row file take 15 s instead of 1."""
    columns = list(df.columns)
    for row, cells in zip(df.index, df.itertuples(index=False, name=None), strict=True):
        yield row, dict(zip(columns, cells, strict=True))


def _long_rows(c: _Collector, df: pd.DataFrame, m: _Mapping, value_measure: str | None = None) -> None:
    default_measure = value_measure or "total"
    value_column = _required(m.value)
    for row, record in _rows(df):
        country = _country_of(c, record, row, m, [value_column])
        value = c.number(record[value_column], row, value_column)
        rank = c.rank(record[m.rank], row, m.rank) if m.rank else None
        year = None
        if m.year is not None and country and value is not None:
            year = _year_of(c, record[m.year], row, m.year)
            if year is None:
                continue
        measure = clean_text(record[m.measure]) if m.measure else default_measure
        if m.measure and not measure and value is not None:
            c.problem("missing_measure", row, m.measure)
            continue
        if country and value is not None:
            c.add(row, country, _iso(record, m), year, measure, value, rank)


def _wide_year_rows(c: _Collector, df: pd.DataFrame, m: _Mapping, header_row: int) -> None:
    years = {}
    for col, year in m.year_columns.items():
        if YEAR_MIN <= year <= YEAR_MAX:
            years[col] = year
        else:
            c.problem("year_out_of_range", header_row, col, col, min=YEAR_MIN, max=YEAR_MAX)
    for row, record in _rows(df):
        country = _country_of(c, record, row, m, list(years))
        measure = clean_text(record[m.measure]) if m.measure else "total"
        for col, year in years.items():
            value = c.number(record[col], row, col)
            if country and value is not None:
                c.add(row, country, _iso(record, m), year, measure or "total", value, None)


def _wide_measure_rows(c: _Collector, df: pd.DataFrame, m: _Mapping, chosen: Mapping[str, str]) -> None:
    measure_of = {col: _measure_of_column(col, chosen) for col in m.measure_columns}
    for row, record in _rows(df):
        country = _country_of(c, record, row, m, m.measure_columns)
        year = None
        if m.year is not None and country:
            year = _year_of(c, record[m.year], row, m.year)
            if year is None:
                continue
        rank = c.rank(record[m.rank], row, m.rank) if m.rank else None
        for col in m.measure_columns:
            value = c.number(record[col], row, col)
            if not country or value is None:
                continue
            measure = measure_of[col]
            c.add(row, country, _iso(record, m), year, measure, value, rank if measure == "total" else None)


def _measure_of_column(col: str, chosen: Mapping[str, str]) -> str:
    """The measure a wide-form column feeds: the analyst's choice (by normalised header), "total"
    for a total/value header, else the header as written (the import maps it further)."""
    picked = chosen.get(H.normalise_header(col))
    if picked:
        return picked
    return "total" if _is_total_header(col) else col.strip()


def _apply_choices(df: pd.DataFrame, m: _Mapping, form: str, wide_by: str | None, chosen: Mapping[str, str]):
    """The analyst's column choices on the detected form: a column mapped to a measure is read as
    a measure column (even one the reader had set aside), a column marked IGNORE is not read."""
    if not chosen or wide_by == "year" or m.measure is not None:
        return form, wide_by
    ignore = {col for col in df.columns if chosen.get(H.normalise_header(col)) == IGNORE}
    wanted = [col for col in m.ignored if chosen.get(H.normalise_header(col)) not in (None, IGNORE)]
    if wide_by is None and m.value is not None and not wanted:
        if m.value in ignore:
            m.ignored.append(m.value)
            m.value = None
        return form, wide_by
    columns = [c for c in (m.value, *m.measure_columns, *wanted) if c and c not in ignore]
    m.ignored = [c for c in m.ignored if c not in wanted] + [
        c for c in (m.value, *m.measure_columns) if c is not None and c in ignore
    ]
    m.measure_columns, m.value = columns, None
    return "wide", "measure"


def _iso(record: Mapping[str, Any], m: _Mapping) -> str | None:
    return clean_text(record[m.iso_code]) or None if m.iso_code else None


def _tidy(rows: list[tuple]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(rows, columns=TIDY_COLUMNS)
    df["value"] = df["value"].astype("float64")
    for col in ("edition_year", "published_rank", "source_row"):
        df[col] = df[col].astype("Int64")
    df["iso_code"] = df["iso_code"].astype(object).where(df["iso_code"].notna(), None)
    return df


# --- analyst files: entry point ---------------------------------------------------------------


def read_analyst_file(
    data: bytes,
    filename: str,
    sheet: str | None = None,
    *,
    collect_problems: bool = False,
    column_map: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """An analyst file -> (tidy frame, description of what was detected).

    Frame columns: country, iso_code, edition_year (Int64; <NA> when the file has no year and the
    caller supplies one), measure_id (as written; "total" for a single score column), value,
    published_rank (Int64), source_row (row as the user sees it; the header is row 1 when the file
    starts with it). Raises ValidationFailed listing every problem found.

    With collect_problems=True, row-level problems (bad numbers, repeated rows, missing years...)
    do not raise: they go to info["problems"] and the frame holds the rows that read cleanly, so
    the import can add its own checks (unknown countries, scale) and report everything at once.
    Problems with the file's shape (no header, no value column) still raise.
    """
    is_xlsx = filename.casefold().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"
    df = read_xlsx_table(data, sheet) if is_xlsx else read_text_table(data)
    header_row = df.attrs.get("header_row")
    info: dict[str, Any] = {
        "filename": filename,
        "format": "xlsx" if is_xlsx else "text",
        "encoding": df.attrs.get("encoding"),
        "delimiter": df.attrs.get("delimiter"),
        "sheet": df.attrs.get("sheet"),
        "header_row": header_row,
    }
    if df.columns.empty:
        raise ValidationFailed([Problem("no_header", row=None)])
    m = map_columns(list(df.columns))
    if m.country is None:
        raise ValidationFailed([Problem("no_header", row=header_row, params={"found": list(df.columns)})])
    chosen = {H.normalise_header(k): v for k, v in (column_map or {}).items() if v}
    form, wide_by = _choose_form(df, m)
    if form is not None:
        form, wide_by = _apply_choices(df, m, form, wide_by, chosen)
    if form is None or (form == "long" and m.value is None):
        raise ValidationFailed([Problem("no_value_column", row=header_row)])
    decimal_comma = _decimal_commas(df, m, info["delimiter"], is_xlsx)
    c = _Collector(decimal_comma)
    if wide_by == "year":
        _wide_year_rows(c, df, m, header_row)
    elif wide_by == "measure":
        _wide_measure_rows(c, df, m, chosen)
        info["measure_of_column"] = {col: _measure_of_column(col, chosen) for col in m.measure_columns}
    else:
        _long_rows(c, df, m, chosen.get(H.normalise_header(m.value)) if m.measure is None else None)
    if c.problems:
        # Reading order: top to bottom, left to right, as the analyst will fix them.
        position = {col: i for i, col in enumerate(df.columns)}
        c.problems.sort(key=lambda p: (p.row or 0, position.get(p.column, -1)))
        if not collect_problems:
            raise ValidationFailed(c.problems)
    info.update(_describe(m, form, wide_by, decimal_comma))
    info["problems"] = c.problems
    return _tidy(c.rows), info


def _choose_form(df: pd.DataFrame, m: _Mapping) -> tuple[str | None, str | None]:
    """("long", None), ("wide", "year"|"measure") or (None, None) when no column holds values."""
    if m.year_columns:
        # A "Value"/"Score" header next to year columns would be a second, conflicting value.
        m.ignored += [c for c in (m.value, m.rank) if c]
        m.value = m.rank = None
        return "wide", "year"
    if m.value is not None and m.measure is not None:
        return "long", None
    extra = _numeric_columns(df, m.ignored)
    if m.value is not None and not extra:
        return "long", None
    # "Country, Total, Government, ..." is wide even though "Total" alone would be a value column.
    m.measure_columns = [c for c in (m.value, *extra) if c]
    m.ignored = [c for c in m.ignored if c not in extra]
    m.value = None
    if m.measure_columns:
        return "wide", "measure"
    return None, None


def _decimal_commas(df: pd.DataFrame, m: _Mapping, delimiter: str | None, is_xlsx: bool):
    cols = [m.value, *m.year_columns, *m.measure_columns]
    if is_xlsx:
        # Typed cells need no convention; text cells in a workbook are decided one by one.
        return {c: None for c in cols if c}
    return {c: detect_decimal_comma(df[c], delimiter) for c in cols if c}


def _describe(m: _Mapping, form: str, wide_by: str | None, decimal_comma: dict) -> dict[str, Any]:
    flags = {v for v in decimal_comma.values() if v is not None}
    return {
        "form": form,
        "wide_by": wide_by,
        "decimal_comma": flags.pop() if len(flags) == 1 else (None if not flags else "mixed"),
        "decimal_comma_by_column": decimal_comma,
        "columns": {
            "country": m.country,
            "iso_code": m.iso_code,
            "year": m.year,
            "measure": m.measure,
            "value": m.value,
            "rank": m.rank,
        },
        "year_columns": dict(m.year_columns),
        "measure_columns": list(m.measure_columns),
        "ignored_columns": list(m.ignored),
    }
