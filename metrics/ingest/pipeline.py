"""Analyst import: read a file, stage it, check it in SQL, preview the result, commit it as a version.

    source = read_source(data, "gairi_2026.xlsx", options)     # readers; no database
    plan = preview(store, actor, source, options)              # staged + checked on a reader cursor
    result = commit(store, actor, source, options)             # the same checks, then the writes,
                                                               # in ONE transaction (all or nothing)

Reading. Publisher workbooks go to metrics.ingest.workbook (layout found by content); analyst files
(CSV/TSV/XLSX, long or wide, English or Vietnamese headers) to metrics.ingest.readers. A large plain
tidy CSV (UTF-8, header on line 1, one decimal mark in its first rows) takes a fast path: DuckDB's
read_csv, parsed in SQL with the same rules, any value SQL cannot read handed to the lenient reader's
parser (metrics.store.imports.read_tidy_csv); a file on disk imported with `import_file` is parsed on
the store's own instance into a scratch table (no hand-over, and the file is not loaded into Python),
else (an upload, or a store that may not read the file) on a dedicated connection.

Checking. The tidy rows are staged in a temporary table; country names are matched once per
DISTINCT name (metrics.ingest.countries, with the database's aliases) and joined back; duplicates,
measures outside the framework, values outside the edition's scale, published ranks against the
scores and country counts are checked in SQL (metrics.ingest.validate). Every problem is collected
before anything is written; a file with problems changes nothing.

Versions. Each (index, edition) in the file becomes a version with its provenance. The identical
file (same SHA-256, index and edition) is recognised: unchanged when it is the current version,
made current again when it is an older one. A replaced version is kept (is_current = false).
A new index (a dataset: --index NEW_ID --name --unit --source-url) gets its indices, framework,
measures and edition rows; a new edition of a known index copies the previous edition's scale,
framework and series, unless its measures differ (a methodology break: new framework and series).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import math
import os
import re
import tempfile
import threading
import time
import unicodedata
import uuid
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from metrics.auth import Actor
from metrics.errors import MetricsError, Problem, StoreError, ValidationFailed
from metrics.ingest import headers as H
from metrics.ingest import mapping, readers, upload_guard, validate
from metrics.ingest.countries import CountryResolver
from metrics.ingest.limits import check_new_measures, import_limits
from metrics.ingest.source import ImportOptions, SourceFile
from metrics.ingest.workbook import detect_layout, read_workbook
from metrics.store import imports as store_imports
from metrics.store import restore_points
from metrics.store.connection import Store
from metrics.store.users import authorise

# Closest known names shown for an unknown one: at most 3, scoring at least this (0-100).
SUGGEST_CUTOFF = 70.0
# Text files at least this large take the DuckDB fast path when they are plain tidy CSVs.
FAST_PATH_MIN_BYTES = 1_000_000
# The repeat check counts distinct (edition, country, measure) keys in a bitstring up to this many
# possible keys (16 MB a thread), with count(DISTINCT) above.
BITSTRING_MAX_KEYS = 2**27
INDEX_ID = re.compile(r"[A-Z][A-Z0-9_]{1,31}")
_YEAR_TOKEN = re.compile(r"(?<!\d)(19[89]\d|20\d\d|2100)(?!\d)")
STAGE_COLUMNS = [
    "country",
    "iso_code",
    "edition_year",
    "measure_text",
    "value",
    "published_rank",
    "source_row",
    "source_sheet",
]

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, stage: str) -> None:
    return None


class EditionPlan(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    edition_year: int
    action: Literal["new", "replace", "restore", "unchanged"]
    edition_is_new: bool
    framework: str
    series: str
    previous_framework: str | None = None
    methodology_break: bool = False
    scale_min: float
    scale_max: float
    scale_source: Literal["edition", "previous_edition", "given", "inferred", "widened"]
    previous_edition: int | None = None
    previous_country_count: int | None = None
    current_version_id: int | None = None
    restore_version_id: int | None = None
    row_count: int
    country_count: int
    value_min: float | None = None
    value_max: float | None = None
    measures: list[str]
    new_measures: list[str] = []
    diff: store_imports.Diff | None = None


class ImportPlan(BaseModel):
    """The preview: what would be written, what is wrong, what looks suspicious."""

    file_name: str
    sha256: str
    size: int
    reader: str
    mapping: dict[str, Any]
    index_id: str
    index_is_new: bool
    index_name: str
    editions: list[EditionPlan]
    row_count: int
    names_count: int
    countries_matched: int
    names_unmatched: int
    names_by_alias: list[dict[str, str]]
    problems: list[Problem]
    warnings: list[Problem]
    status: Literal["ready", "invalid", "unchanged"]
    # Every column (or measure name) with the measure it feeds and how it was matched (chosen,
    # alias, known, synonym, new, ignored); the measures of the index the analyst may pick.
    columns: list[dict[str, str]] = []
    measure_choices: list[dict[str, str]] = []
    timings: dict[str, float] = {}

    @property
    def can_commit(self) -> bool:
        return self.status == "ready"


class ImportResult(BaseModel):
    status: Literal["imported", "unchanged"]
    action: str
    plan: ImportPlan
    versions: list[dict[str, Any]]
    timings: dict[str, float] = {}


def problem_dict(problem: Problem) -> dict[str, Any]:
    return asdict(problem)


# --- reading -----------------------------------------------------------------------------------


def read_source(
    data: bytes,
    file_name: str,
    options: ImportOptions | None = None,
    *,
    path: str | os.PathLike | None = None,
    progress: Progress | None = None,
    store: Store | None = None,
    fast_path: bool = True,
) -> SourceFile:
    """Read a file into tidy rows with the reader its content calls for (no database).

    Given the `store` it will be imported into, a large tidy CSV on disk is parsed on the store's
    own DuckDB instance (a scratch table; the caller calls `source.release()` when done).
    fast_path=False skips that DuckDB path (read_file has tried it and been told no)."""
    options = with_stored_aliases(store, options or ImportOptions())
    progress = progress or _no_progress
    progress(0.05, "reading")
    started = time.perf_counter()
    file_name = Path(file_name).name
    # Size, type by content and zip bombs, before any parser (a file from the server's disk: no size cap).
    upload_guard.check_upload(
        data, file_name, max_bytes=None if path is not None else upload_guard.MAX_UPLOAD_BYTES
    )
    is_xlsx = file_name.casefold().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    source = None
    # The SHA-256 is computed on a second thread while the file is parsed (hashlib releases the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        # then the line count the fast path checks its records against (a BOM holds no newline)
        newlines = pool.submit(_line_count, data)
        if store is not None:
            # The reference data and the country matcher, on the same thread, for this data version.
            pool.submit(warm_reference, store)
        if is_xlsx:
            source = _read_xlsx(data, file_name, "", options)
        else:
            if fast_path and options.layout != "publisher" and len(data) >= FAST_PATH_MIN_BYTES:
                source = _read_fast_csv(data, file_name, "", path, store, newlines, len(data))
            if source is None:
                source = _from_analyst(data, file_name, "", options)
        source.sha256 = digest.result()
    return _finish_read(source, file_name, started, progress)


def read_file(
    path: str | os.PathLike,
    options: ImportOptions | None = None,
    *,
    progress: Progress | None = None,
    store: Store | None = None,
) -> SourceFile:
    """read_source for a file on disk. A large tidy CSV is not loaded into Python: its head is
    checked and sniffed, DuckDB parses the file itself, and a second thread reads it once more
    for the SHA-256 and the line count. Any other file is read whole and goes to read_source."""
    options = options or ImportOptions()
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(upload_guard.TEXT_SAMPLE_BYTES)
    except FileNotFoundError:
        raise MetricsError("file_not_found", path=str(path)) from None
    file_name = path.name
    if (
        options.layout == "publisher"
        or size < FAST_PATH_MIN_BYTES
        or file_name.casefold().endswith((".xlsx", ".xlsm"))
        or head[:2] == b"PK"
        or head.startswith(b"\xef\xbb\xbf")  # DuckDB is given the body without the BOM: a copy
    ):
        return read_source(path.read_bytes(), file_name, options, path=path, progress=progress, store=store)
    progress = progress or _no_progress
    progress(0.05, "reading")
    started = time.perf_counter()
    upload_guard.check_text_head(head, size, file_name, max_bytes=None)
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanned = pool.submit(_digest_and_line_count, path)
        newlines = pool.submit(lambda: scanned.result()[1])
        if store is not None:
            pool.submit(warm_reference, store)
        source = _read_fast_csv(head, file_name, "", path, store, newlines, size)
        if source is None:  # the lenient reader (the fast path has just said no: not again)
            return read_source(
                path.read_bytes(),
                file_name,
                options,
                path=path,
                progress=progress,
                store=store,
                fast_path=False,
            )
        source.sha256 = scanned.result()[0]
    return _finish_read(source, file_name, started, progress)


def with_stored_aliases(store: Store | None, options: ImportOptions) -> ImportOptions:
    """The options with the index's confirmed measure aliases under the analyst's own choices, so
    the reader already reads an aliased column as its measure (a total keeps its rank)."""
    if store is None or not options.index_id:
        return options
    with store.reader() as cur:
        rows = cur.execute(
            "SELECT header_key, measure_id FROM measure_aliases WHERE index_id = ?", [options.index_id]
        ).fetchall()
    if not rows:
        return options
    return dataclasses.replace(options, column_map={**dict(rows), **options.column_map})


def _finish_read(source: SourceFile, file_name: str, started: float, progress: Progress) -> SourceFile:
    if source.edition_hint is None:
        hint = _year_in(file_name)
        if hint is not None:
            source.edition_hint, source.edition_hint_from = hint, "file_name"
    source.timings["read"] = time.perf_counter() - started
    progress(0.3, "read")
    return source


def _number_or_none(text: str, decimal_comma: bool) -> float | None:
    """A value as the lenient reader reads it ("1 234.5", "−3.2", "1.234,5"), or None."""
    try:
        return readers.parse_number(text, decimal_comma=decimal_comma)
    except ValueError:
        return None


def _line_count(data: bytes) -> int:
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


def _digest_and_line_count(path: Path) -> tuple[str, int]:
    """SHA-256 and _line_count of a file on disk, in one pass over a reused 1 MiB buffer (numpy
    counts the newlines: 3x faster than bytes.count, which matters beside a parse on 2 cores)."""
    sha, newlines, trailing, text = hashlib.sha256(), 0, 0, False
    buffer = bytearray(2**20)
    view, codes = memoryview(buffer), np.frombuffer(buffer, dtype=np.uint8)
    with open(path, "rb", buffering=0) as f:
        while size := f.readinto(buffer):
            sha.update(view[:size])
            newlines += int(np.count_nonzero(codes[:size] == ord("\n")))
            # The newlines after the last byte that is not \r or \n: the trailing blank lines so far.
            tail = _trailing_newline_run(buffer, size)
            if tail < size:
                text, trailing = True, buffer.count(b"\n", size - tail, size)
            else:
                trailing += buffer.count(b"\n", 0, size)
    return sha.hexdigest(), (newlines - trailing + 1 if text else 0)


def _year_in(*texts: str) -> int | None:
    years = {int(y) for text in texts for y in _YEAR_TOKEN.findall(text or "")}
    return years.pop() if len(years) == 1 else None


def _plain_lists(exc: MetricsError) -> MetricsError:
    """Lists in an error's params (sheets, candidates) as plain text for the message."""
    exc.params = {
        k: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in exc.params.items()
    }
    return exc


