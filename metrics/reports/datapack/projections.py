"""Sheet "projections": for each rank target and edition, the projected score of Viet Nam and of
the threshold at the horizon, with their bands and slopes (or why there is none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from metrics.progress import Projection
from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.datapack.thresholds import Judged
from metrics.reports.model import Table


def _of(read: Callable[[Projection], Any]) -> Callable[[Judged], Any]:
    """A projection's field; for an edition without a projection, a blank cell (no number format)."""
    return lambda j: read(j.then.projection) if j.then.projection is not None else datum(None)


def build(ctx: ReportContext) -> Table:
    no_projection = ctx.t("report.xlsx.no_projection")
    columns: list[Col[Judged]] = [
        Col("target_id", lambda j: j.target.target_id),
        Col("goal", lambda j: ctx.goal(j.target)),
        Col("index", lambda j: j.then.yardstick_index),
        Col("edition", lambda j: j.then.as_of_edition, "0"),
        Col("projection_year", _of(lambda p: p.target_year), "0"),
        Col("series", _of(lambda p: p.series)),
        Col("editions_used", _of(lambda p: ", ".join(str(e) for e in p.editions_used))),
        Col("country_proj", _of(lambda p: p.country_score), "0.00"),
        Col("country_low", _of(lambda p: p.country_low), "0.00"),
        Col("country_high", _of(lambda p: p.country_high), "0.00"),
        Col("threshold_proj", _of(lambda p: p.threshold), "0.00"),
        Col("threshold_low", _of(lambda p: p.threshold_low), "0.00"),
        Col("threshold_high", _of(lambda p: p.threshold_high), "0.00"),
        Col("country_slope", _of(lambda p: p.country_slope), "0.000"),
        Col("threshold_slope", _of(lambda p: p.threshold_slope), "0.000"),
        Col("note", lambda j: no_projection if j.then.projection is None else None),
        Col("source", lambda j: datum(j.then.source_url, url=j.then.source_url)),
    ]
    rows = []
    for a in ctx.rank_assessments:
        history = ctx.status_histories.get(a.target_id, [])
        # the judged assessment stands for the edition as of (the scorecard's number)
        rows += [Judged(a, h) for h in history if h.as_of_edition != a.as_of_edition] + [Judged(a, a)]
    return sheet(ctx, "projections", columns, rows, ctx.t("report.xlsx.projections_note"))
