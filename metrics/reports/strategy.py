"""What the report sections of the strategy in force share (metrics.reports.sections.strategy_*
and closing_review): the strategy's rows loaded once, its cells and its tables.

The strategy is the one in force on the meeting date (metrics.committee.in_force_on); every row
comes from metrics.committee (the strategy services), so the report and the pages agree.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from metrics import committee, i18n
from metrics.committee import ScoreRow, StrategyChoice
from metrics.present import format as fmt
from metrics.present import phrases, vocabulary
from metrics.reports import registry
from metrics.reports.model import Cell, Section, SectionId, Source, Table
from metrics.store import Store
from metrics.store import queries as q

if TYPE_CHECKING:
    from metrics.reports.context import ReportContext

# A column of a strategy table: the cell of one scorecard row.
RowCell = Callable[[ScoreRow], Cell]


class StrategyData:
    """What the sections read, loaded once per report (ReportContext.strategy_data)."""

    def __init__(self, store: Store, lang: str, today: dt.date) -> None:
        self.lang = lang
        self.choices = committee.strategies(store)
        self.strategy: StrategyChoice | None = committee.in_force_on(self.choices, today)
        sid = self.strategy.strategy_id if self.strategy else None
        self.rows: list[ScoreRow] = committee.scorecard(store, sid, today=today) if sid else []
        self.names = committee.agency_names(store)
        self.group_names = phrases.names_of(q.peer_group_rows(store), "group_id", "name", lang)
        self.latest = committee.latest_dates(committee.evidence(store))
        # the strategy the one in force replaced: the subject of a closing review
        self.closed: StrategyChoice | None = next(
            (s for s in self.choices if sid and s.superseded_by == sid), None
        )
        self._store, self._today = store, today

    @functools.cached_property
    def closed_rows(self) -> list[ScoreRow]:
        if self.closed is None:
            return []
        return committee.scorecard(self._store, self.closed.strategy_id, today=self._today)

    def t(self, key: str, **params: Any) -> str:
        return i18n.t(key, self.lang, **params)

    def words(self, *keys: str) -> list[str]:
        """Catalog texts of `keys`, in order (a table's column headers)."""
        return [self.t(k) for k in keys]

    def word(self, status: str) -> str:
        return self.t(f"status.{status}")

    def decision(self, s: StrategyChoice | None = None) -> str:
        s = s or self.strategy
        return s.decision_name(self.lang) if s else "–"

    def source(self, s: StrategyChoice | None = None) -> Source:
        s = s or self.strategy
        return Source(
            index_id=s.strategy_id if s else "STRATEGY", label=self.decision(s), url=s.source_url if s else ""
        )

    def status_cell(self, status: str) -> Cell:
        # "superseded" is a verdict, not an engine class: no colour of its own
        return Cell(text=self.word(status), value=self.word(status), status=self.colour_of(status))

    @staticmethod
    def colour_of(status: str) -> str | None:
        """The status class a writer colours, or None for a verdict such as "superseded"."""
        return status if status in vocabulary.STATUS else None

    def evidence_sources(self, rows: list[ScoreRow]) -> list[Source]:
        """The evidence behind the figures of the targets that are not ranks (their own links)."""
        urls = sorted(
            {r.source_url for r in rows if r.kind != "rank" and r.source_url and r.value is not None}
        )
        return [Source(index_id="EVIDENCE", label=self.t("report.progress_source"), url=u) for u in urls]

    def goal_cell(self, r: ScoreRow) -> Cell:
        return Cell(text=f"{self.goal(r)} ({r.horizon_year})", value=r.target_value)

    def goal(self, r: ScoreRow) -> str:
        return committee.goal_text(r, self.lang, self.group_names)

    def row_cells(self) -> dict[str, RowCell]:
        """The cells of a scorecard row, by column (`committee.col_<key>` is its header)."""
        return {
            "no": lambda r: Cell(text=r.indicator_no or "–", value=r.indicator_no or ""),
            "status_word": lambda r: self.status_cell(r.status),
            "indicator": lambda r: Cell(text=r.text(self.lang), value=r.text(self.lang), url=r.source_url),
            "latest": lambda r: Cell(text=committee.value_text(r, self.lang), value=r.value),
            "date": lambda r: Cell(text=self.as_of_text(r), value=self.as_of_text(r)),
            "target": self.goal_cell,
            "agency": lambda r: Cell(
                text=r.agency(self.lang) or self.t("committee.no_agency"), value=r.lead_agency
            ),
            "evidence": lambda r: Cell(text=str(r.evidence_count), value=r.evidence_count, num_format="0"),
        }

    def as_of_text(self, r: ScoreRow) -> str:
        """When a row's figure was measured: the record's date, or the yardstick's edition."""
        measured = r.measured_on if r.kind != "rank" else None
        if measured:
            return fmt.date(measured, self.lang)
        return str(r.yardstick_edition) if r.yardstick_edition else "–"

    def rows_table(
        self,
        rows: Sequence[ScoreRow],
        keys: Sequence[str],
        extra: dict[str, RowCell] | None = None,
        **fields: Any,
    ) -> Table:
        """A table of scorecard rows with the columns `keys` (headers `committee.col_<key>`); `extra`
        adds or replaces the cells of some columns."""
        cells = {**self.row_cells(), **(extra or {})}
        return Table(
            columns=self.words(*(f"committee.col_{k}" for k in keys)),
            rows=[[cells[k](r) for k in keys] for r in rows],
            **fields,
        )


def strategy_section(
    section_id: SectionId,
) -> Callable[[Callable[[ReportContext, StrategyData], Section]], registry.SectionBuilder]:
    """Register a section of the strategy in force; without a strategy in force on the meeting
    date, the section says so instead of calling the builder."""

    def register(build: Callable[[ReportContext, StrategyData], Section]) -> registry.SectionBuilder:
        @functools.wraps(build)
        def builder(ctx: ReportContext) -> Section:
            d = ctx.strategy_data
            if d.strategy is None:
                title, lead = d.t("report.strategy.none_title"), d.t("report.strategy.none")
                return ctx.section(section_id, title, [], lead=lead)
            return build(ctx, d)

        return registry.section(section_id)(builder)

    return register