def _read_xlsx(data: bytes, file_name: str, sha: str, options: ImportOptions) -> SourceFile:
    try:
        return _read_xlsx_as(data, file_name, sha, options)
    except ValidationFailed:
        raise
    except MetricsError as exc:
        raise _plain_lists(exc) from None


def _read_xlsx_as(data: bytes, file_name: str, sha: str, options: ImportOptions) -> SourceFile:
    if options.layout == "tidy" or _is_new_dataset(options):
        return _from_analyst(data, file_name, sha, options)
    try:
        frame, layout = read_workbook(data, options.sheet, options.index_id)
    except ValidationFailed:
        if options.layout == "publisher" or not _analyst_layout(data, options):
            raise
        return _from_analyst(data, file_name, sha, options)
    except MetricsError as exc:
        if options.layout == "publisher" or exc.code not in ("layout_not_found", "total_row_not_found"):
            raise
        return _from_analyst(data, file_name, sha, options)
    if options.layout == "auto" and _looks_like_analyst_table(layout):
        return _from_analyst(data, file_name, sha, options)
    return _from_publisher(frame, layout, file_name, sha, len(data))


def _is_new_dataset(options: ImportOptions) -> bool:
    return bool(options.name)


def _analyst_layout(data: bytes, options: ImportOptions) -> bool:
    try:
        return _looks_like_analyst_table(detect_layout(data, options.sheet, options.index_id))
    except MetricsError:
        return True


_YEAR_HEADERS = H.lookup(H.YEAR)


def _looks_like_analyst_table(layout) -> bool:
    """A workbook table that names a year column or has years as headers is an analyst's tidy/wide
    table, not a publisher's edition (which has one edition and no year column)."""
    for table in layout.tables:
        for header in table.headers.values():
            text = str(header).strip()
            if H.normalise_header(text) in _YEAR_HEADERS or re.fullmatch(r"\d{4}", text):
                return True
    return layout.kind == "single" and bool(layout.describe()["unmapped"])


def _from_publisher(frame: pd.DataFrame, layout, file_name: str, sha: str, size: int) -> SourceFile:
    description = layout.describe()
    columns = {
        role: (layout.column(role) or {}).get("header") for role in ("country", "iso_code", "total", "rank")
    }
    columns["value"] = columns.pop("total")
    measure_columns = {mid: m["header"] for mid, m in layout.measures.items()}
    if columns["value"]:
        measure_columns["total"] = columns["value"]
    texts = [t.sheet for t in layout.tables] + [h for t in layout.tables for h in t.headers.values()]
    hint = _year_in(*texts)
    stage = pd.DataFrame(
        {
            "country": frame["country"],
            "iso_code": frame["iso_code"],
            "edition_year": pd.array([None] * len(frame), dtype="Int64"),
            "measure_text": frame["measure_id"],
            "value": frame["value"],
            "published_rank": frame["published_rank"],
            "source_row": frame["source_row"],
            "source_sheet": frame["source_sheet"],
        }
    )
    return SourceFile(
        file_name=file_name,
        sha256=sha,
        size=size,
        reader="publisher",
        mapping=description,
        columns=columns,
        measure_columns=measure_columns,
        years=[],
        edition_hint=hint,
        edition_hint_from="headers" if hint else None,
        frame=stage,
    )


def _from_analyst(data: bytes, file_name: str, sha: str, options: ImportOptions) -> SourceFile:
    # Row problems come back with the clean rows, so they are reported together with the import's
    # own checks (unknown countries, scale...): the analyst sees every problem in one pass.
    frame, info = readers.read_analyst_file(
        data, file_name, options.sheet, collect_problems=True, column_map=options.column_map
    )
    cols = info.get("columns", {})
    columns = {role: cols.get(role) for role in ("country", "iso_code", "year", "measure", "value", "rank")}
    measure_columns: dict[str, str] = {}
    if info.get("wide_by") == "measure":
        for header, measure in info.get("measure_of_column", {}).items():
            measure_columns[measure] = header
    elif cols.get("value"):
        for text in frame["measure_id"].unique():
            measure_columns[str(text)] = cols["value"]
    stage = pd.DataFrame(
        {
            "country": frame["country"],
            "iso_code": frame["iso_code"],
            "edition_year": frame["edition_year"],
            "measure_text": frame["measure_id"],
            "value": frame["value"],
            "published_rank": frame["published_rank"],
            "source_row": frame["source_row"],
            "source_sheet": info.get("sheet") or "",
        },
        columns=STAGE_COLUMNS,
    )
    years = sorted({int(y) for y in frame["edition_year"].dropna().unique()})
    return SourceFile(
        file_name=file_name,
        sha256=sha,
        size=len(data),
        reader="analyst",
        mapping=info,
        columns=columns,
        measure_columns=measure_columns,
        years=years,
        frame=stage,
        problems=list(info.get("problems", [])),
    )


