"""Sheet "group": the group's members as of the report's edition, with every pillar's score."""

from __future__ import annotations

from typing import Any

from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table

Record = dict[str, Any]
# the columns of services.group_table that are not a pillar's score
NOT_PILLARS = ("iso3", "name_en", "name_vi", "score", "group_rank", "published_rank", "computed_rank")


def build(ctx: ReportContext) -> Table:
    frame = ctx.group_frame()
    names = ctx.measure_names()
    source = ctx.ed["source_url"]
    columns: list[Col[Record]] = [
        Col("group_rank", lambda r: int(r["group_rank"]), "0"),
        Col("iso3", lambda r: r["iso3"]),
        Col("country", lambda r: ctx.name(r["iso3"])),
        Col("score", lambda r: float(r["score"]), "0.00"),
        Col("published_rank", lambda r: r["published_rank"], "0"),
        Col("computed_rank", lambda r: r["computed_rank"], "0"),
        *[_pillar(c, names.get(c, c)) for c in frame.columns if c not in NOT_PILLARS],
        Col("index", lambda r: ctx.index),
        Col("edition", lambda r: ctx.as_of, "0"),
        Col("source", lambda r: datum(source, url=source)),
    ]
    return sheet(ctx, "group", columns, frame.to_dict("records"))


def _pillar(measure_id: str, name: str) -> Col[Record]:
    return Col(measure_id, lambda r: r[measure_id], "0.00", header=lambda ctx: name)
