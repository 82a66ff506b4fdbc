"""Sheet "counted": every progress record of the counted targets."""

from __future__ import annotations

from typing import Any

from metrics.present import phrases
from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, link, sheet
from metrics.reports.model import Table

Record = dict[str, Any]


def build(ctx: ReportContext) -> Table:
    texts = {a.target_id: ctx.text_of(a) for a in ctx.count_assessments}
    note = phrases.localized_column("note", ctx.lang)
    columns: list[Col[Record]] = [
        Col("target_id", lambda r: r["target_id"]),
        Col("target", lambda r: texts.get(r["target_id"])),
        Col("recorded_on", lambda r: _day(r["recorded_on"])),
        Col("value", lambda r: float(r["value"]), "0"),
        Col("source", lambda r: link(r["source_url"])),
        Col("note", lambda r: r.get(note) or None),
    ]
    return sheet(ctx, "counted", columns, ctx.records.to_dict("records"))


def _day(day: Any) -> str:
    return day.isoformat() if hasattr(day, "isoformat") else str(day)