def _read_fast_csv(
    data: bytes, file_name: str, sha: str, path, store: Store | None, newlines, size: int
) -> SourceFile | None:
    """The DuckDB path for a large plain tidy CSV, or None when the file needs the lenient reader.

    `data` is the whole file, or (with `path`) at least its first 64 KiB; `newlines` a future of
    the file's line count; `size` its length in bytes."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text_head = body[:65536].decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        cut = body[:65536]
        try:
            text_head = cut[: cut.rfind(b"\n")].decode("utf-8")
        except UnicodeDecodeError:
            return None
    lines = text_head.splitlines()[:-1] or text_head.splitlines()
    if len(lines) < 2:
        return None
    delimiter = readers.sniff_delimiter("\n".join(lines[:30]))
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    header = [unicodedata.normalize("NFC", h).strip() for h in header]
    m = readers.map_columns(header)
    if m.country is None or m.value is None or m.year_columns or (m.measure is None and m.ignored):
        return None
    roles = {
        role: header.index(getattr(m, role))
        for role in ("country", "iso_code", "year", "measure", "value", "rank")
        if getattr(m, role) is not None
    }
    # The first 1,000 rows decide the decimal mark (a later value written the other way is then a
    # cell problem at its line); a mix of both in them goes to the lenient reader.
    sample = [row for row in csv.reader(lines[1:1001], delimiter=delimiter) if len(row) > roles["value"]]
    decimal_comma = readers.detect_decimal_comma([r[roles["value"]] for r in sample], delimiter)
    if decimal_comma is None:
        return None
    temp = None
    if path is None or data is not body:
        temp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)  # noqa: SIM115 - closed below
        temp.write(body)
        temp.close()
        path = temp.name
    settings = {
        "delimiter": delimiter,
        "n_columns": len(header),
        "roles": roles,
        "missing": tuple(sorted(set(H.MISSING_MARKERS) - {""})),
        "note_prefixes": tuple(p.casefold() for p in H.NOTE_PREFIXES),
        "year_min": readers.YEAR_MIN,
        "year_max": readers.YEAR_MAX,
        "limit": validate.MAX_PER_CHECK,
        "rescue_number": functools.partial(_number_or_none, decimal_comma=decimal_comma),
        "decimal_comma": decimal_comma,
    }
    got, scratch = None, None
    try:
        if store is not None and temp is None:
            # On the store's own instance (no Arrow hand-over); where it may not read the file
            # (external access off), on a dedicated connection below.
            table = f"import_{uuid.uuid4().hex}"
            try:
                with store.reader() as cur:
                    got = store_imports.read_tidy_csv(str(path), cursor=cur, scratch_table=table, **settings)
                scratch = (store, table)
            except MetricsError:
                got = None
        if got is None:
            got = store_imports.read_tidy_csv(str(path), **settings)
    except MetricsError:
        return None
    finally:
        if temp is not None:
            os.unlink(temp.name)
    if got["records"] != newlines.result() - 1:
        if scratch is not None:
            with store.reader() as cur:
                store_imports.drop_scratch(cur, scratch[1])
        return None  # blank lines or line breaks inside quotes: line numbers would be wrong
    columns = {role: header[i] for role, i in roles.items()}
    problems = [
        Problem(code, int(line), columns.get(role), value if value is None else str(value))
        for code, line, role, value in got["problems"]
    ]
    if got["problem_count"] > len(problems):
        problems.append(
            Problem(
                "problems_truncated", params={"check": "cells", "count": got["problem_count"] - len(problems)}
            )
        )
    for p in problems:
        if p.code == "year_out_of_range":
            p.params.update(min=readers.YEAR_MIN, max=readers.YEAR_MAX)
    return SourceFile(
        file_name=file_name,
        sha256=sha,
        size=size,
        reader="tidy_csv",
        mapping={
            "form": "long",
            "encoding": "utf-8-sig" if data is not body else "utf-8",
            "delimiter": delimiter,
            "decimal_comma": decimal_comma,
            "header_row": 1,
            "columns": {
                role: columns.get(role)
                for role in ("country", "iso_code", "year", "measure", "value", "rank")
            },
            "ignored_columns": [h for h in header if h not in columns.values()],
        },
        columns={
            role: columns.get(role) for role in ("country", "iso_code", "year", "measure", "value", "rank")
        },
        measure_columns={},
        years=sorted(int(y) for y in got["years"] if y is not None),
        arrow=got["rows"],
        relation=got["relation"],
        relation_columns=got["relation_columns"],
        distinct=got.get("distinct"),
        kept=int(got["kept"]),
        scratch=scratch,
        problems=problems,
    )


# --- analysis (preview and commit share it) -------------------------------------------------------


@dataclass
class _Analysis:
    plan: ImportPlan
    write: dict[str, Any]


def _stage(cur, source: SourceFile) -> None:
    """The file's tidy rows as the temporary view `import_stage` of this cursor (typed, not copied:
    it reads the registered frame or Arrow table `import_source` until `_unstage`)."""
    if source.relation is not None:
        obj = None
        present = set(source.relation_columns)
    else:
        obj = source.arrow if source.arrow is not None else source.frame
        present = set(obj.column_names if source.arrow is not None else obj.columns)

    def col(name: str, cast: str, default: str = "NULL") -> str:
        expr = name if name in present else default
        if default != "NULL" and name in present:
            expr = f"coalesce({name}, {default})"
        return f"CAST({expr} AS {cast}) AS {name}"

    if obj is not None:
        cur.register("import_source", obj)
    cur.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW import_stage AS
        SELECT {col("country", "VARCHAR", "''")}, {col("iso_code", "VARCHAR", "''")},
               {col("edition_year", "INTEGER")}, {col("measure_text", "VARCHAR")},
               {col("value", "DOUBLE")}, {col("published_rank", "INTEGER")},
               {col("source_row", "BIGINT")}, {col("source_sheet", "VARCHAR", "''")}
        FROM {"import_source" if obj is not None else f"({source.relation})"}
        """  # noqa: S608 - fixed column names; the relation is fixed SQL of read_tidy_csv
    )


def _unstage(cur) -> None:
    cur.execute("DROP VIEW IF EXISTS import_stage")
    with contextlib.suppress(Exception):  # nothing registered for a scratch-table relation
        cur.unregister("import_source")


def _index(ref: dict[str, pd.DataFrame], options: ImportOptions) -> tuple[str, dict | None, bool]:
    """(index id, its row or None, is new). Raises for a missing/unknown/invalid index."""
    index_id = (options.index_id or "").strip()
    if not index_id:
        raise MetricsError("index_required", known=", ".join(ref["indices"]["index_id"]))
    known = ref["indices"].set_index("index_id")
    if index_id in known.index:
        return index_id, {"index_id": index_id, **known.loc[index_id].to_dict()}, False
    if not INDEX_ID.fullmatch(index_id):
        raise MetricsError("index_id_invalid", index_id=index_id)
    if not options.name:
        raise MetricsError(
            "dataset_fields_required", index_id=index_id, missing="--name, --unit, --source-url"
        )
    missing = [flag for flag, v in (("--unit", options.unit), ("--source-url", options.source_url)) if not v]
    if missing:
        raise MetricsError("dataset_fields_required", index_id=index_id, missing=", ".join(missing))
    return index_id, None, True


def _level(measure_id: str) -> str:
    if measure_id == "total":
        return "total"
    if measure_id.startswith("pillar_"):
        return "pillar"
    if measure_id.startswith("dim_"):
        return "dimension"
    return "indicator"


