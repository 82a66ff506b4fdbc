"""Analyst import: the sequence, and the services the Import page and the CLI call.

    source = read_source(data, "gairi_2026.xlsx", options)   # detect + read: no database
    plan = preview(store, actor, source, options)            # stage, plan, validate, compare
    result = commit(store, actor, source, options)           # the same again, then the writes,
                                                             # in ONE transaction (all or nothing)

Each step is its own module, named after it, whose docstring says what comes in and what goes out:

1. detect (metrics.ingest.detect): which reader the file calls for, by name, content and options;
2. read (metrics.ingest.read): the file as a SourceFile of tidy rows, with its cell problems:
   publisher workbooks (metrics.ingest.workbook), analyst tables (metrics.ingest.readers), large
   plain tidy CSVs parsed by DuckDB (metrics.ingest.fast_csv); every reader applies the one cell
   rule set of metrics.ingest.cells (missing markers, numbers, ranks, years);
3. stage (metrics.ingest.stage): the rows on the import's cursor, each distinct country name
   matched once (metrics.ingest.countries), measures mapped (metrics.ingest.mapping), each edition
   counted (metrics.ingest.figures), against the index and reference data of
   metrics.ingest.reference;
4. plan (metrics.ingest.plan): per edition, its framework, series and scale, the version action
   (new, replace, restore, unchanged: metrics.ingest.versions), and the rows to create;
5. validate (metrics.ingest.validate): the SQL checks of metrics.ingest.checks that can find
   something; every problem is collected before anything is written;
6. commit (metrics.ingest.commit): a restore point, then steps 3-5 again in the write
   transaction, then metrics.store.imports.write_import.

metrics.ingest.analyse runs steps 3-5 and the diff against each current version on one cursor;
metrics.ingest.results holds what comes back (ImportPlan, EditionPlan, ImportResult).
"""

from __future__ import annotations

import os
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from metrics.auth import Actor
from metrics.errors import MetricsError
from metrics.ingest.analyse import analyse
from metrics.ingest.commit import commit, take_restore_point
from metrics.ingest.read import read_file, read_source
from metrics.ingest.reference import resolver_from
from metrics.ingest.results import EditionPlan, ImportPlan, ImportResult
from metrics.ingest.source import ImportOptions, Progress, SourceFile, no_progress
from metrics.store import imports as store_imports
from metrics.store.connection import Store
from metrics.store.users import authorise

__all__ = [
    "EditionPlan",
    "ImportOptions",
    "ImportPlan",
    "ImportResult",
    "SourceFile",
    "add_alias",
    "commit",
    "import_file",
    "preview",
    "read_file",
    "read_source",
]


def preview(
    store: Store, actor: Actor, source: SourceFile, options: ImportOptions, progress: Progress | None = None
) -> ImportPlan:
    """Stage and check on a reader cursor: the plan, its problems and warnings; nothing is written."""
    authorise(store, actor, "analyst")
    progress = progress or no_progress
    with store.reader() as cur:
        analysis = analyse(cur, source, options, progress, store)
    progress(1.0, "previewed")
    return analysis.plan


def import_file(
    store: Store,
    actor: Actor,
    path: str | os.PathLike[str],
    options: ImportOptions,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportPlan | ImportResult:
    """Read a file from disk and preview it (dry_run) or commit it.

    One connection is held throughout (read-write to commit), so the fast path's scratch table
    lives on the instance that checks and writes it (metrics.store.connection.Store.hold). To
    commit, the restore point is taken on a second thread while the file is read: both are mostly
    DuckDB's work, which leaves the GIL, and nothing writes to the file before the commit waits
    for it (an unchanged or refused import reuses it next time: same data version)."""
    actor = authorise(store, actor, "analyst")
    with store.hold(write=not dry_run), ThreadPoolExecutor(max_workers=1) as pool:
        point = None if dry_run else pool.submit(take_restore_point, store, actor, Path(path).name)
        source = read_file(path, options, progress=progress, store=store)
        try:
            if dry_run:
                return preview(store, actor, source, options, progress)
            return commit(store, actor, source, options, progress, restore_point=point)
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
