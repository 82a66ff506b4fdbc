"""What changed since the previous edition: ranks, percentile, score, and each rank target's
status and gap."""

from __future__ import annotations

from metrics.present import phrases
from metrics.reports.context import ReportContext
from metrics.reports.model import Bullet, Cell, Section, Table
from metrics.reports.registry import section


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
    if ctx.prev is None or len(ctx.history) < 2:
        return []
    then, now = ctx.history[-2], ctx.history[-1]
    rows = []
    rank_then, rank_now = phrases.shown_rank(then), phrases.shown_rank(now)
    text, moved = _places(ctx, rank_then, rank_now)
    rows.append(
        [
            Cell(text=ctx.t("report.changes.global_rank"), value=ctx.t("report.changes.global_rank")),
            Cell(
                text=ctx.t("common.rank_of", rank=rank_then or "–", of=then.countries_ranked), value=rank_then
            ),
            Cell(text=ctx.t("common.rank_of", rank=rank_now or "–", of=now.countries_ranked), value=rank_now),
            Cell(text=text, value=moved),
        ]
    )
    rows.append(
        [
            Cell(text=ctx.t("report.changes.percentile"), value=ctx.t("report.changes.percentile")),
            Cell(text=ctx.num(then.percentile, 1), value=then.percentile, num_format="0.0"),
            Cell(text=ctx.num(now.percentile, 1), value=now.percentile, num_format="0.0"),
            _delta_cell(ctx, then.percentile, now.percentile, 1),
        ]
    )
    text, moved = _places(ctx, then.group_rank, now.group_rank)
    label = ctx.t("report.changes.group_rank", group=ctx.group)
    rows.append(
        [
            Cell(text=label, value=label),
            Cell(
                text=ctx.t("common.rank_of", rank=then.group_rank or "–", of=then.group_size),
                value=then.group_rank,
            ),
            Cell(
                text=ctx.t("common.rank_of", rank=now.group_rank or "–", of=now.group_size),
                value=now.group_rank,
            ),
            Cell(text=text, value=moved),
        ]
    )
    comparable = then.series == now.series
    rows.append(
        [
            Cell(text=ctx.t("report.changes.score"), value=ctx.t("report.changes.score")),
            Cell(text=ctx.num(then.score), value=then.score, num_format="0.00"),
            Cell(text=ctx.num(now.score), value=now.score, num_format="0.00"),
            _delta_cell(ctx, then.score, now.score, 2) if comparable else Cell(text="–"),
        ]
    )
    for a in ctx.rank_assessments:
        before = next(
            (
                h
                for h in ctx.status_histories.get(a.target_id, [])
                if h.as_of_edition == int(ctx.prev["edition_year"])
            ),
            None,
        )
        label = ctx.t("report.changes.status_of", goal=ctx.goal(a), year=a.horizon_year)
        rows.append(
            [
                Cell(text=label, value=label),
                ctx.status_cell(before.status) if before else Cell(text="–"),
                ctx.status_cell(a.status),
                Cell(
                    text=""
                    if before is None or before.status == a.status
                    else ctx.t("report.changes.status_changed")
                ),
            ]
        )
        label = ctx.t("report.changes.gap_of", goal=ctx.goal(a), year=a.horizon_year)
        rows.append(
            [
                Cell(text=label, value=label),
                Cell(
                    text=ctx.signed(before.gap) if before else "–",
                    value=before.gap if before else None,
                    num_format="0.00",
                ),
                Cell(text=ctx.signed(a.gap), value=a.gap, num_format="0.00"),
                _delta_cell(ctx, before.gap if before else None, a.gap, 2),
            ]
        )
    return rows


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
    previous, current = int(ctx.prev["edition_year"]), ctx.as_of
    bullets = []
    if ctx.prev["series"] != ctx.ed["series"]:
        bullets.append(
            Bullet(
                text=ctx.t(
                    "report.changes.break_note",
                    current=current,
                    previous=previous,
                    series_now=ctx.ed["series"],
                    series_then=ctx.prev["series"],
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