def _rounded_out(lo: float, hi: float) -> tuple[float, float]:
    """A scale around [lo, hi] on round numbers: [0.12, 87.3] -> [0, 90]; [3, 3] -> [2, 4]."""
    span = hi - lo
    if span <= 0:
        step = 10 ** math.floor(math.log10(abs(hi))) if hi else 1.0
        return math.floor(lo / step) * step - (step if lo % step == 0 else 0), math.ceil(hi / step) * step + (
            step if hi % step == 0 else 0
        )
    step = 10 ** math.floor(math.log10(span))
    low, high = math.floor(lo / step) * step, math.ceil(hi / step) * step
    if lo >= 0 > low:
        low = 0.0
    return float(low), float(high)


class _Analyser:
    """Stages a file on one cursor and works out the plan: shared by preview and commit.

    The steps run in order (see `run`); each leaves temporary tables on the cursor for the next
    (import_stage -> import_names, import_measures -> the view import_rows, over import_facts or,
    for the fast path's scratch table, over import_stage itself -> import_editions), and the SQL
    checks of metrics.ingest.validate read them.
    """

    def __init__(
        self, cur, source: SourceFile, options: ImportOptions, progress: Progress, store: Store | None = None
    ) -> None:
        self.cur = cur
        self.source = source
        self.options = options
        self.progress = progress
        self.problems: list[Problem] = list(source.problems)
        self.warnings: list[Problem] = []
        self.timings: dict[str, float] = {}
        self.ref, self.resolver = _reference(cur, store)
        self.index_id, self.index_row, self.index_is_new = _index(self.ref, options)
        self.created_by_import = bool(self.index_row and self.index_row.get("created_by_import"))
        measures = self.ref["measures"]
        self.index_measures = measures[measures["index_id"] == self.index_id]
        self.framework_measures = {
            fw: set(group["measure_id"]) for fw, group in self.index_measures.groupby("framework")
        }
        self.given_scale = options.scale_min is not None and options.scale_max is not None
        if (options.scale_min is None) != (options.scale_max is None) or (
            self.given_scale and not options.scale_min < options.scale_max
        ):
            raise MetricsError("scale_invalid", min=options.scale_min, max=options.scale_max)

    def run(self) -> _Analysis:
        started = time.perf_counter()
        _stage(self.cur, self.source)
        self.progress(0.4, "staging")
        self._distinct()
        default_year = self._default_year()
        self._match_names()
        self._map_measures()
        self._join_rows(default_year)
        if self.source.relation is None:
            _unstage(self.cur)
        self.timings["stage"] = time.perf_counter() - started
        self.progress(0.5, "validating")
        started = time.perf_counter()
        plans = self._plan_editions()
        self._check(plans)
        self.timings["validate"] = time.perf_counter() - started
        self.progress(0.7, "comparing")
        started = time.perf_counter()
        self._compare(plans)
        self.timings["compare"] = time.perf_counter() - started
        return _Analysis(plan=self._plan(plans), write=self._write(plans))

    # --- staging ------------------------------------------------------------------------------

    def _distinct(self) -> None:
        """The distinct years, (name, code) pairs and measure texts of the staged rows: ONE scan
        (three grouping sets) rather than a scan each; none when the read made that scan already."""
        rows = self.source.distinct
        if rows is None:
            rows = self.cur.execute(
                """
                SELECT grouping(country, iso_code), grouping(measure_text), country, iso_code, measure_text,
                       edition_year
                FROM import_stage GROUP BY GROUPING SETS ((country, iso_code), (measure_text), (edition_year))
                """
            ).fetchall()
        self.staged_years = [r[5] for r in rows if r[0] and r[1]]
        self.staged_pairs = [(r[2], r[3]) for r in rows if not r[0]]
        self.measure_texts = sorted((r[4] for r in rows if not r[1]), key=lambda t: (t is None, t))

    def _default_year(self) -> int | None:
        """The edition of rows without a year: --edition, else a year named in the file's headers/name."""
        years = self.staged_years
        needs_default = not years or None in years
        year = self.options.edition_year
        if year is None and needs_default:
            year = self.source.edition_hint
        if needs_default and year is None:
            raise MetricsError("edition_required", file=self.source.file_name)
        if year is not None and not readers.YEAR_MIN <= int(year) <= readers.YEAR_MAX:
            raise MetricsError("edition_invalid", edition=year, min=readers.YEAR_MIN, max=readers.YEAR_MAX)
        if self.options.edition_year is not None:
            self.problems += validate.edition_mismatches(
                self.cur, int(self.options.edition_year), self.source.columns.get("year")
            )
        return None if year is None else int(year)

    def _match_names(self) -> None:
        """Country names: matched once per DISTINCT (name, code) in Python, joined back in SQL."""
        names = []
        for country, code in self.staged_pairs:
            by_name = self.resolver.resolve(country) if country else None
            by_code = self.resolver.resolve(code) if code else None
            # The code decides, unless the name means another country: then the name is kept (and the
            # mismatch reported), so one shifted code does not also show up as a duplicate.
            iso3 = by_name if by_name and by_code != by_name else by_code
            names.append((country, code, iso3, by_name, by_code))
        self.names = names
        frame = pd.DataFrame(
            names, columns=["country", "iso_code", "iso3", "name_iso3", "code_iso3"], dtype=object
        )
        # iso_no: a small integer per country, so the checks group on integers, not on text.
        self.iso_codes = sorted({n[2] for n in names if n[2]})
        numbers = {iso3: i for i, iso3 in enumerate(self.iso_codes)}
        frame["iso_no"] = pd.array([numbers.get(n[2]) for n in names], dtype="Int32")
        frame["name_no"] = pd.array(range(len(frame)), dtype="Int32")
        _temp_table(self.cur, "import_names", frame, {"iso_no": "INTEGER", "name_no": "INTEGER"})

    def _map_measures(self) -> None:
        texts = self.measure_texts
        self.mmap, self.matched_by = mapping.measure_map(
            texts, self.index_id, self.ref, self.options.column_map, self.source.measure_columns
        )
        check_new_measures(self.mmap.values(), set(self.index_measures["measure_id"]), self.index_id)
        by_id: dict[str, list[str]] = {}
        for text, mid in self.mmap.items():
            by_id.setdefault(mid, []).append(text)
        for mid, group in sorted(by_id.items()):
            if len(group) > 1:
                self.problems.append(
                    Problem(
                        "measure_id_collision",
                        column=self.source.measure_columns.get(group[1]),
                        value=" / ".join(group),
                        params={"measure": mid, "texts": " / ".join(group)},
                    )
                )
        frame = pd.DataFrame(list(self.mmap.items()), columns=["measure_text", "measure_id"], dtype=object)
        self.measure_ids = sorted(set(self.mmap.values()))
        numbers = {mid: i for i, mid in enumerate(self.measure_ids)}
        frame["measure_no"] = pd.array([numbers[m] for m in frame["measure_id"]], dtype="Int32")
        frame["text_no"] = pd.array(range(len(frame)), dtype="Int32")
        _temp_table(self.cur, "import_measures", frame, {"measure_no": "INTEGER", "text_no": "INTEGER"})

    def _join_rows(self, default_year: int | None) -> None:
        year = "s.edition_year" if default_year is None else f"coalesce(s.edition_year, {int(default_year)})"
        if self.source.relation is not None:
            # The rows already sit in a table (the fast path's scratch table): the checks and the
            # writer read them through the two small joins; copying a million rows once more into
            # import_facts would cost more than the few scans below.
            self.cur.execute(
                f"""
                CREATE OR REPLACE TEMP VIEW import_rows AS
                SELECT n.country, n.iso_code, n.iso3, {year} AS edition_year, m.measure_text, m.measure_id,
                       s.value, s.published_rank, s.source_row, s.source_sheet, n.iso_no, m.measure_no
                FROM import_stage s
                JOIN import_names n ON n.country = s.country AND n.iso_code = s.iso_code
                JOIN import_measures m USING (measure_text)
                """  # noqa: S608 - fixed text; the year is an int
            )
            self.facts = "import_rows"
        else:
            self.cur.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE import_facts AS
                SELECT n.name_no, n.iso_no, {year} AS edition_year, m.text_no, m.measure_no,
                       s.value, s.published_rank, s.source_row, s.source_sheet
                FROM import_stage s
                JOIN import_names n ON n.country = s.country AND n.iso_code = s.iso_code
                JOIN import_measures m USING (measure_text)
                """  # noqa: S608 - fixed text; the year is an int
            )
            # The rows as the checks and the writer read them: numbers stored once per row, texts
            # once per distinct name and measure (a million copies of the same strings cost more to
            # store than two joins on small integer keys cost to read).
            self.cur.execute(
                """
                CREATE OR REPLACE TEMP VIEW import_rows AS
                SELECT n.country, n.iso_code, n.iso3, f.edition_year, m.measure_text, m.measure_id,
                       f.value, f.published_rank, f.source_row, f.source_sheet, f.iso_no, f.measure_no
                FROM import_facts f
                JOIN import_names n ON n.name_no = f.name_no
                JOIN import_measures m ON m.text_no = f.text_no
                """
            )
            self.facts = "import_facts"
        self._edition_stats()
        if not self.stats:
            self.problems.append(Problem("no_data_rows", params={"file": self.source.file_name}))

    def _edition_stats(self) -> None:
        """Per edition, in ONE scan: rows, countries, value range, measures, countries with a total,
        rows with a published rank; and whether any (country, edition, measure) comes twice: fewer
        distinct keys than rows, counted on one integer per row (the GROUP BY that lists the
        repeats runs only when there are some)."""
        collided = [
            self.measure_ids.index(p.params["measure"])
            for p in self.problems
            if p.code == "measure_id_collision"
        ]
        # (country, measure) -> one BIGINT per edition, injective: iso_no < countries, measure_no <
        # measures. Counted distinct as the set bits of a bitstring over the key range when that is
        # small (a flat array: ~7x cheaper than hashing a million keys), else with count(DISTINCT).
        countries, measures = max(len(self.iso_codes), 1), max(len(self.measure_ids), 1)
        span = countries * measures
        total = self.measure_ids.index("total") if "total" in self.measure_ids else -1
        every_row_keyed = not collided and all(n[2] is not None for n in self.names)
        if span <= BITSTRING_MAX_KEYS and every_row_keyed:
            found = self._stats_from_bitstrings(countries, measures, total)
        else:
            found = self._stats_counted(collided, measures, span, total)
        self.stats = [
            (year, n, n_countries, lo, hi, sorted(self.measure_ids[m] for m in ms), totals)
            for year, n, n_countries, lo, hi, ms, totals, *_ in found
        ]
        self.ranked_rows = sum(r[7] for r in found)
        self.has_repeats = any(r[9] < r[8] for r in found)

    def _stats_from_bitstrings(self, countries: int, measures: int, total: int) -> list[tuple]:
        """The per-edition figures when every row has a key: the edition's bitstring of (country,
        measure) keys holds its countries, measures and totals as well (read as a countries x
        measures grid), so the scan needs no DISTINCT aggregate beside it."""
        rows = self.cur.execute(
            f"""
            SELECT edition_year, count(*), min(value), max(value), count(published_rank),
                   bitstring_agg(iso_no::BIGINT * $measures + measure_no, 0, $last)::VARCHAR
            FROM {self.facts} GROUP BY edition_year ORDER BY edition_year
            """,  # noqa: S608 - a fixed relation name; values are parameters
            {"measures": measures, "last": countries * measures - 1},
        ).fetchall()
        found = []
        for year, n, lo, hi, ranked, bits in rows:
            grid = np.frombuffer(bits.encode("ascii"), dtype=np.uint8).reshape(countries, measures) == ord(
                "1"
            )
            with_total = int(grid[:, total].sum()) if total >= 0 else 0
            measure_nos = np.flatnonzero(grid.any(axis=0)).tolist()
            found.append(
                (
                    year,
                    n,
                    int(grid.any(axis=1).sum()),
                    lo,
                    hi,
                    measure_nos,
                    with_total,
                    ranked,
                    n,
                    int(grid.sum()),
                )
            )
        return found

    def _stats_counted(self, collided: list[int], measures: int, span: int, total: int) -> list[tuple]:
        """The per-edition figures with DISTINCT aggregates (rows without a country, measures that
        collide, or a key range too large for a bitstring)."""
        keyed = "iso_no IS NOT NULL" + (" AND NOT list_contains($collided, measure_no)" if collided else "")
        distinct = (
            "coalesce(bit_count(bitstring_agg(repeat_key, 0, $last) FILTER (WHERE keyed)), 0)"
            if span <= BITSTRING_MAX_KEYS
            else "count(DISTINCT repeat_key) FILTER (WHERE keyed)"
        )
        return self.cur.execute(
            f"""
            SELECT edition_year, count(*), count(DISTINCT iso_no), min(value), max(value),
                   list(DISTINCT measure_no), count(DISTINCT iso_no) FILTER (WHERE measure_no = $total),
                   count(published_rank), count(*) FILTER (WHERE keyed), {distinct}
            FROM (SELECT *, {keyed} AS keyed, iso_no::BIGINT * $measures + measure_no AS repeat_key
                  FROM {self.facts})
            GROUP BY edition_year ORDER BY edition_year
            """,  # noqa: S608 - fixed text; values are parameters
            {
                "total": total,
                "measures": measures,
                **({"last": span - 1} if span <= BITSTRING_MAX_KEYS else {}),
                **({"collided": collided} if collided else {}),
            },
        ).fetchall()

    # --- editions -----------------------------------------------------------------------------

    def _plan_editions(self) -> list[EditionPlan]:
        """Per edition: the framework, series and scale it is checked against, and the version action."""
        editions = self.ref["editions"]
        by_year = {
            int(r["edition_year"]): r
            for r in editions[editions["index_id"] == self.index_id].to_dict("records")
        }
        versions = self.ref["versions"]
        self.versions = versions[versions["index_id"] == self.index_id]
        # Looked up once per edition below: plain tuples by year, not a DataFrame filter each time.
        self.versions_by_year: dict[int, list[tuple[int, bool, str, int]]] = {}
        for vid, year, is_current, sha, n in self.versions[
            ["version_id", "edition_year", "is_current", "sha256", "country_count"]
        ].itertuples(index=False):
            self.versions_by_year.setdefault(int(year), []).append((int(vid), bool(is_current), sha, int(n)))
        self.text_of = {}
        for text, mid in self.mmap.items():
            self.text_of.setdefault(mid, text)
        self.known_measures = {
            row["measure_id"]: row for row in self.index_measures.to_dict("records")
        }  # the last row of each measure id (ordered by framework)
        lows, highs = [s[3] for s in self.stats], [s[4] for s in self.stats]
        self.inferred = _rounded_out(min(lows), max(highs)) if self.stats else (0.0, 1.0)
        self.new_frameworks: dict[str, dict] = {}
        self.new_measures: dict[tuple[str, str], dict] = {}
        self.new_editions: list[dict] = []
        self.updated_editions: list[dict] = []
        rows, allowed, plans = [], [], []
        for year, n_rows, n_countries, vmin, vmax, measure_ids, n_total in self.stats:
            year = int(year)
            found = set(measure_ids)
            existing = by_year.get(year)
            previous = _previous_edition(by_year, year)
            if existing is not None:
                plan, check_scale, check_measures = self._existing_edition(existing, year, found, vmin, vmax)
                if check_measures:
                    allowed += [
                        (year, m) for m in sorted(self.framework_measures.get(plan["framework"], set()))
                    ]
            else:
                # Countries ranked: those with a total, else (a dataset of indicators) those with data.
                plan = self._new_edition(previous, year, found, vmin, vmax, n_total or n_countries)
                check_scale, check_measures = plan.pop("check_scale"), False
            for mid in plan["new_measures"]:
                self._add_measure(plan["framework"], mid)
            rows.append(
                (
                    year,
                    plan["scale_min"],
                    plan["scale_max"],
                    check_scale,
                    check_measures,
                    plan["framework"],
                    bool(self.index_row["higher_is_better"]) if self.index_row else True,
                )
            )
            plans.append(
                EditionPlan(
                    edition_year=year,
                    edition_is_new=existing is None,
                    previous_framework=previous["framework"] if previous else None,
                    previous_edition=int(previous["edition_year"]) if previous else None,
                    previous_country_count=self._country_count(previous),
                    row_count=int(n_rows),
                    country_count=int(n_countries),
                    value_min=vmin,
                    value_max=vmax,
                    measures=sorted(found),
                    **self._action(year),
                    **plan,
                )
            )
        self.cur.execute(
            "CREATE OR REPLACE TEMP TABLE import_editions (edition_year INTEGER, scale_min DOUBLE,"
            " scale_max DOUBLE, check_scale BOOLEAN, check_measures BOOLEAN, framework VARCHAR,"
            " higher_is_better BOOLEAN)"
        )
        if rows:  # one statement, the columns as lists (executemany runs one per edition)
            self.cur.execute(
                "INSERT INTO import_editions SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?),"
                " unnest(?), unnest(?)",
                [list(column) for column in zip(*rows, strict=True)],
            )
        self.edition_checks, self.allowed_measures = rows, set(allowed)
        self.cur.execute(
            "CREATE OR REPLACE TEMP TABLE import_allowed_measures (edition_year INTEGER, measure_id VARCHAR)"
        )
        if allowed:
            self.cur.execute(
                "INSERT INTO import_allowed_measures SELECT unnest(?), unnest(?)",
                [list(column) for column in zip(*allowed, strict=True)],
            )
        return plans

    def _existing_edition(self, row: dict, year: int, found: set[str], vmin: float, vmax: float):
        """An edition already in the database: its framework and scale are fixed (a publisher index),
        or grow with the data (a dataset created by an import: new measures, a widened scale)."""
        framework = row["framework"]
        lo, hi, source = float(row["scale_min"]), float(row["scale_max"]), "edition"
        new_measures: list[str] = []
        if not self.created_by_import:
            plan = self._edition_fields(framework, row["series"], lo, hi, source, new_measures)
            return plan, True, True
        new_measures = sorted(found - self.framework_measures.get(framework, set()))
        if vmin < lo or vmax > hi:
            lo, hi = _rounded_out(min(lo, vmin), max(hi, vmax))
            source = "widened"
            self._warn_widened(year, lo, hi, vmin, vmax)
            self.updated_editions.append(
                {"index_id": self.index_id, "edition_year": year, "scale_min": lo, "scale_max": hi}
            )
        return self._edition_fields(framework, row["series"], lo, hi, source, new_measures), False, False

    def _new_edition(
        self, previous: dict | None, year: int, found: set[str], vmin, vmax, counted: int
    ) -> dict:
        """A new edition: of a new dataset (its own framework, scale inferred or given), or of a known
        index (the previous edition's framework, series and scale, unless its measures differ)."""
        options = self.options
        methodology_break = False
        if self.index_is_new or previous is None:
            framework = series = self.index_id
            aggregation = "none"
            new_measures = sorted(found - self.framework_measures.get(framework, set()))
            lo, hi = (options.scale_min, options.scale_max) if self.given_scale else self.inferred
            source = "given" if self.given_scale else "inferred"
            check_scale = self.given_scale
        else:
            framework, series, aggregation = (
                previous["framework"],
                previous["series"],
                previous["aggregation"],
            )
            known = self.framework_measures.get(framework, set())
            new_measures = sorted(found - known)
            if new_measures and not self.created_by_import:
                # Measures the previous framework does not have: a methodology break.
                methodology_break = True
                framework = series = f"{self.index_id}-{year}"
                self.warnings.append(
                    Problem(
                        "methodology_break",
                        params={
                            "edition": year,
                            "framework": framework,
                            "previous_framework": previous["framework"],
                            "previous_edition": int(previous["edition_year"]),
                            "measures": ", ".join(new_measures),
                        },
                    )
                )
                new_measures = sorted(found)
            check_scale = True
            if self.given_scale:
                lo, hi, source = options.scale_min, options.scale_max, "given"
            else:
                lo, hi, source = (
                    float(previous["scale_min"]),
                    float(previous["scale_max"]),
                    "previous_edition",
                )
                if self.created_by_import and (vmin < lo or vmax > hi):
                    lo, hi = _rounded_out(min(lo, vmin), max(hi, vmax))
                    source, check_scale = "widened", False
                    self._warn_widened(year, lo, hi, vmin, vmax)
        self.new_editions.append(
            {
                "index_id": self.index_id,
                "edition_year": year,
                "scale_min": float(lo),
                "scale_max": float(hi),
                "framework": framework,
                "series": series,
                "aggregation": aggregation,
                "countries_ranked": int(counted) or None,
                "membership_date": dt.date(year, 12, 31),
                "source_file": self.source.file_name,
                "source_url": options.source_url or "",
                "notes": "",
            }
        )
        if framework not in self.framework_measures and framework not in self.new_frameworks:
            self.new_frameworks[framework] = {
                "index_id": self.index_id,
                "framework": framework,
                "description_en": f"Created by the import of {self.source.file_name}",
                "description_vi": f"Tạo khi nhập tệp {self.source.file_name}",
            }
        plan = self._edition_fields(framework, series, lo, hi, source, new_measures)
        plan.update(methodology_break=methodology_break, check_scale=check_scale)
        return plan

    @staticmethod
    def _edition_fields(framework, series, lo, hi, source, new_measures) -> dict:
        return {
            "framework": framework,
            "series": series,
            "scale_min": float(lo),
            "scale_max": float(hi),
            "scale_source": source,
            "new_measures": new_measures,
        }

    def _warn_widened(self, year: int, lo: float, hi: float, vmin: float, vmax: float) -> None:
        self.warnings.append(
            Problem(
                "scale_widened",
                params={
                    "edition": year,
                    "min": f"{lo:g}",
                    "max": f"{hi:g}",
                    "value_min": f"{vmin:g}",
                    "value_max": f"{vmax:g}",
                },
            )
        )

    def _add_measure(self, framework: str, mid: str) -> None:
        if (framework, mid) not in self.new_measures:
            dataset = self.created_by_import or self.index_is_new
            self.new_measures[(framework, mid)] = _measure_row(
                self.index_id,
                framework,
                mid,
                self.text_of.get(mid, mid),
                self.known_measures.get(mid),
                dataset,
            )

    def _action(self, year: int) -> dict:
        """The identical file (same sha256 + index + edition) is recognised: unchanged when it is the
        current version, 'restore' when an older one (it becomes current again)."""
        versions = self.versions_by_year.get(year, [])
        current = [v for v in versions if v[1]]
        current_id = current[0][0] if current else None
        withdrawn = set(self.versions.loc[self.versions["withdrawn"], "version_id"])
        same = [v[0] for v in versions if v[2] == self.source.sha256 and v[0] not in withdrawn]
        if current and current[0][2] == self.source.sha256:
            return {"action": "unchanged", "current_version_id": current_id}
        if same:
            return {"action": "restore", "current_version_id": current_id, "restore_version_id": max(same)}
        return {"action": "replace" if current_id is not None else "new", "current_version_id": current_id}

    def _country_count(self, edition: dict | None) -> int | None:
        if edition is None:
            return None
        current = [v for v in self.versions_by_year.get(int(edition["edition_year"]), []) if v[1]]
        return current[0][3] if current else None

    # --- checks, comparison, results ------------------------------------------------------------

    def _check(self, plans: list[EditionPlan]) -> None:
        columns = self.source.columns
        value_columns = {
            **{t: columns.get("value") for t in self.measure_texts},
            **self.source.measure_columns,
        }
        # Each check scans the rows only when what is already known (the matched names, the
        # per-edition figures of _edition_stats) says it can find something.
        if any(n[2] is None for n in self.names):
            self.problems += validate.unknown_countries(
                self.cur, columns.get("country"), _suggest(self.resolver)
            )
        if any(n[3] and n[4] and n[3] != n[4] for n in self.names):
            self.problems += validate.code_mismatches(self.cur, columns.get("iso_code"))
        collided = [p.params["measure"] for p in self.problems if p.code == "measure_id_collision"]
        if self.has_repeats:  # found while counting (_edition_stats); the GROUP BY lists them
            self.problems += validate.duplicates(self.cur, columns.get("country"), collided)
        stats = {row[0]: row for row in self.stats}
        outside_framework = outside_scale = False
        for year, lo, hi, check_scale, check_measures, *_ in self.edition_checks:
            _, _, _, vmin, vmax, measure_ids, _ = stats[year]
            outside_scale |= bool(check_scale) and (vmin < lo or vmax > hi)
            outside_framework |= bool(check_measures) and any(
                (year, m) not in self.allowed_measures for m in measure_ids
            )
        if outside_framework:
            self.problems += validate.measures_outside_framework(self.cur, value_columns)
        if outside_scale:
            self.problems += validate.outside_scale(self.cur, value_columns)
        if self.ranked_rows:
            self.warnings += validate.rank_disagreements(self.cur, columns.get("rank"))
        counts = {p.edition_year: p.country_count for p in plans}
        previous = {
            p.edition_year: (p.previous_edition, p.previous_country_count)
            for p in plans
            if p.edition_is_new and p.previous_edition is not None and p.previous_country_count
        }
        self.warnings += validate.country_count_changes(counts, previous)
        replaced = {
            p.edition_year: (p.country_count, p.current_version_id, self._version_countries(p))
            for p in plans
            if p.action == "replace" and p.current_version_id is not None
        }
        self.warnings += validate.replacement_country_changes(replaced)
        self._check_headline(plans)

    def _check_headline(self, plans: list[EditionPlan]) -> None:
        """An edition of an index that has a total, with no total for most of its countries."""
        known = set(self.index_measures["measure_id"])
        if self.index_is_new or validate.HEADLINE not in known:
            return
        unknown = {p.edition_year: [m for m in p.measures if m not in known] for p in plans}
        headers = {mid: self.source.measure_columns.get(text, text) for mid, text in self.text_of.items()}
        stats = [s for s in self.stats if int(s[0]) in unknown]
        problems, warnings = validate.headline_gaps(stats, unknown, headers, self.options.allow_no_headline)
        self.problems += problems
        self.warnings += warnings

    def _version_countries(self, plan: EditionPlan) -> int:
        versions = self.versions_by_year.get(plan.edition_year, [])
        return next((n for vid, _, _, n in versions if vid == plan.current_version_id), 0)

    def _compare(self, plans: list[EditionPlan]) -> None:
        """What changes against the current version of each edition (a FULL OUTER JOIN in SQL)."""
        for p in plans:
            if p.current_version_id is None or p.action == "unchanged":
                continue
            new = ("version", p.restore_version_id) if p.action == "restore" else ("staged", p.edition_year)
            found = store_imports.diff_relations(self.cur, ("version", p.current_version_id), new)
            p.diff = store_imports.Diff(
                old_version_id=p.current_version_id, new_version_id=p.restore_version_id, **found
            )

    def _plan(self, plans: list[EditionPlan]) -> ImportPlan:
        by_alias = self.cur.execute(
            """
            SELECT DISTINCT n.country, n.iso3, c.name_en FROM import_names n JOIN countries c USING (iso3)
            WHERE n.country <> c.name_en ORDER BY n.country LIMIT 500
            """
        ).fetchall()
        if self.problems:
            status = "invalid"
        elif plans and all(p.action == "unchanged" for p in plans):
            status = "unchanged"
        else:
            status = "ready"
        name = self.options.name if self.index_is_new else str(self.index_row["name_en"])
        return ImportPlan(
            file_name=self.source.file_name,
            sha256=self.source.sha256,
            size=self.source.size,
            reader=self.source.reader,
            mapping=self.source.mapping,
            index_id=self.index_id,
            index_is_new=self.index_is_new,
            index_name=name or self.index_id,
            editions=plans,
            row_count=sum(p.row_count for p in plans),
            names_count=len(self.names),
            countries_matched=len({n[2] for n in self.names if n[2]}),
            names_unmatched=sum(1 for n in self.names if n[2] is None),
            names_by_alias=[{"name": a, "iso3": b, "name_en": c} for a, b, c in by_alias],
            # Reading order, as the analyst fixes them: whole-file problems first, then by row.
            problems=sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0)),
            warnings=self.warnings,
            status=status,
            columns=mapping.column_feeds(
                self.matched_by,
                self.mmap,
                self.source.columns,
                self.source.measure_columns,
                self.source.mapping.get("ignored_columns") or [],
            ),
            measure_choices=mapping.measure_choices(self.index_measures),
            timings={**self.source.timings, **self.timings},
        )

    def _write(self, plans: list[EditionPlan]) -> dict[str, Any]:
        """Plain data for metrics.store.imports.write_import."""
        options, row = self.options, self.index_row
        return {
            "index_id": self.index_id,
            "new_index": _index_row(self.index_id, options) if self.index_is_new else None,
            "unit": options.unit,
            "new_frameworks": list(self.new_frameworks.values()),
            "new_measures": list(self.new_measures.values()),
            "new_editions": self.new_editions,
            "updated_editions": self.updated_editions,
            "editions": [
                {
                    "edition_year": p.edition_year,
                    "action": p.action,
                    "restore_version_id": p.restore_version_id,
                    "row_count": p.row_count,
                    "country_count": p.country_count,
                    "edition_is_new": p.edition_is_new,
                    "warnings": [
                        problem_dict(w)
                        for w in self.warnings
                        if w.params.get("edition") in (None, p.edition_year)
                    ],
                }
                for p in plans
            ],
            "file_name": self.source.file_name,
            "sha256": self.source.sha256,
            "source_url": options.source_url,
            "licence": options.licence or (str(row["licence"]) if row else ""),
            "reader": self.source.reader,
            "mapping": self.source.mapping,
            "note": f"{self.source.reader} import",
            "measure_aliases": [
                {
                    "index_id": self.index_id,
                    "header_key": H.normalise_header(label),
                    "header": label,
                    "measure_id": mid,
                }
                for label, mid in sorted(self.options.column_map.items())
                if mid and H.normalise_header(label)
            ],
        }


