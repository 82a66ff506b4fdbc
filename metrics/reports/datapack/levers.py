"""Sheet "levers": for the targets of the pillar analysis, each plan of pillar gains that would
reach the threshold (one pillar alone, or all in proportion), with the rank it would give."""

from __future__ import annotations

from typing import Any, NamedTuple

from metrics.progress import Assessment
from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table


class Lever(NamedTuple):
    target: Assessment
    plan: dict[str, Any]  # one plan of services.smallest_changes


def build(ctx: ReportContext) -> Table:
    names = ctx.measure_names()
    source = ctx.ed.source_url

    def new_values(lever: Lever) -> str:
        return "; ".join(f"{names.get(k, k)} = {ctx.num(v)}" for k, v in lever.plan["changes"].items())

    columns: list[Col[Lever]] = [
        Col("goal", lambda x: f"{ctx.goal(x.target)} ({x.target.horizon_year})"),
        Col("plan", lambda x: x.plan["plan"]),
        Col("pillar", lambda x: names.get(x.plan["measure_id"], x.plan["measure_id"])),
        Col("points_needed", lambda x: x.plan["change"], "0.00"),
        Col("value", new_values),
        Col("new_rank", lambda x: x.plan["new_rank"], "0"),
        Col("group_rank", lambda x: x.plan["new_group_rank"], "0"),
        Col("threshold", lambda x: x.plan["threshold"], "0.00"),
        Col("index", lambda x: ctx.index),
        Col("edition", lambda x: ctx.as_of, "0"),
        Col("source", lambda x: datum(source, url=source)),
    ]
    rows = [Lever(a, p) for a in ctx.gap_targets for p in ctx.levers(a)]
    return sheet(ctx, "levers", columns, rows)
