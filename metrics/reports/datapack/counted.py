"""Sheet "counted": every progress record of the counted targets."""

from __future__ import annotations

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
        Col("recorded_on", lambda r: r.recorded_on.isoformat()),  # a day, as the other sheets write it
        Col("value", lambda r: r.value, "0"),
        Col("source", lambda r: link(r.source_url)),
        Col("note", lambda r: getattr(r, note) or None),
    ]
    return sheet(ctx, "counted", columns, ctx.records)
