"""Viet Nam among the group's members (ASEAN by default): the table, the chart and the gaps to
the neighbours above and below."""

from __future__ import annotations

from metrics import i18n
from metrics.reports.cells import int_or_none
from metrics.reports.context import ISO3, ReportContext
from metrics.reports.model import Cell, Chart, Section, Series, Table
from metrics.reports.registry import section


@section("asean")
def build(ctx: ReportContext) -> Section:
    frame = ctx.group_frame()
    records = frame.to_dict("records")
    title = ctx.t("report.section.asean", group=ctx.group)
    names = [ctx.name(r["iso3"]) for r in records]
    chart_title = ctx.t("report.asean.chart_title", group=ctx.group, index=ctx.index, edition=ctx.as_of)
    rows = []
    for r, name in zip(records, names, strict=True):
        published = r["published_rank"]
        published = int_or_none(published)
        rows.append(
            [
                Cell(text=str(r["group_rank"]), value=int(r["group_rank"]), num_format="0"),
                Cell(text=name, value=name),
                Cell(text=ctx.num(r["score"]), value=float(r["score"]), num_format="0.00"),
                Cell(text=ctx.num(published, 0) if published else "–", value=published, num_format="0"),
            ]
        )
    columns = [
        ctx.t("report.col.group_rank", group=ctx.group),
        ctx.t("report.col.country"),
        ctx.t("report.col.score"),
        ctx.t("report.col.published_rank"),
    ]
    table = Table(
        table_id="group_table",
        title=ctx.t("report.asean.table_title", group=ctx.group, index=ctx.index, edition=ctx.as_of),
        columns=columns,
        rows=rows,
        widths=[1, 2, 1, 1.4],
    )
    chart = Chart(
        chart_id="group_scores",
        title=chart_title,
        kind="barh",
        categories=names,
        series=[
            Series(name=ctx.t("report.col.score"), values=[float(r["score"]) for r in records], role="peer")
        ],
        number_format="0.0",
        highlight=ctx.name(ISO3),
        note=ctx.t(
            "report.asean.membership",
            group=ctx.group,
            date=i18n.fmt_date(ctx.ed["membership_date"], ctx.lang),
            n=len(ctx.members),
            names=", ".join(ctx.name(m) for m in ctx.members),
        ),
        table=table,
    )
    return ctx.section(
        "asean", title, [ctx.source(ctx.ed)], lead=_asean_lead(ctx, records), charts=[chart], tables=[table]
    )


def _asean_lead(ctx: ReportContext, records: list[dict]) -> str:
    position = next((i for i, r in enumerate(records) if r["iso3"] == ISO3), None)
    if position is None:
        return ctx.t("report.asean.lead_none", index=ctx.index, edition=ctx.as_of)
    me = records[position]
    above = records[position - 1] if position > 0 else None
    below = records[position + 1] if position + 1 < len(records) else None
    if above and below:
        gap_text = ctx.t(
            "report.asean.gap_both",
            above=ctx.name(above["iso3"]),
            behind=ctx.num(above["score"] - me["score"]),
            below=ctx.name(below["iso3"]),
            ahead=ctx.num(me["score"] - below["score"]),
        )
    elif below:
        gap_text = ctx.t(
            "report.asean.gap_above",
            below=ctx.name(below["iso3"]),
            points=ctx.num(me["score"] - below["score"]),
        )
    elif above:
        gap_text = ctx.t(
            "report.asean.gap_below",
            above=ctx.name(above["iso3"]),
            points=ctx.num(above["score"] - me["score"]),
        )
    else:
        gap_text = ""
    return ctx.t(
        "report.asean.lead",
        rank=me["group_rank"],
        size=len(records),
        group=ctx.group,
        index=ctx.index,
        edition=ctx.as_of,
        gap_text=gap_text,
    ).replace(", .", ".")
