"""Sheet "group": the group's members as of the report's edition, with every pillar's score."""

from __future__ import annotations

from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table
from metrics.services import GroupRow


def build(ctx: ReportContext) -> Table:
    table = ctx.group_table()
    names = ctx.measure_names()
    source = ctx.ed.source_url
    columns: list[Col[GroupRow]] = [
        Col("group_rank", lambda r: r.group_rank, "0"),
        Col("iso3", lambda r: r.iso3),
        Col("country", lambda r: ctx.name(r.iso3)),
        Col("score", lambda r: r.score, "0.00"),
        Col("published_rank", lambda r: r.published_rank, "0"),
        Col("computed_rank", lambda r: r.computed_rank, "0"),
        *[_pillar(p, names.get(p, p)) for p in table.pillars],
        Col("index", lambda r: ctx.index),
        Col("edition", lambda r: ctx.as_of, "0"),
        Col("source", lambda r: datum(source, url=source)),
    ]
    return sheet(ctx, "group", columns, table.rows)


def _pillar(measure_id: str, name: str) -> Col[GroupRow]:
    return Col(measure_id, lambda r: r.pillars[measure_id], "0.00", header=lambda ctx: name)
