"""Sheet "traces": every step of every target's assessment, with its formula and value."""

from __future__ import annotations

from typing import NamedTuple

from metrics.progress import Assessment, TraceStep, step_formula, step_value
from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table


class Step(NamedTuple):
    target: Assessment
    step: TraceStep


def build(ctx: ReportContext) -> Table:
    def value(s: Step) -> object:
        v = s.step.value
        return v if isinstance(v, int | float) else step_value(s.step, ctx.lang)

    columns: list[Col[Step]] = [
        Col("target_id", lambda s: s.target.target_id),
        Col("goal", lambda s: ctx.goal(s.target)),
        Col("step", lambda s: ctx.t(s.step.key)),
        Col("formula", lambda s: step_formula(s.step, ctx.lang)),
        Col("value", value, "General"),
        Col("rule", lambda s: ctx.t(s.target.trace.rule)),
        Col("result", lambda s: ctx.status_cell(s.target.trace.result)),
        Col("index", lambda s: s.target.yardstick_index),
        Col("edition", lambda s: s.target.as_of_edition, "0"),
        Col("source", lambda s: datum(s.target.source_url or None, url=s.target.source_url)),
    ]
    rows = [Step(a, step) for a in ctx.rank_assessments + ctx.count_assessments for step in a.trace.steps]
    return sheet(ctx, "traces", columns, rows)
