"""Sheet "sources": every source the report cites, with its import version, file and checksum
(the appendix's sources table, with raw values)."""

from __future__ import annotations

from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Source, Table


def build(ctx: ReportContext) -> Table:
    columns: list[Col[Source]] = [
        Col("source", lambda s: s.label),
        Col("url", lambda s: datum(s.url or None, url=s.url)),
        Col("version", lambda s: s.version_id, "0"),
        Col("file", lambda s: s.file_name or None),
        Col("sha256", lambda s: s.sha256 or None),
    ]
    return sheet(ctx, "sources", columns, ctx.all_sources())
