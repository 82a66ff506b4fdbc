"""Viet Nam's path on the yardstick: world and group rank against the targets, the gap to each
target's threshold by edition, the projections, and the rank history."""

from __future__ import annotations

from typing import Any

from metrics import services
from metrics.present import format as fmt
from metrics.present import phrases, theme
from metrics.progress import Assessment, Projection
from metrics.reports.context import ReportContext
from metrics.reports.model import Bullet, Cell, Chart, Section, Series, Table
from metrics.reports.registry import section

# Lines of the target ranks in the rank charts, by horizon, and of thresholds (distinct from Viet
# Nam's vermillion line; one palette with the app: metrics.present.theme).
TARGET_COLOURS = [theme.hex(theme.OKABE_ITO[k]) for k in ("orange", "reddish_purple", "sky_blue", "black")]
THRESHOLD_COLOURS = [
    theme.hex(theme.OKABE_ITO[k]) for k in ("black", "bluish_green", "reddish_purple", "blue")
]
# A chart's table cell: its text and value, with an Excel number format.
TableItem = tuple[str, Any, str]


def _cells(*items: TableItem) -> list[Cell]:
    return [Cell(text=text, value=value, num_format=num_format) for text, value, num_format in items]


def _rank_targets_in(ctx: ReportContext, world: bool) -> list[Assessment]:
    return [
        a
        for a in ctx.rank_assessments
        if (a.group_id == services.WORLD) == world and (world or a.group_id == ctx.group)
    ]


def _rank_chart(ctx: ReportContext, world: bool) -> Chart:
    categories = [str(r.edition_year) for r in ctx.history]
    if world:
        values = [phrases.shown_rank(r) for r in ctx.history]
        name = ctx.t("report.trajectory.series_world_rank")
        title = ctx.t("report.trajectory.world_title", index=ctx.index)
    else:
        values = [r.group_rank for r in ctx.history]
        name = ctx.t("report.trajectory.series_group_rank", group=ctx.group)
        title = ctx.t("report.trajectory.group_title", index=ctx.index, group=ctx.group)
    series = [Series(name=name, values=[float(v) if v is not None else None for v in values], role="country")]
    for i, a in enumerate(_rank_targets_in(ctx, world)):
        series.append(
            Series(
                name=ctx.t(
                    "report.trajectory.series_target", n=int(a.target_value or 0), year=a.horizon_year
                ),
                values=[float(a.target_value or 0)] * len(categories),
                role="target",
                colour=TARGET_COLOURS[i % len(TARGET_COLOURS)],
                dashed=True,
            )
        )
    table_rows = []
    for r, v in zip(ctx.history, values, strict=True):
        of = r.countries_ranked if world else r.group_size
        table_rows.append(
            _cells(
                (str(r.edition_year), r.edition_year, "0"),
                (ctx.t("common.rank_of", rank=v if v is not None else "–", of=of), v, "0"),
                *[(ctx.num(s.values[0], 0), s.values[0], "0") for s in series[1:]],
            )
        )
    table = Table(
        table_id=f"chart_{'world' if world else 'group'}_rank",
        title=title,
        columns=[ctx.t("report.col.edition"), series[0].name, *[s.name for s in series[1:]]],
        rows=table_rows,
    )
    return Chart(
        chart_id="world_rank" if world else "group_rank",
        title=title,
        kind="line",
        categories=categories,
        series=series,
        y_title=ctx.t("report.trajectory.axis_rank"),
        y_reversed=True,
        number_format="0",
        table=table,
    )


