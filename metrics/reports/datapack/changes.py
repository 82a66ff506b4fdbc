"""Sheet "changes": the changes section's table, when there is a previous edition."""

from __future__ import annotations

from metrics.reports.context import ReportContext
from metrics.reports.model import Table
from metrics.reports.sections.changes import changes_rows


def build(ctx: ReportContext) -> Table | None:
    if ctx.prev is None:
        return None
    return Table(
        table_id="pack_changes",
        title=ctx.t("report.xlsx.changes"),
        sheet=ctx.t("report.xlsx.changes"),
        columns=[ctx.t(f"report.col.{k}") for k in ("item", "previous", "current", "change")],
        rows=changes_rows(ctx),
    )
