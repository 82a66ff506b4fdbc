"""What an import is told (ImportOptions: the analyst's CLI flags or Import page fields) and what a
read gives (SourceFile: tidy rows, no database yet), shared by the readers and the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from metrics.errors import Problem
from metrics.store import imports as store_imports
from metrics.store.connection import Store

Layout = Literal["auto", "publisher", "tidy"]


@dataclass
class ImportOptions:
    """What the analyst says about the file (CLI flags or the Import page's fields)."""

    index_id: str | None = None
    edition_year: int | None = None
    source_url: str = ""
    licence: str = ""
    sheet: str | None = None
    name: str | None = None  # a new dataset's name (English; name_vi defaults to it)
    name_vi: str | None = None
    unit: str | None = None
    publisher: str = ""
    scale_min: float | None = None
    scale_max: float | None = None
    layout: Layout = "auto"
    # The analyst's choices in the preview: header (or measure name) as written -> measure id,
    # or IGNORE; kept as aliases of the index when the import is confirmed.
    column_map: dict[str, str] = field(default_factory=dict)
    # The analyst confirmed an edition whose countries mostly have no total (never the default
    # "latest" edition of a page or report).
    allow_no_headline: bool = False


@dataclass
class SourceFile:
    """A file read into tidy rows (no database yet)."""

    file_name: str
    sha256: str
    size: int
    reader: str  # "publisher", "analyst" or "tidy_csv"
    mapping: dict[str, Any]
    columns: dict[str, str | None]  # role -> header as written (for problem messages)
    measure_columns: dict[str, str]  # measure as written -> the header its values came from
    years: list[int]  # edition years found in the file (empty when it has none)
    edition_hint: int | None = None
    edition_hint_from: str | None = None
    frame: pd.DataFrame | None = None
    arrow: Any = None
    # The fast path run on the store's own instance: the SELECT of the tidy rows from its scratch
    # table (metrics.store.imports.read_tidy_csv), the rows kept, and (store, table) to drop.
    relation: str | None = None
    relation_columns: list[str] = field(default_factory=list)
    # The read's own grouping-sets scan (distinct names, measure texts, years) when it made one.
    distinct: list[tuple] | None = None
    kept: int = 0
    scratch: tuple[Store, str] | None = None
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        if self.relation is not None:
            return self.kept
        if self.arrow is not None:
            return int(self.arrow.num_rows)
        return 0 if self.frame is None else len(self.frame)

    def release(self) -> None:
        """Drop the scratch table of a fast-path read on the store (no-op otherwise)."""
        if self.scratch is not None:
            store, table = self.scratch
            self.scratch, self.relation = None, None
            with store.reader() as cur:
                store_imports.drop_scratch(cur, table)
