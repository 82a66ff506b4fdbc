"""ReportModel -> XLSX data pack (xlsxwriter): a cover sheet, then one sheet per table of the data pack.

Each data sheet starts with its header row (so pandas/Power Query read it as is), numbers stay
numbers, and every row names its index, edition and source. Text that looks like a formula
(= + - @ ...) is written as text with Excel's quote prefix: shown and kept exactly, never run.
"""

from __future__ import annotations

import io
import math

import xlsxwriter

from metrics.reports import style
from metrics.reports.model import Cell, ReportModel, Table, nfc
from metrics.safe_text import FORMULA_PREFIXES, SAFE_WORKBOOK_OPTIONS

_FORBIDDEN = set("[]:*?/\\")
MAX_URL = 2000  # Excel refuses longer hyperlinks; such a URL is written as plain text


def sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in _FORBIDDEN else ch for ch in nfc(name)).strip("'")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def write(model: ReportModel) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        dict(SAFE_WORKBOOK_OPTIONS),  # a copy: the writer keeps what it is given
    )
    book.set_properties(
        {"title": nfc(model.title), "subject": nfc(model.subtitle), "comments": nfc(model.footer)}
    )
    fmt = _Formats(book)
    taken: set[str] = set()
    cover = book.add_worksheet(sheet_name(model.labels["cover"], taken))
    names = [sheet_name(t.sheet or t.title, taken) for t in model.data_pack]
    _cover(cover, model, names, fmt)
    for table, name in zip(model.data_pack, names, strict=True):
        _sheet(book.add_worksheet(name), table, fmt)
    book.close()
    return buffer.getvalue()


class _Formats:
    def __init__(self, book) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 16, "font_color": f"#{style.PRIMARY}"})
        self.bold = book.add_format({"bold": True})
        self.muted = book.add_format({"font_color": f"#{style.MUTED}", "text_wrap": True, "valign": "top"})
        self.header = book.add_format(
            {
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": f"#{style.PRIMARY}",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "border_color": f"#{style.RULE}",
            }
        )
        self.text = book.add_format({"valign": "top"})
        self.quoted = book.add_format({"valign": "top", "quote_prefix": True})
        self.link = book.add_format({"font_color": "#1F5FAD", "underline": 1, "valign": "top"})
        self._numbers: dict[str, object] = {}
        self._status: dict[str, object] = {}

    def number(self, num_format: str):
        if num_format not in self._numbers:
            spec = {"valign": "top"}
            if num_format:
                spec["num_format"] = num_format
            self._numbers[num_format] = self.book.add_format(spec)
        return self._numbers[num_format]

    def status(self, status: str):
        if status not in self._status:
            self._status[status] = self.book.add_format(
                {
                    "bold": True,
                    "font_color": "#FFFFFF",
                    "bg_color": f"#{style.status_colour(status)}",
                    "valign": "top",
                }
            )
        return self._status[status]


def _cover(sheet, model: ReportModel, names: list[str], fmt: _Formats) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 110)
    _string(sheet, 0, 0, model.title, fmt.title, fmt)
    rows = [
        ("", model.subtitle),
        ("", model.meeting_line),
        ("", model.as_of_line),
        (model.labels["data_version"], str(model.data_version)),
        ("", model.footer),
    ]
    r = 2
    for key, value in rows:
        _string(sheet, r, 0, key, fmt.bold, fmt)
        _string(sheet, r, 1, value, fmt.text, fmt)
        r += 1
    r += 1
    _string(sheet, r, 0, model.labels["sheets"], fmt.header, fmt)
    _string(sheet, r, 1, model.labels["sheet_contents"], fmt.header, fmt)
    for table, name in zip(model.data_pack, names, strict=True):
        r += 1
        sheet.write_url(r, 0, f"internal:'{name}'!A1", fmt.link, name)
        _string(sheet, r, 1, table.title + (f" — {table.note}" if table.note else ""), fmt.text, fmt)
    r += 2
    _string(sheet, r, 0, model.labels["sources"], fmt.header, fmt)
    _string(sheet, r, 1, "", fmt.header, fmt)
    for source in model.sources:
        r += 1
        _string(sheet, r, 0, source.label, fmt.text, fmt)
        _url(sheet, r, 1, source.url, source.url, fmt)


def _sheet(sheet, table: Table, fmt: _Formats) -> None:
    for j, name in enumerate(table.columns):
        _string(sheet, 0, j, name, fmt.header, fmt)
    widths = [min(max(len(name), 8), 40) for name in table.columns]
    for i, row in enumerate(table.rows, start=1):
        for j, cell in enumerate(row):
            _cell(sheet, i, j, cell, fmt)
            shown = (
                len(cell.text) if cell.value is None or isinstance(cell.value, str) else len(cell.text) + 2
            )
            widths[j] = min(max(widths[j], shown + 2), 70)
    for j, width in enumerate(widths):
        sheet.set_column(j, j, width)
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 0)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)


def _cell(sheet, row: int, col: int, cell: Cell, fmt: _Formats) -> None:
    value = cell.value
    if cell.status:
        _string(sheet, row, col, cell.text, fmt.status(cell.status), fmt)
    elif cell.url:
        _url(sheet, row, col, cell.url, cell.text or cell.url, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt.text)
    elif isinstance(value, int | float):
        if math.isfinite(value):
            sheet.write_number(row, col, value, fmt.number(cell.num_format))
        else:
            sheet.write_blank(row, col, None)
    elif value is None and cell.text in ("", "–"):
        sheet.write_blank(row, col, None)
    else:
        _string(sheet, row, col, str(value) if isinstance(value, str) else cell.text, fmt.text, fmt)


def _string(sheet, row: int, col: int, text: str, cell_format, fmt: _Formats) -> None:
    text = nfc(text)
    if text.startswith(FORMULA_PREFIXES):
        # Kept exactly as data, marked as text (quote prefix): Excel shows it and never evaluates it.
        cell_format = fmt.quoted
    sheet.write_string(row, col, text, cell_format)


def _url(sheet, row: int, col: int, url: str, text: str, fmt: _Formats) -> None:
    if url.startswith(("http://", "https://")) and len(url) <= MAX_URL:
        sheet.write_url(row, col, url, fmt.link, nfc(text))
    else:
        _string(sheet, row, col, text, fmt.text, fmt)