def _temp_table(cur, name: str, frame: pd.DataFrame, types: dict[str, str] | None = None) -> None:
    """A small frame as a temporary table of VARCHAR columns, but those given `types` (names from
    this module only)."""
    types = types or {}
    cur.register("import_frame", frame)
    try:
        columns = ", ".join(f"CAST({c} AS {types.get(c, 'VARCHAR')}) AS {c}" for c in frame.columns)
        cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} FROM import_frame")  # noqa: S608
    finally:
        cur.unregister("import_frame")


def _analyse(
    cur, source: SourceFile, options: ImportOptions, progress: Progress, store: Store | None = None
) -> _Analysis:
    return _Analyser(cur, source, options, progress, store).run()


# The reference data and country matcher of each open store, for one data version (every write
# bumps it): (data version, reference frames, matcher). Read-only once built.
_REFERENCE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_REFERENCE_LOCK = threading.Lock()


def _reference(cur, store: Store | None) -> tuple[dict[str, pd.DataFrame], CountryResolver]:
    """The reference data and matcher as `cur` sees them: built, or reused when `store`'s cached
    copy has the data version `cur` sees (read on `cur`, so in its snapshot)."""
    if store is None:
        ref = store_imports.reference(cur)
        return ref, resolver_from(ref)
    rows = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    version = int(rows[0][0]) if rows else 0
    with _REFERENCE_LOCK:
        cached = _REFERENCE.get(store)
    if cached is not None and cached[0] == version:
        return cached[1], cached[2]
    ref = store_imports.reference(cur)
    resolver = resolver_from(ref)
    with _REFERENCE_LOCK:
        _REFERENCE[store] = (version, ref, resolver)
    return ref, resolver


