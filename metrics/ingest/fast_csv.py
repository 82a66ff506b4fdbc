"""Step 2, read (the fast path): a large plain tidy CSV parsed by DuckDB, with the cell rules of
metrics.ingest.cells (metrics.store.imports.read_tidy_csv holds the SQL).

In: the file's bytes (or, with its path, its first 64 KiB), its size and a future of its line
count. Out: a SourceFile whose rows are an Arrow table or, on the store's own instance, a scratch
table; or None when the file needs the lenient reader (metrics.ingest.readers): a mixed decimal
mark in its first rows, a header the fast path cannot map, blank lines or line breaks in quotes.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
import unicodedata
import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any, NamedTuple

from metrics.errors import MetricsError, Problem
from metrics.ingest import cells, checks, readers
from metrics.ingest.source import DistinctKeys, Scratch, SourceFile
from metrics.store import imports as store_imports
from metrics.store.connection import Store

ROLES = ("country", "iso_code", "year", "measure", "value", "rank")
_HEAD_BYTES = 65536
# The first rows that decide the decimal mark (a later value written the other way is then a cell
# problem at its line); a mix of both in them goes to the lenient reader.
_DECIMAL_SAMPLE_ROWS = 1000


def line_count(data: bytes) -> int:
    """Lines of a text file up to its last non-blank one (DuckDB skips blank lines, and blank lines
    at the end shift no line number): newlines before it, plus one."""
    end = len(data) - _trailing_newline_run(data, len(data))
    return data.count(b"\n", 0, end) + 1 if end else 0


def _trailing_newline_run(buffer: bytes | bytearray, size: int) -> int:
    """How many of the first `size` bytes of `buffer`, from the end, are \r or \n."""
    run = 0
    while run < size and buffer[size - 1 - run] in b"\r\n":
        run += 1
    return run


class FileScan(NamedTuple):
    sha256: str
    lines: int  # as line_count counts them


def digest_and_line_count(path: Path) -> FileScan:
    """SHA-256 and line_count of a file on disk, in one pass over a reused 1 MiB buffer
    (bytearray.count counts the newlines: numpy is faster at it, but importing numpy costs more
    than counting a 36 MB file takes)."""
    sha, newlines, trailing, text = hashlib.sha256(), 0, 0, False
    buffer = bytearray(2**20)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as f:
        while size := f.readinto(buffer):
            sha.update(view[:size])
            newlines += buffer.count(b"\n", 0, size)
            # The newlines after the last byte that is not \r or \n: the trailing blank lines so far.
            tail = _trailing_newline_run(buffer, size)
            if tail < size:
                text, trailing = True, buffer.count(b"\n", size - tail, size)
            else:
                trailing += buffer.count(b"\n", 0, size)
    return FileScan(sha.hexdigest(), newlines - trailing + 1 if text else 0)


def _head_lines(body: bytes) -> list[str] | None:
    """The complete lines of the first 64 KiB, or None when they are not UTF-8."""
    cut = body[:_HEAD_BYTES]
    try:
        text_head = cut.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        try:
            text_head = cut[: cut.rfind(b"\n")].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return text_head.splitlines()[:-1] or text_head.splitlines()


def read_fast_csv(
    data: bytes,
    file_name: str,
    path: str | os.PathLike[str] | None,
    store: Store | None,
    newlines: Future[int],
    size: int,
) -> SourceFile | None:
    """The DuckDB path for a large plain tidy CSV, or None when the file needs the lenient reader.

    `data` is the whole file, or (with `path`) at least its first 64 KiB; `newlines` a future of
    the file's line count; `size` its length in bytes."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    lines = _head_lines(body)
    if lines is None or len(lines) < 2:
        return None
    delimiter = readers.sniff_delimiter("\n".join(lines[:30]))
    header = [
        unicodedata.normalize("NFC", h).strip() for h in next(csv.reader([lines[0]], delimiter=delimiter))
    ]
    m = readers.map_columns(header)
    if m.country is None or m.value is None or m.year_columns or (m.measure is None and m.ignored):
        return None
    roles = {role: header.index(name) for role in ROLES if (name := getattr(m, role)) is not None}
    sample = csv.reader(lines[1 : _DECIMAL_SAMPLE_ROWS + 1], delimiter=delimiter)
    values = [row[roles["value"]] for row in sample if len(row) > roles["value"]]
    decimal_comma = cells.detect_decimal_comma(values, delimiter)
    if decimal_comma is None:
        return None
    got, scratch = _parse(body, data, path, store, delimiter, len(header), roles, decimal_comma)
    if got is None:
        return None
    if got["records"] != newlines.result() - 1:
        if scratch is not None:
            scratch.drop()
        return None  # blank lines or line breaks inside quotes: line numbers would be wrong
    columns = {role: header[i] for role, i in roles.items()}
    return SourceFile(
        file_name=file_name,
        sha256="",
        size=size,
        reader="tidy_csv",
        mapping={
            "form": "long",
            "encoding": "utf-8-sig" if data is not body else "utf-8",
            "delimiter": delimiter,
            "decimal_comma": decimal_comma,
            "header_row": 1,
            "columns": {role: columns.get(role) for role in ROLES},
            "ignored_columns": [h for h in header if h not in columns.values()],
        },
        columns={role: columns.get(role) for role in ROLES},
        measure_columns={},
        years=sorted(int(y) for y in got["years"] if y is not None),
        arrow=got["rows"],
        relation=got["relation"],
        relation_columns=got["relation_columns"],
        distinct=None if got.get("distinct") is None else DistinctKeys.from_grouping_sets(got["distinct"]),
        kept=int(got["kept"]),
        scratch=scratch,
        problems=_cell_problems(got, columns),
    )


