"""The answer in one slide: each target's standing now, rank targets then counted ones."""

from __future__ import annotations

from metrics.present import format as fmt
from metrics.present import phrases
from metrics.reports.context import ReportContext
from metrics.reports.model import Bullet, Section
from metrics.reports.registry import section


@section("headline")
def build(ctx: ReportContext) -> Section:
    bullets = []
    for a in ctx.rank_assessments:
        if a.current_rank is None:
            text = ctx.t(
                "report.headline.rank_line_none", goal=ctx.goal(a), year=a.horizon_year, index=ctx.index
            )
        else:
            text = ctx.t(
                "report.headline.rank_line",
                goal=ctx.goal(a),
                year=a.horizon_year,
                rank=a.current_rank,
                of=a.of,
                index=a.yardstick_index or ctx.index,
                edition=a.as_of_edition,
                gap_text=ctx.gap_text(a),
            )
        bullets.append(
            Bullet(text=text, status=a.status, status_label=ctx.status_label(a.status), group="rank")
        )
    for a in ctx.count_assessments:
        if a.current_count is None:
            text = ctx.t("report.headline.count_line_none", goal=ctx.text_of(a), year=a.horizon_year)
        else:
            text = ctx.t(
                "report.headline.count_line",
                goal=ctx.text_of(a),
                year=a.horizon_year,
                value=ctx.num(a.current_count, 0),
                date=fmt.date(a.measured_on, ctx.lang),
            )
        bullets.append(
            Bullet(text=text, status=a.status, status_label=ctx.status_label(a.status), group="counted")
        )
    return ctx.section(
        "headline",
        ctx.t("report.section.headline"),
        [ctx.source(ctx.ed), ctx.decision_source(), *ctx.progress_sources()],
        lead=_headline_lead(ctx),
        bullets=bullets,
    )


def _headline_lead(ctx: ReportContext) -> str:
    r = ctx.row
    if r is None or r.score is None:
        return ctx.t("report.headline.lead_none", index=ctx.index, edition=ctx.as_of)
    return ctx.t(
        "report.headline.lead",
        index=ctx.index,
        edition=r.edition_year,
        rank=ctx.nth(phrases.shown_rank(r)),
        of=r.countries_ranked,
        pct=ctx.num(r.percentile, 0),
        group_rank=ctx.nth(r.group_rank),
        group_size=r.group_size,
        group=ctx.group,
    )
