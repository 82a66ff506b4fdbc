"""Sheet "gaps": for the targets of the pillar analysis, every measure's gap to the threshold."""

from __future__ import annotations

from typing import NamedTuple

from metrics.progress import Assessment, MeasureGap
from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table


class Gap(NamedTuple):
    target: Assessment
    gap: MeasureGap


def build(ctx: ReportContext) -> Table:
    source = ctx.ed.source_url
    columns: list[Col[Gap]] = [
        Col("goal", lambda g: f"{ctx.goal(g.target)} ({g.target.horizon_year})"),
        Col("measure", lambda g: ctx.measure_name(g.gap)),
        Col("level", lambda g: ctx.t(f"report.level.{g.gap.level}")),
        Col("score", lambda g: g.gap.score, "0.00"),
        Col("threshold", lambda g: g.gap.threshold, "0.00"),
        Col("gap", lambda g: g.gap.gap, "0.00"),
        Col("rival_above", lambda g: ctx.rival(g.gap.rival_above)),
        Col("rival_below", lambda g: ctx.rival(g.gap.rival_below)),
        Col("top_mean", lambda g: g.gap.group_top_mean, "0.00"),
        Col("index", lambda g: ctx.index),
        Col("edition", lambda g: ctx.as_of, "0"),
        Col("source", lambda g: datum(source, url=source)),
    ]
    rows = [Gap(a, g) for a in ctx.gap_targets for g in ctx.gaps(a)]
    return sheet(ctx, "gaps", columns, rows)
