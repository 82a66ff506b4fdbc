"""Sheet "thresholds": each rank target as the app would have judged it after every edition."""

from __future__ import annotations

from typing import NamedTuple

from metrics.progress import Assessment
from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table


class Judged(NamedTuple):
    target: Assessment  # the target as judged as of the report's edition
    then: Assessment  # the same target as judged after one edition


def build(ctx: ReportContext) -> Table:
    columns: list[Col[Judged]] = [
        Col("target_id", lambda j: j.target.target_id),
        Col("goal", lambda j: ctx.goal(j.target)),
        Col("by", lambda j: j.target.horizon_year, "0"),
        Col("index", lambda j: j.then.yardstick_index),
        Col("edition", lambda j: j.then.as_of_edition, "0"),
        Col("global_rank", lambda j: j.then.current_rank, "0", header="common.rank"),
        Col("of", lambda j: j.then.of, "0"),
        Col("score", lambda j: j.then.score, "0.0000"),
        Col("threshold", lambda j: j.then.threshold, "0.0000"),
        Col("gap", lambda j: j.then.gap, "0.0000"),
        Col("status", lambda j: ctx.status_cell(j.then.status)),
        Col("status_class", lambda j: j.then.status),
        Col("source", lambda j: datum(j.then.source_url, url=j.then.source_url)),
        Col("version", lambda j: j.then.version_id, "0"),
    ]
    rows = [Judged(a, h) for a in ctx.rank_assessments for h in ctx.status_histories.get(a.target_id, [])]
    return sheet(ctx, "thresholds", columns, rows, ctx.t("report.xlsx.thresholds_note"))
