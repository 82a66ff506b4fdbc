"""Where the gap is: the pillars against the threshold of the nearest open target, and the
smallest pillar gains that would close it."""

from __future__ import annotations

from metrics import services
from metrics.progress import Assessment, MeasureGap
from metrics.reports.context import ReportContext
from metrics.reports.model import Bullet, Cell, Chart, Section, Series, Table
from metrics.reports.registry import section


@section("pillars")
def build(ctx: ReportContext) -> Section:
    charts: list[Chart] = []
    bullets: list[Bullet] = []
    lead = ""
    for k, a in enumerate(ctx.gap_targets):
        gaps = ctx.gaps(a)
        pillars = [g for g in gaps if g.level == "pillar" and g.gap is not None]
        total = next((g for g in gaps if g.level == "total"), None)
        goal = f"{ctx.goal(a)} ({a.horizon_year})"
        if not pillars:
            if k == 0:
                lead = ctx.t("report.pillars.none", index=ctx.index, edition=ctx.as_of)
            continue
        charts.append(_chart(ctx, a, goal, pillars, _table(ctx, a, goal, pillars, total)))
        if k == 0:
            # the lead and the levers speak of the first target (in the chosen group)
            lead = _lead(ctx, goal, pillars, total)
            bullets = _lever_bullets(ctx, a, total)
    return ctx.section(
        "pillars",
        ctx.t("report.section.pillars"),
        [ctx.source(ctx.ed)],
        lead=lead,
        bullets=bullets,
        charts=charts,
        tables=[c.table for c in charts],
    )


def _gap(g: MeasureGap) -> float:
    """The gap of a pillar here (they are kept only when they have one)."""
    if g.gap is None:
        raise ValueError(f"measure {g.measure_id} has no gap")
    return g.gap


def _table(
    ctx: ReportContext, a: Assessment, goal: str, pillars: list[MeasureGap], total: MeasureGap | None
) -> Table:
    rows = [
        [
            Cell(text=ctx.measure_name(g), value=ctx.measure_name(g)),
            Cell(text=ctx.num(g.score), value=g.score, num_format="0.00"),
            Cell(text=ctx.num(g.threshold), value=g.threshold, num_format="0.00"),
            Cell(text=ctx.signed(g.gap), value=g.gap, num_format="0.00"),
            Cell(text=ctx.rival(g.rival_above), value=ctx.rival(g.rival_above)),
            Cell(text=ctx.num(g.group_top_mean), value=g.group_top_mean, num_format="0.00"),
        ]
        for g in ([total] if total else []) + pillars
    ]
    cols = ["pillar", "score", "threshold", "gap", "rival_above", "top_mean"]
    return Table(
        table_id=f"pillar_gaps_{a.target_id}",
        title=ctx.t("report.pillars.table_title", goal=goal),
        columns=[ctx.t(f"report.col.{c}") for c in cols],
        rows=rows,
        widths=[2.2, 0.9, 1.3, 0.9, 1.6, 1.1],
    )


def _chart(ctx: ReportContext, a: Assessment, goal: str, pillars: list[MeasureGap], table: Table) -> Chart:
    return Chart(
        chart_id=f"pillar_gaps_{a.target_id}",
        title=ctx.t("report.pillars.chart_title", goal=goal, index=ctx.index, edition=ctx.as_of),
        kind="barh",
        categories=[ctx.measure_name(g) for g in pillars],
        series=[Series(name=ctx.t("report.col.gap"), values=[g.gap for g in pillars])],
        number_format="0.0",
        colour_by_sign=True,
        table=table,
    )


def _lead(ctx: ReportContext, goal: str, pillars: list[MeasureGap], total: MeasureGap | None) -> str:
    if total is None:
        return ""
    if total.gap is not None and total.gap < 0:
        behind = sorted((g for g in pillars if _gap(g) < 0), key=_gap)
        weakest = behind[:2] or sorted(pillars, key=_gap)[:1]
        return ctx.t(
            "report.pillars.lead",
            goal=goal,
            gap_text=ctx.t("report.pillars.gap_text_below", gap=ctx.num(abs(total.gap))),
            weakest=", ".join(ctx.measure_name(g) for g in weakest),
        )
    return ctx.t("report.pillars.lead_ahead", goal=goal, gap=ctx.num(total.gap))


def _lever_bullets(ctx: ReportContext, a: Assessment, total: MeasureGap | None) -> list[Bullet]:
    if total is None or total.gap is None or total.gap >= 0:
        return []
    plans = ctx.levers(a)
    names = {g.measure_id: ctx.measure_name(g) for g in ctx.gaps(a)}
    rank_key = "new_rank" if a.group_id == services.WORLD else "new_group_rank"
    out = []
    for plan in [p for p in plans if p["plan"] == "single_pillar"][:3]:
        pillar = names.get(plan["measure_id"], plan["measure_id"])
        if plan["feasible"]:
            text = ctx.t(
                "report.pillars.lever",
                pillar=pillar,
                points=ctx.num(plan["change"]),
                rank=plan[rank_key],
                index=ctx.index,
                edition=ctx.as_of,
            )
        else:
            text = ctx.t("report.pillars.lever_infeasible", pillar=pillar)
        out.append(Bullet(text=text))
    balanced = next((p for p in plans if p["plan"] == "balanced"), None)
    if balanced is not None and balanced["feasible"]:
        share = ctx.num(balanced["change"] * 100, 1)
        out.append(Bullet(text=ctx.t("report.pillars.balanced", share=share, rank=balanced[rank_key])))
    return out
