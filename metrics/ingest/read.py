"""Step 2, read: a file's bytes (or a path) into a SourceFile of tidy rows, with no database.

In: the bytes (or the path of a file on the server's disk), the file name and ImportOptions, and
optionally the Store the file will be imported into (its stored measure aliases; the fast path's
scratch table on its own instance). Out: a SourceFile (metrics.ingest.source): the rows in the
stage's columns (STAGE_COLUMNS), the header of each role, the read's own cell problems, the
SHA-256, and the edition the file name or headers name.

Detect (metrics.ingest.detect) picks the reader: publisher workbooks go to
metrics.ingest.workbook (layout found by content), analyst files to metrics.ingest.readers, and a
large plain tidy CSV to metrics.ingest.fast_csv (DuckDB), which hands back to the analyst reader
when it cannot read the file with the same rules.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metrics.errors import MetricsError, ValidationFailed
from metrics.ingest import detect, readers, upload_guard
from metrics.ingest.fast_csv import digest_and_line_count, line_count, read_fast_csv
from metrics.ingest.reference import warm_reference
from metrics.ingest.source import ImportOptions, Progress, SourceFile, no_progress
from metrics.store.connection import Store

if TYPE_CHECKING:  # the frames of the pandas readers; a tidy CSV read by DuckDB loads no pandas
    import pandas as pd

    from metrics.ingest.workbook import Layout

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


def read_source(
    data: bytes,
    file_name: str,
    options: ImportOptions | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    store: Store | None = None,
    fast_path: bool = True,
) -> SourceFile:
    """Read a file into tidy rows with the reader its content calls for (no database).

    Given the `store` it will be imported into, a large tidy CSV on disk is parsed on the store's
    own DuckDB instance (a scratch table; the caller calls `source.release()` when done).
    fast_path=False skips that DuckDB path (read_file has tried it and been told no)."""
    options = with_stored_aliases(store, options or ImportOptions())
    progress = progress or no_progress
    progress(0.05, "reading")
    started = time.perf_counter()
    file_name = Path(file_name).name
    # Size, type by content and zip bombs, before any parser (a file from the server's disk: no size cap).
    upload_guard.check_upload(
        data, file_name, max_bytes=None if path is not None else upload_guard.MAX_UPLOAD_BYTES
    )
    reader = detect.first_reader(file_name, data, len(data), options)
    source = None
    # The SHA-256 is computed on a second thread while the file is parsed (hashlib releases the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        # then the line count the fast path checks its records against (a BOM holds no newline)
        newlines = pool.submit(line_count, data)
        if store is not None:
            # The reference data and the country matcher, on the same thread, for this data version.
            pool.submit(warm_reference, store)
        if reader == "publisher":
            source = _read_workbook(data, file_name, options)
        else:
            if fast_path and reader == "tidy_csv":
                source = read_fast_csv(data, file_name, path, store, newlines, len(data))
            if source is None:
                source = _from_analyst(data, file_name, options)
        source.sha256 = digest.result()
    return _finish_read(source, file_name, started, progress)


def read_file(
    path: str | os.PathLike[str],
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
    if not detect.streams_from_disk(file_name, head, size, options):
        return read_source(path.read_bytes(), file_name, options, path=path, progress=progress, store=store)
    progress = progress or no_progress
    progress(0.05, "reading")
    started = time.perf_counter()
    upload_guard.check_text_head(head, size, file_name, max_bytes=None)
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanned = pool.submit(digest_and_line_count, path)
        newlines: Future[int] = pool.submit(lambda: scanned.result().lines)
        if store is not None:
            pool.submit(warm_reference, store)
        source = read_fast_csv(head, file_name, path, store, newlines, size)
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
        source.sha256 = scanned.result().sha256
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
        hint = detect.year_in(file_name)
        if hint is not None:
            source.edition_hint, source.edition_hint_from = hint, "file_name"
    source.timings["read"] = time.perf_counter() - started
    progress(0.3, "read")
    return source


def _plain_lists(exc: MetricsError) -> MetricsError:
    """Lists in an error's params (sheets, candidates) as plain text for the message."""
    exc.params = {
        k: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in exc.params.items()
    }
    return exc


def _read_workbook(data: bytes, file_name: str, options: ImportOptions) -> SourceFile:
    try:
        return _read_workbook_as(data, file_name, options)
    except ValidationFailed:
        raise
    except MetricsError as exc:
        raise _plain_lists(exc) from None


def _read_workbook_as(data: bytes, file_name: str, options: ImportOptions) -> SourceFile:
    """A publisher's workbook, unless its layout (or the options) say it is an analyst's table."""
    from metrics.ingest.workbook import read_workbook  # loaded for a workbook only (with pandas)

    if detect.analyst_workbook(options):
        return _from_analyst(data, file_name, options)
    try:
        frame, layout = read_workbook(data, options.sheet, options.index_id)
    except ValidationFailed:
        if options.layout == "publisher" or not detect.is_analyst_layout(data, options):
            raise
        return _from_analyst(data, file_name, options)
    except MetricsError as exc:
        if options.layout == "publisher" or exc.code not in ("layout_not_found", "total_row_not_found"):
            raise
        return _from_analyst(data, file_name, options)
    if options.layout == "auto" and detect.looks_like_analyst_table(layout):
        return _from_analyst(data, file_name, options)
    return _from_publisher(frame, layout, file_name, len(data))


def _from_publisher(frame: pd.DataFrame, layout: Layout, file_name: str, size: int) -> SourceFile:
    description = layout.describe()
    columns = {
        role: (layout.column(role) or {}).get("header") for role in ("country", "iso_code", "total", "rank")
    }
    columns["value"] = columns.pop("total")
    measure_columns = {mid: m["header"] for mid, m in layout.measures.items()}
    if columns["value"]:
        measure_columns["total"] = columns["value"]
    texts = [t.sheet for t in layout.tables] + [h for t in layout.tables for h in t.headers.values()]
    hint = detect.year_in(*texts)
    import pandas as pd

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
        sha256="",
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


def _from_analyst(data: bytes, file_name: str, options: ImportOptions) -> SourceFile:
    # Row problems come back with the clean rows, so they are reported together with the import's
    # own checks (unknown countries, scale...): the analyst sees every problem in one pass.
    frame, info = readers.read_analyst_file(
        data, file_name, options.sheet, collect_problems=True, column_map=options.column_map
    )
    cols: dict[str, Any] = info.get("columns", {})
    columns = {role: cols.get(role) for role in ("country", "iso_code", "year", "measure", "value", "rank")}
    measure_columns: dict[str, str] = {}
    if info.get("wide_by") == "measure":
        for header, measure in info.get("measure_of_column", {}).items():
            measure_columns[measure] = header
    elif cols.get("value"):
        for text in frame["measure_id"].unique():
            measure_columns[str(text)] = cols["value"]
    import pandas as pd

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
        sha256="",
        size=len(data),
        reader="analyst",
        mapping=info,
        columns=columns,
        measure_columns=measure_columns,
        years=years,
        frame=stage,
        problems=list(info.get("problems", [])),
    )
