"""The XLSX data pack: the sheets beyond the sections' own, one module per sheet.

`SHEETS` is the workbook's order. A sheet comes when one of the sections in `when` is chosen (every
time when `when` is empty), in the report kinds of `kinds`; a builder returning None has nothing to
say (the changes, without a previous edition). Before them come the sections' tables that name a
sheet (the strategy in force's, as its sections lead the report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from metrics.reports.context import ReportContext
from metrics.reports.datapack import (
    changes,
    counted,
    data,
    gaps,
    group,
    levers,
    projections,
    ranks,
    scorecard,
    sources,
    thresholds,
    traces,
)
from metrics.reports.model import ReportKind, Section, SectionId, Table


@dataclass(frozen=True)
class Sheet:
    sheet_id: str
    build: Callable[[ReportContext], Table | None]
    when: tuple[SectionId, ...] = ()
    kinds: tuple[ReportKind, ...] = ("meeting",)


RANKS_SHOWN: tuple[SectionId, ...] = ("trajectory", "changes")
SHEETS: tuple[Sheet, ...] = (
    Sheet("scorecard", scorecard.build),
    Sheet("ranks", ranks.build, RANKS_SHOWN),
    Sheet("thresholds", thresholds.build, RANKS_SHOWN),
    Sheet("projections", projections.build, RANKS_SHOWN),
    Sheet("group", group.build, ("asean",)),
    Sheet("gaps", gaps.build, ("pillars",)),
    Sheet("levers", levers.build, ("pillars",)),
    Sheet("counted", counted.build, ("counted",)),
    Sheet("changes", changes.build, ("changes",)),
    Sheet("traces", traces.build, ("appendix",)),
    Sheet("data", data.build),
    Sheet("sources", sources.build, kinds=("meeting", "closing_review")),
)


def data_pack(ctx: ReportContext, sections: list[Section]) -> list[Table]:
    chosen = set(ctx.opts.chosen_sections)
    leading = [t for s in sections for t in s.tables if t.sheet]
    wanted = [s for s in SHEETS if ctx.opts.kind in s.kinds and (not s.when or chosen.intersection(s.when))]
    built = [s.build(ctx) for s in wanted]
    return [*leading, *(t for t in built if t is not None)]
