"""Every target in one table: goal, where it stands, the gap, the trend and the status."""

from __future__ import annotations

from metrics.present import format as fmt
from metrics.present import vocabulary
from metrics.reports.context import ReportContext
from metrics.reports.model import Cell, Section, Table
from metrics.reports.registry import section


def _scorecard_rows(ctx: ReportContext) -> list[list[Cell]]:
    rows = []
    for a in ctx.rank_assessments + ctx.count_assessments:
        if a.kind == "rank":
            now = (
                Cell(
                    text=ctx.t("report.scorecard.rank_now", rank=a.current_rank, of=a.of),
                    value=a.current_rank,
                )
                if a.current_rank is not None
                else Cell(text="–")
            )
            measured = f"{a.yardstick_index} {a.as_of_edition}" if a.as_of_edition else "–"
        else:
            now = (
                Cell(text=ctx.num(a.current_count, 0), value=a.current_count, num_format="0")
                if a.current_count is not None
                else Cell(text="–")
            )
            measured = (
                ctx.t("report.scorecard.record", date=fmt.date(a.measured_on, ctx.lang))
                if a.measured_on
                else "–"
            )
        rows.append(
            [
                Cell(text=ctx.text_of(a), value=ctx.text_of(a)),
                Cell(text=str(a.horizon_year), value=a.horizon_year, num_format="0"),
                Cell(text=ctx.goal(a), value=ctx.goal(a)),
                now,
                Cell(text=ctx.signed(a.gap), value=a.gap, num_format="0.00"),
                Cell(text=ctx.t(f"report.trend.{a.trend}"), value=ctx.t(f"report.trend.{a.trend}")),
                ctx.status_cell(a.status),
                Cell(text=measured, value=measured, url=a.source_url),
            ]
        )
    return rows


@section("scorecard")
def build(ctx: ReportContext) -> Section:
    columns = [
        ctx.t(f"report.col.{c}")
        for c in ("target", "by", "goal", "now", "gap", "trend", "status", "measured_by")
    ]
    table = Table(
        table_id="scorecard",
        title="",
        columns=columns,
        rows=_scorecard_rows(ctx),
        widths=[3.4, 0.7, 1.5, 0.9, 1.0, 1.2, 1.3, 1.2],
    )
    ranks = vocabulary.count_statuses(ctx.rank_assessments)
    counted = vocabulary.count_statuses(ctx.count_assessments)
    lead = ctx.t(
        "report.scorecard.lead",
        done=ranks.good,
        rank_total=ranks.total,
        counted_none=counted.total - counted.with_data,
        counted_total=counted.total,
    )
    return ctx.section(
        "scorecard",
        ctx.t("report.section.scorecard"),
        [ctx.source(ctx.ed), ctx.decision_source(), *ctx.progress_sources()],
        lead=lead,
        tables=[table],
    )
