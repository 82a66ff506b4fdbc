"""The agencies of the strategy in force that owe evidence: how many targets, the latest record,
which targets have none."""

from __future__ import annotations

from metrics import committee
from metrics.present import format as fmt
from metrics.reports.context import ReportContext
from metrics.reports.model import Cell, Section, Table
from metrics.reports.strategy import StrategyData, strategy_section


@strategy_section("strategy_agencies")
def build(ctx: ReportContext, d: StrategyData) -> Section:
    lines = committee.agency_reminders(d.rows, d.latest, d.names)
    by_id = {r.target_id: r for r in d.rows}
    owing = [a for a in lines if a.missing]
    rows = [
        [
            Cell(text=a.name(d.lang), value=a.agency_id),
            Cell(text=str(len(a.targets)), value=len(a.targets), num_format="0"),
            Cell(
                text=fmt.date(a.latest, d.lang) if a.latest else d.t("agencies_page.none_yet"),
                value=str(a.latest or ""),
            ),
            Cell(text=str(len(a.missing)), value=len(a.missing), num_format="0"),
            Cell(
                text=", ".join(by_id[i].indicator_no or i for i in a.missing),
                value=", ".join(a.missing),
            ),
        ]
        for a in owing
    ]
    table = Table(
        table_id="strategy_agencies",
        title=d.t("agencies_page.reminder_title"),
        columns=d.words(
            "agencies_page.col_agency",
            "agencies_page.col_targets",
            "agencies_page.col_latest",
            "report.strategy.col_missing_n",
            "report.strategy.col_missing_list",
        ),
        rows=rows,
        widths=[3.0, 1.0, 1.2, 1.0, 3.0],
        sheet=d.t("report.strategy.sheet_agencies"),
    )
    if owing:
        missing = sum(len(a.missing) for a in owing)
        lead = d.t("report.strategy.agencies_lead", agencies=len(owing), missing=missing)
    elif lines:
        lead = d.t("agencies_page.reminder_none")
    else:
        lead = d.t("agencies_page.no_agencies", decision=d.decision())
    return ctx.section(
        "strategy_agencies",
        d.t("report.strategy.agencies_title"),
        [d.source()],
        lead=lead,
        tables=[table] if rows else [],
    )
