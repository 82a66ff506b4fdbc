"""The strategy in force's scorecard: one table per Appendix I group of targets."""

from __future__ import annotations

from metrics import committee
from metrics.reports.context import ReportContext
from metrics.reports.model import Section
from metrics.reports.strategy import StrategyData, strategy_section

COLUMNS = ("no", "status_word", "indicator", "latest", "date", "target", "agency", "evidence")


@strategy_section("strategy_scorecard")
def build(ctx: ReportContext, d: StrategyData) -> Section:
    tables = [
        d.rows_table(
            rows,
            COLUMNS,
            table_id=f"strategy_scorecard_{group or 'other'}",
            title=f"{d.t('committee.group_' + (group or 'other'))} ({len(rows)})",
            widths=[0.5, 1.2, 4.0, 1.8, 1.0, 1.8, 1.8, 0.8],
            sheet=d.t("report.strategy.sheet_scorecard") + f" {i + 1}",
        )
        for i, (group, rows) in enumerate(committee.by_group(d.rows))
    ]
    ranks = [(r.yardstick_index, r.yardstick_edition) for r in d.rows if r.kind == "rank"]
    return ctx.section(
        "strategy_scorecard",
        d.t("report.strategy.scorecard_title", decision=d.decision()),
        [d.source(), *ctx.edition_sources(ranks), *d.evidence_sources(d.rows)],
        lead=d.t("report.strategy.scorecard_note"),
        tables=tables,
    )
