"""The strategy in force in one sentence, with its targets counted by status."""

from __future__ import annotations

from metrics import committee
from metrics.reports.context import ReportContext
from metrics.reports.model import Bullet, Section
from metrics.reports.strategy import StrategyData, strategy_section


@strategy_section("strategy_headline")
def build(ctx: ReportContext, d: StrategyData) -> Section:
    counts = committee.headline_counts(d.rows)
    bullets = [
        Bullet(text=d.t(f"report.strategy.count_{key}", n=n), group="counts")
        for key, n in counts.items()
        if key in committee.HEADLINE
    ]
    bullets += [
        Bullet(text=f"{d.word(s)}: {n}", status=d.colour_of(s), status_label=d.word(s), group="counts")
        for s, n in counts.items()
        if s not in committee.HEADLINE and n
    ]
    return ctx.section(
        "strategy_headline",
        d.t("report.strategy.headline_title", decision=d.decision()),
        [d.source()],
        lead=committee.headline_text(d.decision(), d.rows, d.lang, d.word),
        bullets=bullets,
    )
