"""Sheet "data": every country's total and every measure of the group's members, for each edition
up to the report's, as imported (file, version, checksum)."""

from __future__ import annotations

from typing import NamedTuple

from metrics.reports.context import ReportContext
from metrics.reports.datapack._columns import Col, datum, sheet
from metrics.reports.model import Table
from metrics.store import queries as q
from metrics.store.rows import EditionRecord, ObservationRecord


class Observation(NamedTuple):
    edition: EditionRecord
    level: str | None  # the measure's level in the edition's framework
    obs: ObservationRecord


def build(ctx: ReportContext) -> Table:
    columns: list[Col[Observation]] = [
        Col("index", lambda o: ctx.index),
        Col("edition", lambda o: o.edition.edition_year, "0"),
        Col("iso3", lambda o: o.obs.iso3),
        Col("country", lambda o: ctx.name(o.obs.iso3)),
        Col("measure", lambda o: o.obs.measure_id),
        Col("level", lambda o: o.level),
        Col("value", lambda o: o.obs.value, "0.0000"),
        Col("published_rank", lambda o: o.obs.published_rank, "0"),
        Col("name_in_source", lambda o: o.obs.name_in_source or None),
        Col("source_file", lambda o: o.obs.source_file or None),
        Col("source", lambda o: datum(o.edition.source_url, url=o.edition.source_url)),
        Col("version", lambda o: o.obs.version_id, "0"),
        Col("sha256", lambda o: o.edition.sha256 or None),
        Col("imported_at", lambda o: str(o.edition.imported_at)[:19]),
    ]
    return sheet(ctx, "data", columns, _observations(ctx), ctx.t("report.xlsx.data_note"))


def _observations(ctx: ReportContext) -> list[Observation]:
    out = []
    for ed in ctx.editions:
        members = set(q.group_members(ctx.store, ctx.group, ed.membership_date))
        levels = {m.measure_id: m.level for m in q.measure_rows(ctx.store, ctx.index, ed.framework)}
        out += [
            Observation(ed, levels.get(o.measure_id), o)
            for o in q.observation_rows(ctx.store, ctx.index, ed.edition_year)
            if o.measure_id == "total" or o.iso3 in members
        ]
    return out
