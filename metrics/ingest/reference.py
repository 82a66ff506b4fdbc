"""What an import is checked against: the database's reference data and the index it goes into.

In: a cursor (one snapshot), the Store it belongs to (for the cache), the ImportOptions. Out: an
`ImportContext`, read-only: the reference rows (countries, aliases, indices, editions, measures,
versions, measure aliases), the country matcher, and the index (its row, whether it is new, its
measures per framework, the scale the analyst gave). The rows and matcher are cached per store
and data version (every write bumps it), so a second import of one session builds neither again.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from metrics.errors import MetricsError
from metrics.ingest.countries import CountryResolver
from metrics.ingest.source import Cursor, ImportOptions
from metrics.store import imports as store_imports
from metrics.store.connection import Store

INDEX_ID = re.compile(r"[A-Z][A-Z0-9_]{1,31}")

Reference = store_imports.ImportReference


@dataclass(frozen=True)
class _Cached:
    data_version: int
    ref: Reference
    resolver: CountryResolver


# The reference data and country matcher of each open store, for one data version. Read-only once built.
_REFERENCE: weakref.WeakKeyDictionary[Store, _Cached] = weakref.WeakKeyDictionary()
_REFERENCE_LOCK = threading.Lock()


@dataclass(frozen=True)
class ImportContext:
    """The reference data, the matcher and the index an import goes into (read-only)."""

    ref: Reference
    resolver: CountryResolver
    index_id: str
    index_row: dict[str, Any] | None  # None for a new index
    index_measures: tuple[store_imports.Record, ...]  # the index's rows of measures (every framework)
    framework_measures: dict[str, set[str]]  # framework -> its measure ids
    scale: tuple[float, float] | None  # the scale the analyst gave (--scale-min/--scale-max)

    @property
    def index_is_new(self) -> bool:
        return self.index_row is None

    @property
    def created_by_import(self) -> bool:
        """A dataset an earlier import created: its framework and scale grow with the data."""
        return bool(self.index_row and self.index_row.get("created_by_import"))

    @property
    def higher_is_better(self) -> bool:
        return bool(self.index_row["higher_is_better"]) if self.index_row else True

    @property
    def known_measure_ids(self) -> set[str]:
        return {row["measure_id"] for row in self.index_measures}


def import_context(cur: Cursor, store: Store | None, options: ImportOptions) -> ImportContext:
    """The context of an import on `cur`; MetricsError for a missing, unknown or invalid index or
    an invalid scale."""
    ref, resolver = reference_as_seen(cur, store)
    index_id, index_row = _index(ref, options)
    index_measures = tuple(ref.of_index("measures", index_id))
    framework_measures: dict[str, set[str]] = {}
    for row in index_measures:
        framework_measures.setdefault(str(row["framework"]), set()).add(row["measure_id"])
    return ImportContext(
        ref=ref,
        resolver=resolver,
        index_id=index_id,
        index_row=index_row,
        index_measures=index_measures,
        framework_measures=framework_measures,
        scale=_given_scale(options),
    )


def _given_scale(options: ImportOptions) -> tuple[float, float] | None:
    lo, hi = options.scale_min, options.scale_max
    if lo is None and hi is None:
        return None
    if lo is None or hi is None or not lo < hi:
        raise MetricsError("scale_invalid", min=lo, max=hi)
    return float(lo), float(hi)


def _index(ref: Reference, options: ImportOptions) -> tuple[str, dict[str, Any] | None]:
    """(index id, its row or None when new). Raises for a missing/unknown/invalid index."""
    index_id = (options.index_id or "").strip()
    if not index_id:
        raise MetricsError("index_required", known=", ".join(row["index_id"] for row in ref.indices))
    known = {row["index_id"]: row for row in ref.indices}
    if index_id in known:
        return index_id, dict(known[index_id])
    if not INDEX_ID.fullmatch(index_id):
        raise MetricsError("index_id_invalid", index_id=index_id)
    if not options.name:
        raise MetricsError(
            "dataset_fields_required", index_id=index_id, missing="--name, --unit, --source-url"
        )
    missing = [flag for flag, v in (("--unit", options.unit), ("--source-url", options.source_url)) if not v]
    if missing:
        raise MetricsError("dataset_fields_required", index_id=index_id, missing=", ".join(missing))
    return index_id, None


def reference_as_seen(cur: Cursor, store: Store | None) -> tuple[Reference, CountryResolver]:
    """The reference data and matcher as `cur` sees them: built, or reused when `store`'s cached
    copy has the data version `cur` sees (read on `cur`, so in its snapshot)."""
    if store is None:
        ref = store_imports.reference(cur)
        return ref, resolver_from(ref)
    rows = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    version = int(rows[0][0]) if rows else 0
    with _REFERENCE_LOCK:
        cached = _REFERENCE.get(store)
    if cached is not None and cached.data_version == version:
        return cached.ref, cached.resolver
    ref = store_imports.reference(cur)
    resolver = resolver_from(ref)
    with _REFERENCE_LOCK:
        _REFERENCE[store] = _Cached(version, ref, resolver)
    return ref, resolver


def is_cached(store: Store) -> bool:
    """Whether `store` has cached reference data (for tests of the cache)."""
    with _REFERENCE_LOCK:
        return store in _REFERENCE


def warm_reference(store: Store) -> None:
    """Build the cached reference data of `store` (one snapshot), e.g. while a file is parsed."""
    with store.reader() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            reference_as_seen(cur, store)
        finally:
            cur.execute("COMMIT")


def resolver_from(ref: Reference) -> CountryResolver:
    """The country matcher over the database's countries and aliases (seeded and analyst-confirmed)."""
    extra: dict[str, list[str]] = {}
    for row in ref.aliases:
        extra.setdefault(row["iso3"], []).append(row["alias"])
    return CountryResolver(ref.countries, extra)