def _gap_chart(ctx: ReportContext) -> Chart:
    categories = [str(r.edition_year) for r in ctx.history]
    series = []
    # Only the targets judged on the report's index: the axis is its points and its editions (a
    # target judged on research output has its gap in articles, in its own editions' years).
    own = [a for a in ctx.rank_assessments if a.yardstick_index == ctx.index]
    others = [a for a in ctx.rank_assessments if a.yardstick_index != ctx.index]
    for i, a in enumerate(own):
        by_edition = {h.as_of_edition: h.gap for h in ctx.status_histories.get(a.target_id, [])}
        # The judged assessment is the reference for the edition as of (the scorecard's number).
        by_edition[a.as_of_edition] = a.gap
        series.append(
            Series(
                name=ctx.t("report.trajectory.series_gap", goal=ctx.goal(a), year=a.horizon_year),
                values=[by_edition.get(r.edition_year) for r in ctx.history],
                role="threshold",
                colour=THRESHOLD_COLOURS[i % len(THRESHOLD_COLOURS)],
            )
        )
    breaks = [
        f"{e.edition_year} ({e.series})"
        for prev, e in zip(ctx.editions, ctx.editions[1:], strict=False)
        if e.series != prev.series
    ]
    title = ctx.t("report.trajectory.gap_title")
    rows = [
        _cells((c, int(c), "0"), *[(ctx.signed(s.values[i]), s.values[i], "0.00") for s in series])
        for i, c in enumerate(categories)
    ]
    return Chart(
        chart_id="gaps_by_edition",
        title=title,
        kind="line",
        categories=categories,
        series=series,
        y_title=ctx.t("report.trajectory.axis_gap"),
        number_format="0.0",
        note=" ".join(
            [ctx.t("report.trajectory.gap_note", breaks=", ".join(breaks) or "–")]
            + (
                [
                    ctx.t(
                        "report.trajectory.gap_elsewhere",
                        targets="; ".join(
                            f"{ctx.goal(a)} ({ctx.short_names().get(a.yardstick_index or '', a.yardstick_index)})"
                            for a in others
                        ),
                    )
                ]
                if others
                else []
            )
        ),
        table=_chart_table(ctx, "chart_gaps", title, series, rows),
    )


def _projection_chart(ctx: ReportContext, a: Assessment) -> Chart | None:
    p = a.projection
    if p is None or not p.editions_used:
        return None
    years = list(range(min(p.editions_used), max(p.target_year, max(p.editions_used)) + 1))
    quantity, phrase = _quantity(ctx, a)
    series = _projection_series(ctx, a, p, years, phrase)
    title = ctx.t(
        "report.trajectory.projection_title",
        goal=ctx.goal(a),
        year=a.horizon_year,
        series=p.series,
        quantity=phrase,
    )
    note = ctx.t(
        "report.trajectory.projection_note",
        editions=", ".join(str(e) for e in p.editions_used),
        year=p.target_year,
        low=ctx.num(p.country_low),
        high=ctx.num(p.country_high),
        t_low=ctx.num(p.threshold_low),
        t_high=ctx.num(p.threshold_high),
    )
    rows = [
        _cells((str(y), y, "0"), *[(ctx.num(s.values[i]), s.values[i], "0.00") for s in series])
        for i, y in enumerate(years)
    ]
    return Chart(
        chart_id=f"projection_{a.target_id}",
        title=title,
        kind="line",
        categories=[str(y) for y in years],
        series=series,
        y_title=quantity,
        number_format="0.0",
        note=note,
        table=_chart_table(ctx, f"chart_projection_{a.target_id}", title, series, rows),
    )


def _quantity(ctx: ReportContext, a: Assessment) -> tuple[str, str]:
    """What a target's yardstick measures, for an axis and inside a sentence: the report index's
    score ("Score", "score"), or another yardstick's measure ("Số bài báo AI", "số bài báo AI")."""
    if a.yardstick_index == ctx.index:
        axis = ctx.t("report.trajectory.axis_score")
        return axis, axis.lower()
    name = ctx.yardstick_quantity(a.yardstick_index or "", a.yardstick_measure)
    return name, _mid_sentence(name)


