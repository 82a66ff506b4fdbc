"""The counted targets: each with its latest progress record."""

from __future__ import annotations

from metrics.present import format as fmt
from metrics.reports.context import ReportContext
from metrics.reports.model import Cell, Section, Table
from metrics.reports.registry import section


@section("counted")
def build(ctx: ReportContext) -> Section:
    rows = []
    for a in ctx.count_assessments:
        rows.append(
            [
                Cell(text=ctx.text_of(a), value=ctx.text_of(a)),
                Cell(text=str(a.horizon_year), value=a.horizon_year, num_format="0"),
                Cell(text=ctx.goal(a), value=ctx.goal(a)),
                Cell(text=ctx.num(a.current_count, 0), value=a.current_count, num_format="0"),
                Cell(
                    text=fmt.date(a.measured_on, ctx.lang),
                    value=a.measured_on.isoformat() if a.measured_on else None,
                ),
                ctx.status_cell(a.status),
                Cell(text=a.source_url or "–", value=a.source_url or None, url=a.source_url),
            ]
        )
    cols = ["target", "by", "goal", "value", "recorded_on", "status", "source"]
    table = Table(
        table_id="counted",
        title=ctx.t("report.counted.table_title"),
        columns=[ctx.t(f"report.col.{c}") for c in cols],
        rows=rows,
        widths=[3.6, 0.7, 1.4, 0.8, 1.1, 1.3, 1.6],
    )
    with_data = sum(a.current_count is not None for a in ctx.count_assessments)
    return ctx.section(
        "counted",
        ctx.t("report.section.counted"),
        [ctx.decision_source(), *ctx.progress_sources()],
        lead=ctx.t("report.counted.lead", with_data=with_data, total=len(ctx.count_assessments)),
        tables=[table],
    )