def warm_reference(store: Store) -> None:
    """Build the cached reference data of `store` (one snapshot), e.g. while a file is parsed."""
    with store.reader() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            _reference(cur, store)
        finally:
            cur.execute("COMMIT")


def _previous_edition(by_year: dict[int, dict], year: int) -> dict | None:
    earlier = [y for y in by_year if y < year]
    if earlier:
        return by_year[max(earlier)]
    later = [y for y in by_year if y > year]
    return by_year[min(later)] if later else None


def _measure_row(
    index_id: str, framework: str, mid: str, text: str, known: dict | None, dataset: bool
) -> dict:
    """A measure row to create: copied from the index's known measure `known` (its last row), or new
    (named after `text`, the measure as written in the file)."""
    if known is not None and not dataset:
        first = known
        return {
            "index_id": index_id,
            "framework": framework,
            "measure_id": mid,
            "level": first["level"],
            "parent_id": first["parent_id"],
            "name_en": first["name_en"],
            "name_vi": first["name_vi"],
        }
    level = "total" if mid == "total" else ("indicator" if dataset else _level(mid))
    parent = "total" if level == "pillar" else ""
    name = "Total" if mid == "total" and text == mid else text
    return {
        "index_id": index_id,
        "framework": framework,
        "measure_id": mid,
        "level": level,
        "parent_id": parent,
        "name_en": name,
        "name_vi": "Tổng điểm" if mid == "total" and text == mid else name,
    }


