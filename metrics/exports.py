"""Table downloads (CSV and XLSX) that are safe to open in a spreadsheet.

A cell whose text starts with = + - @ tab or carriage return would run as a formula when the file
is opened in Excel or LibreOffice ("CSV injection"). Every such text cell gets a leading apostrophe,
which spreadsheets show as plain text. Numbers stay numbers: a negative gap is a value, not a formula.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from metrics.safe_text import FORMULA_PREFIXES, SAFE_WORKBOOK_OPTIONS

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel limits sheet names to 31 characters and forbids these.
_SHEET_FORBIDDEN = set("[]:*?/\\")


def neutralise_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would treat as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names cannot run as formulas."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralise_cell).astype(object)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (so Excel shows Vietnamese correctly), dot decimals, no index."""
    # CRLF line ends (RFC 4180) make the writer quote any cell holding a CR or LF: an unquoted CR
    # would start a new row whose first cell ("x\r=cmd") escapes the neutralising above.
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_name(name: str) -> str:
    clean = "".join("_" if ch in _SHEET_FORBIDDEN else ch for ch in name).strip("'") or "Sheet1"
    return clean[:31]


def to_xlsx(
    sheets: pd.DataFrame | Mapping[str, pd.DataFrame], notes: Mapping[str, str] | None = None
) -> bytes:
    """One workbook with a sheet per table (and an optional 'notes' sheet of key/value lines,
    e.g. the source of the figures). Written with strings_to_formulas=False as a second guard."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {"data": sheets}
    buffer = io.BytesIO()
    import xlsxwriter  # local: only downloads need it

    book = xlsxwriter.Workbook(
        buffer,
        dict(SAFE_WORKBOOK_OPTIONS),  # a copy: the writer keeps what it is given
    )
    bold = book.add_format({"bold": True})
    for name, frame in sheets.items():
        sheet = book.add_worksheet(_sheet_name(name))
        safe = neutralise(frame)
        for col, header in enumerate(safe.columns):
            sheet.write_string(0, col, str(header), bold)
            width = max([len(str(header))] + [len(str(v)) for v in safe.iloc[:200, col].tolist()])
            sheet.set_column(col, col, min(max(width + 2, 8), 60))
        for row, values in enumerate(safe.itertuples(index=False), start=1):
            for col, value in enumerate(values):
                _write(sheet, row, col, value)
        sheet.freeze_panes(1, 0)
    if notes:
        sheet = book.add_worksheet(_sheet_name("notes"))
        for row, (key, value) in enumerate(notes.items()):
            sheet.write_string(row, 0, str(neutralise_cell(str(key))), bold)
            sheet.write_string(row, 1, str(neutralise_cell(str(value))))
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 100)
    book.close()
    return buffer.getvalue()


def _write(sheet, row: int, col: int, value: Any) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float) and math.isfinite(value):
        sheet.write_number(row, col, value)
    elif hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        _write(sheet, row, col, value.item())
    else:
        sheet.write_string(row, col, str(value))