def _parse(
    body: bytes,
    data: bytes,
    path: str | os.PathLike[str] | None,
    store: Store | None,
    delimiter: str,
    n_columns: int,
    roles: dict[str, int],
    decimal_comma: bool,
) -> tuple[dict[str, Any] | None, Scratch | None]:
    """read_tidy_csv's result and the scratch table it left on `store`, if any; (None, None) when
    DuckDB cannot read the file."""
    rules = cells.tidy_csv_rules(decimal_comma)
    settings: dict[str, Any] = {
        "delimiter": delimiter,
        "n_columns": n_columns,
        "roles": roles,
        "missing": rules.missing,
        "note_prefixes": rules.note_prefixes,
        "year_min": rules.year_min,
        "year_max": rules.year_max,
        "limit": checks.MAX_PER_CHECK,
        "rescue_number": rules.rescue_number,
        "decimal_comma": rules.decimal_comma,
    }
    temp = None
    if path is None or data is not body:
        temp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)  # noqa: SIM115 - closed below
        temp.write(body)
        temp.close()
        path = temp.name
    try:
        if store is not None and temp is None:
            # On the store's own instance (no Arrow hand-over); where it may not read the file
            # (external access off), on a dedicated connection below.
            table = f"import_{uuid.uuid4().hex}"
            try:
                with store.reader() as cur:
                    got = store_imports.read_tidy_csv(str(path), cursor=cur, scratch_table=table, **settings)
                return got, Scratch(store, table)
            except MetricsError:
                pass
        return store_imports.read_tidy_csv(str(path), **settings), None
    except MetricsError:
        return None, None
    finally:
        if temp is not None:
            os.unlink(temp.name)


def _cell_problems(got: dict[str, Any], columns: dict[str, str]) -> list[Problem]:
    """read_tidy_csv's (code, line, role, value) problems as Problems, and how many were left out."""
    problems = [
        Problem(code, int(line), columns.get(role), value if value is None else str(value))
        for code, line, role, value in got["problems"]
    ]
    if got["problem_count"] > len(problems):
        left_out = got["problem_count"] - len(problems)
        problems.append(Problem("problems_truncated", params={"check": "cells", "count": left_out}))
    for p in problems:
        if p.code == "year_out_of_range":
            p.params.update(min=cells.YEAR_MIN, max=cells.YEAR_MAX)
    return problems