def _index_row(index_id: str, options: ImportOptions) -> dict:
    return {
        "index_id": index_id,
        "name_en": options.name,
        "name_vi": options.name_vi or options.name,
        "short_name": index_id,
        "publisher": options.publisher or "",
        "homepage": options.source_url or "",
        "licence": options.licence or "",
        "higher_is_better": True,
    }


def _suggest(resolver: CountryResolver):
    def suggest(text: str) -> list[tuple[str, str, float]]:
        return resolver.suggest(text, limit=3, score_cutoff=SUGGEST_CUTOFF) if text else []

    return suggest


def resolver_from(ref: dict[str, pd.DataFrame]) -> CountryResolver:
    """The country matcher over the database's countries and aliases (seeded and analyst-confirmed)."""
    extra: dict[str, list[str]] = {}
    for alias, iso3 in ref["aliases"][["alias", "iso3"]].itertuples(index=False):
        extra.setdefault(iso3, []).append(alias)
    return CountryResolver(ref["countries"], extra)


# --- services ------------------------------------------------------------------------------------


def preview(
    store: Store, actor: Actor, source: SourceFile, options: ImportOptions, progress: Progress | None = None
) -> ImportPlan:
    """Stage and check on a reader cursor: the plan, its problems and warnings; nothing is written."""
    actor = authorise(store, actor, "analyst")
    progress = progress or _no_progress
    with store.reader() as cur:
        analysis = _analyse(cur, source, options, progress, store)
    progress(1.0, "previewed")
    return analysis.plan


