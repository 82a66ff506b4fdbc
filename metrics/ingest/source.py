"""What an import is told (ImportOptions: the analyst's CLI flags or Import page fields) and what a
read gives (SourceFile: tidy rows, no database yet), shared by the readers and the pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from metrics.errors import Problem
from metrics.store import imports as store_imports
from metrics.store.connection import Store

if TYPE_CHECKING:  # a reader's frame; the DuckDB fast path hands over a relation instead
    import pandas as pd

Layout = Literal["auto", "publisher", "tidy"]


class Cursor(Protocol):
    """A store cursor as the import steps use it (a DuckDB connection of metrics.store.connection:
    one per unit of work, so the temporary relations a step leaves on it are the next step's)."""

    def execute(self, query: str, parameters: object = ..., /) -> Any: ...

    def register(self, view_name: str, python_object: object, /) -> Any: ...

    def unregister(self, view_name: str, /) -> Any: ...


# A step's progress report to the page or CLI: (fraction done, stage name).
Progress = Callable[[float, str], None]


def no_progress(fraction: float, stage: str) -> None:
    return None


@dataclass(frozen=True)
class Scratch:
    """A table of the store's in-memory scratch database holding a fast-path read's rows."""

    store: Store
    table: str

    def drop(self) -> None:
        with self.store.reader() as cur:
            store_imports.drop_scratch(cur, self.table)


@dataclass(frozen=True)
class DistinctKeys:
    """The distinct keys of a file's tidy rows: what the staging step matches once each."""

    years: tuple[int | None, ...]
    pairs: tuple[tuple[str, str], ...]  # (country as written, ISO code as written or '')
    measure_texts: tuple[str | None, ...]  # sorted, None last

    @classmethod
    def from_grouping_sets(cls, rows: Iterable[tuple[Any, ...]]) -> DistinctKeys:
        """From rows of (grouping(country, iso_code), grouping(measure_text), country, iso_code,
        measure_text, edition_year): GROUPING SETS ((country, iso_code), (measure_text),
        (edition_year)), as the staging step's query and the fast path's read return them."""
        years: list[int | None] = []
        pairs: list[tuple[str, str]] = []
        texts: list[str | None] = []
        for pair_grouped, measure_grouped, country, iso_code, measure_text, year in rows:
            if pair_grouped and measure_grouped:
                years.append(year)
            if not pair_grouped:
                pairs.append((country, iso_code))
            if not measure_grouped:
                texts.append(measure_text)
        return cls(tuple(years), tuple(pairs), tuple(sorted(texts, key=lambda t: (t is None, t))))


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
    # The read's own scan of the distinct names, measure texts and years, when it made one.
    distinct: DistinctKeys | None = None
    kept: int = 0
    scratch: Scratch | None = None
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
            scratch, self.scratch, self.relation = self.scratch, None, None
            scratch.drop()
