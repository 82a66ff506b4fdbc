"""Sheet "counted": every progress record of the counted targets."""

from __future__ import annotations

import datetime as dt

from metrics.present import phrases
from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, link, sheet
from metrics.reports.model import Table
from metrics.store.rows import EvidenceRecord


def build(ctx: ReportContext) -> Table:
    texts = {a.target_id: ctx.text_of(a) for a in ctx.count_assessments}
    note = phrases.localized_column("note", ctx.lang)
    columns: list[Col[EvidenceRecord]] = [
        Col("target_id", lambda r: r.target_id),
        Col("target", lambda r: texts.get(r.target_id)),
        Col("recorded_on", lambda r: _day(r.recorded_on)),
        Col("value", lambda r: r.value, "0"),
        Col("source", lambda r: link(r.source_url)),
        Col("note", lambda r: getattr(r, note) or None),
    ]
    return sheet(ctx, "counted", columns, ctx.records)


def _day(day: dt.date) -> str:
    # Written as a timestamp at midnight ("2025-08-18T00:00:00"), as the sheet always has (the
    # records were once read as pandas frames, whose dates are timestamps); the output contract
    # (tests/__snapshots__/test_reports_content) holds it so.
    return dt.datetime.combine(day, dt.time()).isoformat()