def commit(
    store: Store, actor: Actor, source: SourceFile, options: ImportOptions, progress: Progress | None = None
) -> ImportResult:
    """Check again and write, in one transaction; ValidationFailed (nothing written) on any problem."""
    actor = authorise(store, actor, "analyst")
    progress = progress or _no_progress
    started = time.perf_counter()
    years = source.years or (
        [options.edition_year or source.edition_hint] if (options.edition_year or source.edition_hint) else []
    )
    if options.edition_year is not None:
        years = [options.edition_year]
    with store.reader() as cur:
        known = cur.execute(
            "SELECT edition_year, sha256, is_current FROM versions WHERE index_id = ?",
            [options.index_id or ""],
        ).fetchall()
    current = {y: sha for y, sha, is_current in known if is_current}
    if years and all(current.get(y) == source.sha256 for y in years):
        # The identical file is the current version: recognised, nothing written (not even an audit row).
        with store.reader() as cur:
            plan = _analyse(cur, source, options, progress, store).plan
        if plan.problems:
            raise ValidationFailed(plan.problems)
        return ImportResult(status="unchanged", action="none", plan=plan, versions=[])
    action = "replace" if any(y in current for y in years) else "import"
    point = take_restore_point(store, actor, source.file_name)
    detail: dict[str, Any] = {
        "file_name": source.file_name,
        "sha256": source.sha256,
        "index_id": options.index_id,
        "reader": source.reader,
        "restore_point": point.path if point else None,
    }
    with store.transaction(actor.name, action, detail) as cur:
        analysis = _analyse(cur, source, options, progress, store)
        plan = analysis.plan
        if plan.problems:
            raise ValidationFailed(plan.problems)
        progress(0.8, "writing")
        t = time.perf_counter()
        written = store_imports.write_import(cur, analysis.write, actor)
        detail.update(
            editions=[e.edition_year for e in plan.editions],
            versions=written,
            rows=plan.row_count,
            created_index=plan.index_is_new,
            created_editions=[e.edition_year for e in plan.editions if e.edition_is_new],
            methodology_break=[e.edition_year for e in plan.editions if e.methodology_break],
        )
        plan.timings["write"] = time.perf_counter() - t
        t = time.perf_counter()
    plan.timings["commit"] = time.perf_counter() - t
    progress(1.0, "done")
    status = "imported" if written else "unchanged"
    return ImportResult(
        status=status,
        action=action,
        plan=plan,
        versions=written,
        timings={"total": time.perf_counter() - started, **plan.timings},
    )


def take_restore_point(store: Store, actor: Actor, file_name: str) -> restore_points.RestorePoint | None:
    """The restore point every import is preceded by; the import is refused when it cannot be made."""
    try:
        return restore_points.create(
            store, actor.name, f"import {file_name}", import_limits().restore_points_kept
        )
    except StoreError as exc:
        raise MetricsError("restore_point_failed", reason=exc.params.get("reason", exc.code)) from exc


def import_file(
    store: Store,
    actor: Actor,
    path: str | os.PathLike,
    options: ImportOptions,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportPlan | ImportResult:
    """Read a file from disk and preview it (dry_run) or commit it.

    One connection is held throughout (read-write to commit), so the fast path's scratch table
    lives on the instance that checks and writes it (metrics.store.connection.Store.hold)."""
    actor = authorise(store, actor, "analyst")
    with store.hold(write=not dry_run):
        source = read_file(path, options, progress=progress, store=store)
        try:
            if dry_run:
                return preview(store, actor, source, options, progress)
            return commit(store, actor, source, options, progress)
        finally:
            source.release()


def add_alias(store: Store, actor: Actor, alias: str, iso3: str) -> bool:
    """Keep an analyst-confirmed alias; False when the name already means that country.

    The matcher checks it first: a name whose key already names another country is refused
    (`country_alias_conflict`), as are an empty name and an unknown code (`country_not_found`).
    """
    actor = authorise(store, actor, "analyst")
    name = unicodedata.normalize("NFC", alias or "").strip()
    code = (iso3 or "").strip().upper()
    with store.reader() as cur:
        ref = store_imports.reference(cur)
    resolver = resolver_from(ref)
    if not name:
        raise MetricsError("country_alias_empty", iso3=code, alias=alias)
    resolver.row(code)  # country_not_found for an unknown code
    if resolver.resolve(name) == code:
        return False
    resolver.add_alias(code, name)  # country_alias_conflict when the name means another country
    store_imports.insert_alias(store, actor, name, code)
    return True
