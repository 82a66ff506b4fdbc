"""What changed since the previous edition: ranks, percentile, score, and each rank target's
status and gap."""

from __future__ import annotations

from metrics.present import phrases
from metrics.progress import Assessment
from metrics.reports.context import ReportContext
from metrics.reports.model import Bullet, Cell, Section, Table
from metrics.reports.registry import section
from metrics.services import RankRow


def _places(ctx: ReportContext, before: int | None, after: int | None) -> tuple[str, int | None]:
    if before is None or after is None:
        return "–", None
    moved = before - after
    if moved > 0:
        return ctx.t("report.changes.places_up", n=moved), moved
    if moved < 0:
        return ctx.t("report.changes.places_down", n=-moved), moved
    return ctx.t("report.changes.places_same"), 0


def changes_rows(ctx: ReportContext) -> list[list[Cell]]:
    """The table of the section and of the data pack's sheet: the yardstick's readings of the
    previous edition and of this one, then each rank target's status and gap."""
    if ctx.prev is None or len(ctx.history) < 2:
        return []
    previous = ctx.prev.edition_year
    rows = _reading_rows(ctx, ctx.history[-2], ctx.history[-1])
    for a in ctx.rank_assessments:
        histories = ctx.status_histories.get(a.target_id, [])
        before = next((h for h in histories if h.as_of_edition == previous), None)
        rows += _target_rows(ctx, a, before)
    return rows


def _label(text: str) -> Cell:
    return Cell(text=text, value=text)


def _rank_cell(ctx: ReportContext, rank: int | None, of: int | None) -> Cell:
    return Cell(text=ctx.t("common.rank_of", rank=rank or "–", of=of), value=rank)


def _moved_cell(ctx: ReportContext, before: int | None, after: int | None) -> Cell:
    text, moved = _places(ctx, before, after)
    return Cell(text=text, value=moved)


def _reading_rows(ctx: ReportContext, then: RankRow, now: RankRow) -> list[list[Cell]]:
    rank_then, rank_now = phrases.shown_rank(then), phrases.shown_rank(now)
    comparable = then.series == now.series  # scores of two frameworks do not subtract
    return [
        [
            _label(ctx.t("report.changes.global_rank")),
            _rank_cell(ctx, rank_then, then.countries_ranked),
            _rank_cell(ctx, rank_now, now.countries_ranked),
            _moved_cell(ctx, rank_then, rank_now),
        ],
        [
            _label(ctx.t("report.changes.percentile")),
            Cell(text=ctx.num(then.percentile, 1), value=then.percentile, num_format="0.0"),
            Cell(text=ctx.num(now.percentile, 1), value=now.percentile, num_format="0.0"),
            _delta_cell(ctx, then.percentile, now.percentile, 1),
        ],
        [
            _label(ctx.t("report.changes.group_rank", group=ctx.group)),
            _rank_cell(ctx, then.group_rank, then.group_size),
            _rank_cell(ctx, now.group_rank, now.group_size),
            _moved_cell(ctx, then.group_rank, now.group_rank),
        ],
        [
            _label(ctx.t("report.changes.score")),
            Cell(text=ctx.num(then.score), value=then.score, num_format="0.00"),
            Cell(text=ctx.num(now.score), value=now.score, num_format="0.00"),
            _delta_cell(ctx, then.score, now.score, 2) if comparable else Cell(text="–"),
        ],
    ]


def _target_rows(ctx: ReportContext, a: Assessment, before: Assessment | None) -> list[list[Cell]]:
    """A rank target's status and gap after the previous edition (`before`) and now."""
    changed = before is not None and before.status != a.status
    gap_before = before.gap if before else None
    return [
        [
            _label(ctx.t("report.changes.status_of", goal=ctx.goal(a), year=a.horizon_year)),
            ctx.status_cell(before.status) if before else Cell(text="–"),
            ctx.status_cell(a.status),
            Cell(text=ctx.t("report.changes.status_changed") if changed else ""),
        ],
        [
            _label(ctx.t("report.changes.gap_of", goal=ctx.goal(a), year=a.horizon_year)),
            Cell(text=ctx.signed(gap_before) if before else "–", value=gap_before, num_format="0.00"),
            Cell(text=ctx.signed(a.gap), value=a.gap, num_format="0.00"),
            _delta_cell(ctx, gap_before, a.gap, 2),
        ],
    ]


def _delta_cell(ctx: ReportContext, before: float | None, after: float | None, decimals: int) -> Cell:
    if before is None or after is None:
        return Cell(text="–")
    delta = round(after - before, 6)
    return Cell(text=ctx.signed(delta, decimals), value=delta, num_format="0.00")


@section("changes")
def build(ctx: ReportContext) -> Section:
    if ctx.prev is None:
        return ctx.section(
            "changes",
            ctx.t("report.section.changes_none"),
            [ctx.source(ctx.ed)],
            lead=ctx.t("report.changes.none", index=ctx.index),
        )
    previous, current = ctx.prev.edition_year, ctx.as_of
    bullets = []
    if ctx.prev.series != ctx.ed.series:
        bullets.append(
            Bullet(
                text=ctx.t(
                    "report.changes.break_note",
                    current=current,
                    previous=previous,
                    series_now=ctx.ed.series,
                    series_then=ctx.prev.series,
                )
            )
        )
    cols = [
        ctx.t("report.col.item"),
        f"{ctx.index} {previous}",
        f"{ctx.index} {current}",
        ctx.t("report.col.change"),
    ]
    table = Table(
        table_id="changes",
        title=ctx.t("report.changes.table_title", index=ctx.index, previous=previous, current=current),
        columns=cols,
        rows=changes_rows(ctx),
        widths=[3.2, 1.4, 1.4, 1.2],
    )
    return ctx.section(
        "changes",
        ctx.t("report.section.changes", edition=f"{ctx.index} {previous}"),
        [ctx.source(ctx.prev), ctx.source(ctx.ed)],
        lead=ctx.t("report.changes.lead", index=ctx.index, previous=previous, current=current),
        bullets=bullets,
        tables=[table],
    )
