"""A data-pack sheet as a list of columns: each a header and how to read its value from a row.

Numbers stay numbers (the raw value is the cell's value, its text as Python writes it); a column
may return a whole `Cell` instead (a status to colour, a link)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from metrics.reports.cells import missing
from metrics.reports.model import Cell, Table, nfc

if TYPE_CHECKING:
    from metrics.reports.context import ReportContext

Row = TypeVar("Row")


def datum(value: Any, num_format: str = "", url: str = "") -> Cell:
    """A data-pack cell: the raw value first (numbers stay numbers), its text as written.

    Tens of thousands of these make the data pack, so they are built without pydantic's
    validation; what the validator would do (NFC, plain Python scalars) is done here. A cell of a
    text, a whole number or nothing is made once and shared (cells are frozen): the "data" sheet's
    33,000 cells repeat a few hundred such values (the index, the countries, the files, the
    versions), and making each again was most of the data pack's time. Floats are not shared
    (0.0 and -0.0 are equal keys with different texts)."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return _shared(kind.__name__, value, num_format, url)
    return _datum(value, num_format, url)


@functools.lru_cache(maxsize=16384)
def _shared(kind: str, value: str | int | None, num_format: str, url: str) -> Cell:
    """datum of a str, an int or None; `kind` keeps 1 and True apart (equal keys otherwise)."""
    return _datum(value, num_format, url)


def _datum(value: Any, num_format: str, url: str) -> Cell:
    if missing(value):
        value = None
    elif isinstance(value, str):
        value = nfc(value)
    elif hasattr(value, "item") and not isinstance(value, bool | int | float):
        value = value.item()  # a numpy scalar from pandas
    text = "" if value is None else str(value)
    return Cell.model_construct(text=text, value=value, status=None, url=nfc(url), num_format=num_format)


def link(url: str | None) -> Cell:
    """A source column: the URL as the value and as the link (blank when there is none)."""
    return datum(url or None, url=url or "")


@dataclass(frozen=True)
class Col(Generic[Row]):
    """One column: `report.col.<key>` is its header unless `header` is given (a catalog key, or
    the text itself when it is a function of the context); `get` reads the row's value."""

    key: str
    get: Callable[[Row], Any]
    num_format: str = ""
    header: str | Callable[[ReportContext], str] = ""

    def title(self, ctx: ReportContext) -> str:
        if callable(self.header):
            return self.header(ctx)
        if self.header:
            return ctx.t(self.header)
        return ctx.t(f"report.col.{self.key}", group=ctx.group)

    def cell(self, row: Row) -> Cell:
        value = self.get(row)
        return value if isinstance(value, Cell) else datum(value, self.num_format)


def sheet(
    ctx: ReportContext, key: str, columns: Sequence[Col[Row]], rows: Iterable[Row], note: str = ""
) -> Table:
    """The sheet `key` (its name and title are `report.xlsx.<key>`), one line per row."""
    return Table(
        table_id=f"pack_{key}",
        title=ctx.t(f"report.xlsx.{key}"),
        sheet=ctx.t(f"report.xlsx.{key}"),
        columns=[c.title(ctx) for c in columns],
        rows=[[c.cell(r) for c in columns] for r in rows],
        note=note,
    )
