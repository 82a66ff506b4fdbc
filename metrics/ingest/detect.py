"""Step 1, detect: which reader a file calls for, decided from its name, first bytes and options.

In: the file name, its first bytes (or all of them), its size, the ImportOptions. Out: a `Reader`
("publisher" for a workbook, whose layout then decides; "tidy_csv", the DuckDB fast path to try
first; "analyst" for the lenient reader), and the edition a file name or header names. Nothing is
parsed here beyond a workbook's layout.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from metrics.errors import MetricsError
from metrics.ingest import headers as H
from metrics.ingest.source import ImportOptions

if TYPE_CHECKING:
    from metrics.ingest.workbook import Layout

Reader = Literal["publisher", "analyst", "tidy_csv"]

# Text files at least this large take the DuckDB fast path when they are plain tidy CSVs.
FAST_PATH_MIN_BYTES = 1_000_000

_YEAR_TOKEN = re.compile(r"(?<!\d)(19[89]\d|20\d\d|2100)(?!\d)")
_YEAR_HEADERS = H.lookup(H.YEAR)
_BOM = b"\xef\xbb\xbf"


def is_workbook(file_name: str, head: bytes) -> bool:
    """An XLSX/XLSM file, by its name or its zip signature."""
    return file_name.casefold().endswith((".xlsx", ".xlsm")) or head[:2] == b"PK"


def first_reader(file_name: str, head: bytes, size: int, options: ImportOptions) -> Reader:
    """The reader to try first: a workbook's is then chosen from its layout (`analyst_workbook`,
    `looks_like_analyst_table`); a large text file tries the fast path, which may still hand it to
    the analyst reader."""
    if is_workbook(file_name, head):
        return "publisher"
    if options.layout != "publisher" and size >= FAST_PATH_MIN_BYTES:
        return "tidy_csv"
    return "analyst"


def streams_from_disk(file_name: str, head: bytes, size: int, options: ImportOptions) -> bool:
    """A file on disk DuckDB can parse in place, without loading it into Python: a large text file
    without a BOM (DuckDB would be given the body without it: a copy)."""
    return first_reader(file_name, head, size, options) == "tidy_csv" and not head.startswith(_BOM)


def is_new_dataset(options: ImportOptions) -> bool:
    """A new dataset (the analyst named it) is always read as an analyst table."""
    return bool(options.name)


def analyst_workbook(options: ImportOptions) -> bool:
    """A workbook read as an analyst table before any layout detection: the options ask for it
    (layout "tidy") or name a new dataset."""
    return options.layout == "tidy" or is_new_dataset(options)


def is_analyst_layout(data: bytes, options: ImportOptions) -> bool:
    """Whether a workbook the publisher reader refused holds an analyst's table instead."""
    from metrics.ingest.workbook import detect_layout  # a workbook's reader: not for a CSV

    try:
        return looks_like_analyst_table(detect_layout(data, options.sheet, options.index_id))
    except MetricsError:
        return True


def looks_like_analyst_table(layout: Layout) -> bool:
    """A workbook table that names a year column or has years as headers is an analyst's tidy/wide
    table, not a publisher's edition (which has one edition and no year column)."""
    for table in layout.tables:
        for header in table.headers.values():
            text = str(header).strip()
            if H.normalise_header(text) in _YEAR_HEADERS or re.fullmatch(r"\d{4}", text):
                return True
    return layout.kind == "single" and bool(layout.describe()["unmapped"])


def year_in(*texts: str) -> int | None:
    """The one edition year the texts name (a file name, sheet names, headers), else None."""
    years = {int(y) for text in texts for y in _YEAR_TOKEN.findall(text or "")}
    return years.pop() if len(years) == 1 else None
