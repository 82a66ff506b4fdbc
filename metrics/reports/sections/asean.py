"""Viet Nam among the group's members (ASEAN by default): the table, the chart and the gaps to
the neighbours above and below."""

from __future__ import annotations

from metrics.present import format as fmt
from metrics.reports.context import ISO3, ReportContext
from metrics.reports.model import Cell, Chart, Section, Series, Table
from metrics.reports.registry import section
from metrics.services import GroupRow


@section("asean")
def build(ctx: ReportContext) -> Section:
    records = ctx.group_table().rows
    table = _table(ctx, records)
    return ctx.section(
        "asean",
        ctx.t("report.section.asean", group=ctx.group),
        [ctx.source(ctx.ed)],
        lead=_lead(ctx, records),
        charts=[_chart(ctx, records, table)],
        tables=[table],
    )


def _table(ctx: ReportContext, records: list[GroupRow]) -> Table:
    rows = []
    for r in records:
        name = ctx.name(r.iso3)
        published = r.published_rank
        rows.append(
            [
                Cell(text=str(r.group_rank), value=r.group_rank, num_format="0"),
                Cell(text=name, value=name),
                Cell(text=ctx.num(r.score), value=r.score, num_format="0.00"),
                Cell(text=ctx.num(published, 0) if published else "–", value=published, num_format="0"),
            ]
        )
    return Table(
        table_id="group_table",
        title=ctx.t("report.asean.table_title", group=ctx.group, index=ctx.index, edition=ctx.as_of),
        columns=[
            ctx.t("report.col.group_rank", group=ctx.group),
            ctx.t("report.col.country"),
            ctx.t("report.col.score"),
            ctx.t("report.col.published_rank"),
        ],
        rows=rows,
        widths=[1, 2, 1, 1.4],
    )


def _chart(ctx: ReportContext, records: list[GroupRow], table: Table) -> Chart:
    scores: list[float | None] = [r.score for r in records]
    return Chart(
        chart_id="group_scores",
        title=ctx.t("report.asean.chart_title", group=ctx.group, index=ctx.index, edition=ctx.as_of),
        kind="barh",
        categories=[ctx.name(r.iso3) for r in records],
        series=[Series(name=ctx.t("report.col.score"), values=scores, role="peer")],
        number_format="0.0",
        highlight=ctx.name(ISO3),
        note=ctx.t(
            "report.asean.membership",
            group=ctx.group,
            date=fmt.date(ctx.ed.membership_date, ctx.lang),
            n=len(ctx.members),
            names=", ".join(ctx.name(m) for m in ctx.members),
        ),
        table=table,
    )


def _lead(ctx: ReportContext, records: list[GroupRow]) -> str:
    position = next((i for i, r in enumerate(records) if r.iso3 == ISO3), None)
    if position is None:
        return ctx.t("report.asean.lead_none", index=ctx.index, edition=ctx.as_of)
    me = records[position]
    above = records[position - 1] if position > 0 else None
    below = records[position + 1] if position + 1 < len(records) else None
    where = {"rank": me.group_rank, "size": len(records), "group": ctx.group}
    where |= {"index": ctx.index, "edition": ctx.as_of}
    if above is None and below is None:
        return ctx.t("report.asean.lead_alone", **where)  # the only member with a score
    return ctx.t("report.asean.lead", **where, gap_text=_neighbours(ctx, me, above, below))


def _neighbours(ctx: ReportContext, me: GroupRow, above: GroupRow | None, below: GroupRow | None) -> str:
    """How far Viet Nam is from the members just above and just below it."""
    if above and below:
        return ctx.t(
            "report.asean.gap_both",
            above=ctx.name(above.iso3),
            behind=ctx.num(above.score - me.score),
            below=ctx.name(below.iso3),
            ahead=ctx.num(me.score - below.score),
        )
    if below:
        return ctx.t(
            "report.asean.gap_above",
            below=ctx.name(below.iso3),
            points=ctx.num(me.score - below.score),
        )
    if above is None:
        raise ValueError("a neighbour above or below is needed")
    return ctx.t(
        "report.asean.gap_below",
        above=ctx.name(above.iso3),
        points=ctx.num(above.score - me.score),
    )
