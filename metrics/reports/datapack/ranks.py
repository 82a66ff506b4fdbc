"""Sheet "ranks": Viet Nam's score and ranks in every edition of every index, up to the report's."""

from __future__ import annotations

from metrics import services
from metrics.reports.context import ISO3, ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table
from metrics.services import RankRow
from metrics.store import queries as q


def build(ctx: ReportContext) -> Table:
    columns: list[Col[RankRow]] = [
        Col("index", lambda r: r.index_id),
        Col("edition", lambda r: r.edition_year, "0"),
        Col("score", lambda r: r.score, "0.0000"),
        Col("scale", lambda r: r.scale_max, "0"),
        Col("published_rank", lambda r: r.published_rank, "0"),
        Col("computed_rank", lambda r: r.computed_rank, "0"),
        Col("of", lambda r: r.countries_ranked, "0"),
        Col("percentile", lambda r: r.percentile, "0.0"),
        Col("group_rank", lambda r: r.group_rank, "0"),
        Col(
            "group",
            lambda r: r.group_size,
            "0",
            header=lambda ctx: ctx.t("report.col.group") + f" ({ctx.group})",
        ),
        Col("membership_date", lambda r: r.group_membership_date.isoformat()),
        Col("framework", lambda r: r.framework),
        Col("series", lambda r: r.series),
        Col("source", lambda r: datum(r.source_url, url=r.source_url)),
        Col("version", lambda r: r.version_id, "0"),
    ]
    rows = [
        r
        for index in q.index_rows(ctx.store)
        for r in services.rank_history(ctx.store, index.index_id, ISO3, ctx.group)
        if r.edition_year <= ctx.as_of
    ]
    return sheet(ctx, "ranks", columns, rows, ctx.t("report.xlsx.ranks_note"))