def _mid_sentence(name: str) -> str:
    """A name as it reads inside a sentence: first letter lowered, unless it starts an acronym."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _projection_series(
    ctx: ReportContext, a: Assessment, p: Projection, years: list[int], quantity: str
) -> list[Series]:
    """Viet Nam's score and the threshold in the editions used, then both projected from the last
    of them to the horizon."""
    history = {h.as_of_edition: h for h in ctx.status_histories.get(a.target_id, [])}
    last = max(p.editions_used)

    def line(at_target: float | None, slope: float | None, year: int) -> float | None:
        if at_target is None or slope is None or year < last:
            return None
        return round(at_target - slope * (p.target_year - year), 4)

    def actual(year: int, field: str) -> float | None:
        h = a if year == a.as_of_edition else history.get(year)
        return getattr(h, field) if h is not None and year in p.editions_used else None

    return [
        Series(
            name=ctx.t("report.trajectory.series_country"),
            values=[actual(y, "score") for y in years],
            role="country",
        ),
        Series(
            name=ctx.t(
                "report.trajectory.series_threshold",
                quantity=quantity,
                nth=ctx.nth(int(a.target_value or 0)),
                year=a.horizon_year,
            ),
            values=[actual(y, "threshold") for y in years],
            role="threshold",
            colour=THRESHOLD_COLOURS[0],
        ),
        Series(
            name=ctx.t("report.trajectory.series_country_proj"),
            values=[line(p.country_score, p.country_slope, y) for y in years],
            role="projection",
            dashed=True,
        ),
        Series(
            name=ctx.t("report.trajectory.series_threshold_proj"),
            values=[line(p.threshold, p.threshold_slope, y) for y in years],
            role="projection",
            colour=THRESHOLD_COLOURS[0],
            dashed=True,
        ),
    ]


def _chart_table(
    ctx: ReportContext, table_id: str, title: str, series: list[Series], rows: list[list[Cell]]
) -> Table:
    """The numbers of a chart by edition: what the PDF shows when the chart cannot be drawn."""
    return Table(
        table_id=table_id,
        title=title,
        columns=[ctx.t("report.col.edition"), *[s.name for s in series]],
        rows=rows,
    )


def _history_table(ctx: ReportContext) -> Table:
    rows = []
    for r in ctx.history:
        rank = phrases.shown_rank(r)
        rows.append(
            [
                Cell(text=str(r.edition_year), value=r.edition_year, num_format="0"),
                Cell(
                    text=f"{ctx.num(r.score)} / {ctx.num(r.scale_max, 0)}", value=r.score, num_format="0.00"
                ),
                Cell(text=phrases.world_rank(r, ctx.lang, short=True), value=rank),
                Cell(text=ctx.num(r.percentile, 1), value=r.percentile, num_format="0.0"),
                Cell(
                    text=phrases.rank_of(r.group_rank, r.group_size, ctx.lang),
                    value=r.group_rank,
                ),
                Cell(text=r.series, value=r.series),
                Cell(text=r.source_url, value=r.source_url, url=r.source_url),
            ]
        )
    cols = ["edition", "score", "global_rank", "percentile", "group_rank", "series", "source"]
    return Table(
        table_id="rank_history",
        title=ctx.t("report.trajectory.table_title", index=ctx.index),
        columns=[ctx.t(f"report.col.{c}", group=ctx.group) for c in cols],
        rows=rows,
        widths=[0.7, 1.1, 1.0, 0.9, 0.9, 1.4, 3.2],
    )


@section("trajectory")
def build(ctx: ReportContext) -> Section:
    charts = [_rank_chart(ctx, world=True), _rank_chart(ctx, world=False), _gap_chart(ctx)]
    bullets = []
    for a in ctx.rank_assessments:
        chart = _projection_chart(ctx, a)
        if chart is not None:
            charts.append(chart)
    if len(charts) == 3:
        n = sum(1 for e in ctx.editions if e.series == ctx.ed.series)
        bullets.append(
            Bullet(
                text=ctx.t(
                    "report.trajectory.no_projection",
                    edition=ctx.as_of,
                    series=ctx.ed.series,
                    editions=fmt.count(n, "edition", ctx.lang),
                )
            )
        )
    first = next((r for r in ctx.history if r.score is not None), None)
    r = ctx.row
    lead = ""
    if first is not None and r is not None:
        lead = ctx.t(
            "report.trajectory.lead",
            first_rank=phrases.shown_rank(first),
            first_of=first.countries_ranked,
            first_edition=first.edition_year,
            rank=phrases.shown_rank(r),
            of=r.countries_ranked,
            edition=r.edition_year,
            group=ctx.group,
            group_rank=r.group_rank or "–",
            group_size=r.group_size,
        )
    return ctx.section(
        "trajectory",
        ctx.t("report.section.trajectory"),
        [ctx.source(e) for e in ctx.editions],
        lead=lead,
        bullets=bullets,
        charts=charts,
        tables=[_history_table(ctx)],
    )
