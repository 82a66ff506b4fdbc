"""Sheet "scorecard": every target's assessment, every number the engine used, one row each."""

from __future__ import annotations

from metrics.progress import Assessment
from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table


def build(ctx: ReportContext) -> Table:
    columns: list[Col[Assessment]] = [
        Col("target_id", lambda a: a.target_id),
        Col("target", ctx.text_of),
        Col("kind", lambda a: a.kind),
        Col("by", lambda a: a.horizon_year, "0"),
        Col("goal", ctx.goal),
        Col("group", lambda a: a.group_id or None),
        Col("index", lambda a: a.yardstick_index),
        Col("edition", lambda a: a.as_of_edition, "0"),
        Col("global_rank", lambda a: a.current_rank, "0", header="common.rank"),
        Col("of", lambda a: a.of, "0"),
        Col("percentile", lambda a: a.percentile, "0.0"),
        Col("score", lambda a: a.score, "0.00"),
        Col("threshold", lambda a: a.threshold, "0.00"),
        Col("gap", lambda a: a.gap, "0.00"),
        Col("trend_per_year", lambda a: a.trend_per_year, "0.000"),
        Col("required_per_year", lambda a: a.required_gain_per_year, "0.000"),
        Col("trend", lambda a: ctx.t(f"report.trend.{a.trend}")),
        Col("status", lambda a: ctx.status_cell(a.status)),
        Col("status_class", lambda a: a.status),
        Col("value", lambda a: a.current_count, "0"),
        Col("recorded_on", lambda a: a.measured_on.isoformat() if a.measured_on else None),
        Col("source", lambda a: datum(a.source_url or None, url=a.source_url)),
        Col("version", lambda a: a.version_id, "0"),
    ]
    return sheet(ctx, "scorecard", columns, ctx.rank_assessments + ctx.count_assessments)
