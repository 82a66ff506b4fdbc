"""The committee's summing-up of the strategy the one in force replaced: its targets achieved,
missed, superseded (with their successors) and the others. A report type of its own."""

from __future__ import annotations

from metrics import committee
from metrics.committee import ScoreRow
from metrics.present import format as fmt
from metrics.reports.context import ReportContext
from metrics.reports.model import Cell, Section, Table
from metrics.reports.registry import section
from metrics.reports.strategy import StrategyData

COLUMNS = ("status_word", "indicator", "target", "latest", "successor")
OUTCOMES = ("achieved", "missed", committee.SUPERSEDED, "other")


@section("closing_review")
def build(ctx: ReportContext) -> Section:
    d = ctx.strategy_data
    old = d.closed
    if old is None:
        return ctx.section(
            "closing_review", d.t("report.closing.title_none"), [], lead=d.t("report.closing.none")
        )
    review = committee.closing_review(d.closed_rows)
    successors = {r.target_id: r for r in d.rows}
    tables = [_outcome_table(d, key, review[key], successors) for key in OUTCOMES if review[key]]
    lead = d.t(
        "committee.closing_headline",
        decision=d.decision(old),
        date=fmt.date(old.superseded_on, d.lang),
        total=len(d.closed_rows),
        achieved=len(review["achieved"]),
        missed=len(review["missed"]),
        superseded=len(review[committee.SUPERSEDED]),
        other=len(review["other"]),
    )
    return ctx.section(
        "closing_review",
        d.t("report.closing.title", decision=d.decision(old)),
        [d.source(old), d.source()],
        lead=lead,
        tables=tables,
    )


def _outcome_table(d: StrategyData, key: str, rows: list[ScoreRow], successors: dict[str, ScoreRow]) -> Table:
    def successor(r: ScoreRow) -> Cell:
        text = _successor(d, key, successors.get(r.succeeded_by or ""))
        return Cell(text=text, value=r.succeeded_by or "")

    return d.rows_table(
        rows,
        COLUMNS,
        extra={"successor": successor},
        table_id=f"closing_{key}",
        title=d.t(f"committee.closing_{key}", n=len(rows)),
        widths=[1.2, 4.0, 1.8, 1.8, 4.0],
        sheet=d.t(f"report.closing.sheet_{key}"),
    )


def _successor(d: StrategyData, key: str, nxt: ScoreRow | None) -> str:
    """The target of the strategy in force that took a closed target's place, in words."""
    if nxt is not None:
        return d.t(
            "committee.successor_text",
            no=nxt.indicator_no or nxt.target_id,
            decision=d.decision(),
            text=nxt.text(d.lang),
        )
    return d.t("committee.no_successor") if key == committee.SUPERSEDED else "–"
