"""The report as data: what a meeting report says, independent of the file format.

`metrics.reports.build` fills a `ReportModel` from the engine's results, each section by the builder
registered under its `SectionId` (metrics.reports.sections): one language, every sentence already
translated, every number both as a raw value and as the text shown. The writers
(`pptx`, `pdf`, `xlsx`) lay it out and never compute a number themselves, so the three formats
cannot disagree. Pure: pydantic only, no DuckDB, Streamlit or plotly.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, field_validator

from metrics.safe_text import plain

# Each id has its builder in metrics/reports/sections/<id>.py, registered with @section("<id>"),
# and its name report.section.<id> in both catalogs (tests/test_reports_registry.py).
SectionId = Literal[
    "strategy_headline",
    "strategy_scorecard",
    "strategy_ranks",
    "strategy_agencies",
    "closing_review",
    "headline",
    "scorecard",
    "trajectory",
    "opinions",
    "asean",
    "pillars",
    "counted",
    "changes",
    "appendix",
]
# The committee's summing-up of the strategy the one in force replaced: a report type of its own.
CLOSING_SECTION_IDS: tuple[str, ...] = ("closing_review",)
# Menu order, which is also the order of the report: the strategy in force leads.
SECTION_IDS: tuple[str, ...] = tuple(s for s in get_args(SectionId) if s not in CLOSING_SECTION_IDS)
ReportKind = Literal["meeting", "closing_review"]
Format = Literal["pptx", "pdf", "xlsx"]
FORMATS: tuple[str, ...] = ("pptx", "pdf", "xlsx")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def nfc(value: Any) -> Any:
    """Vietnamese arrives precomposed or decomposed; the report holds one form (NFC) everywhere,
    without bidi controls or invisible characters (metrics.safe_text.plain)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", plain(value))
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, tuple):
        return tuple(nfc(v) for v in value)
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _nfc(cls, value: Any) -> Any:
        return nfc(value)


class Source(_Model):
    """Where numbers come from: one edition of one index (or a progress record, or the decision)."""

    index_id: str
    label: str  # "Oxford Insights, GAIRI 2025"
    edition_year: int | None = None
    url: str = ""
    version_id: int | None = None
    file_name: str = ""
    sha256: str = ""


class Cell(_Model):
    """One table cell: the text shown, and the raw value behind it (a number stays a number in XLSX)."""

    text: str
    value: float | int | str | bool | None = None
    status: str | None = None  # a status class: writers colour the cell
    url: str = ""
    num_format: str = ""  # Excel number format for the raw value, e.g. "0.00"


class Table(_Model):
    table_id: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    widths: list[float] = []  # relative column widths; empty = equal
    note: str = ""
    sheet: str = ""  # XLSX sheet name when the table is part of the data pack

    @field_validator("rows")
    @classmethod
    def _rectangular(cls, rows: list[list[Cell]], info) -> list[list[Cell]]:
        n = len(info.data.get("columns", []))
        for i, row in enumerate(rows):
            if len(row) != n:
                raise ValueError(f"row {i} has {len(row)} cells, the table has {n} columns")
        return rows


SeriesRole = Literal["country", "peer", "threshold", "projection", "band", "target"]


class Series(_Model):
    name: str
    values: list[float | None]
    role: SeriesRole = "country"
    colour: str = ""  # RGB hex; empty = the role's colour
    dashed: bool = False


ChartKind = Literal["line", "bar", "barh"]


class Chart(_Model):
    """A chart as data. PPTX draws it natively (editable), PDF renders it as an image,
    and when an image cannot be rendered the PDF shows `table` instead (same numbers)."""

    chart_id: str
    title: str
    kind: ChartKind
    categories: list[str]
    series: list[Series]
    y_title: str = ""
    y_reversed: bool = False  # ranks: 1 at the top
    number_format: str = "0.0"
    highlight: str = ""  # category drawn in the accent colour (Viet Nam in a bar chart)
    colour_by_sign: bool = False  # bars: green at or above zero, red below (gaps)
    note: str = ""
    table: Table

    @field_validator("series")
    @classmethod
    def _aligned(cls, series: list[Series], info) -> list[Series]:
        n = len(info.data.get("categories", []))
        for s in series:
            if len(s.values) != n:
                raise ValueError(f"series {s.name!r} has {len(s.values)} values for {n} categories")
        return series


class Bullet(_Model):
    text: str
    status: str | None = None  # a status class: writers draw a coloured label with `status_label`
    status_label: str = ""
    detail: str = ""  # a second, smaller line (the source or how it was measured)
    group: str = ""  # bullets of one group stay together (slides put two groups side by side)


class Section(_Model):
    section_id: SectionId
    title: str
    lead: str = ""  # the answer, in one sentence
    bullets: list[Bullet] = []
    charts: list[Chart] = []
    tables: list[Table] = []
    notes: str = ""  # speaker notes: the sources of the slide
    sources: list[Source] = []


class ReportModel(_Model):
    lang: Literal["vi", "en"]
    title: str
    subtitle: str
    meeting_date: dt.date
    meeting_line: str  # "Meeting of 15/01/2026"
    as_of_line: str  # "Data as of GAIRI 2025 (published ...)"
    index_id: str
    as_of_edition: int
    group_id: str
    data_version: int
    footer: str
    labels: dict[str, str]  # words the writers need: page, continued, chart_fallback, contents
    sections: list[Section]
    data_pack: list[Table] = []  # XLSX sheets beyond the sections' tables
    sources: list[Source] = []

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.section_id == section_id), None)


class ReportOptions(_Model):
    """What the user picks: the cache key of a generated report together with the data version."""

    lang: Literal["vi", "en"] = "vi"
    kind: ReportKind = "meeting"  # "closing_review": the sections are CLOSING_SECTION_IDS
    as_of: int | None = None  # edition of the yardstick; None = the latest
    group_id: str = "ASEAN"
    sections: tuple[str, ...] = SECTION_IDS
    meeting_date: dt.date | None = None  # None = today

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, sections: tuple[str, ...]) -> tuple[str, ...]:
        known = SECTION_IDS + CLOSING_SECTION_IDS
        unknown = [s for s in sections if s not in known]
        if unknown:
            raise ValueError(f"unknown sections {unknown}; expected some of {list(SECTION_IDS)}")
        # Always in report order, without repeats, whatever order the user typed.
        return tuple(s for s in known if s in sections)

    @property
    def chosen_sections(self) -> tuple[str, ...]:
        return CLOSING_SECTION_IDS if self.kind == "closing_review" else self.sections
