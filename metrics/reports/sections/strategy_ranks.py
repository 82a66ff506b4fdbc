"""The strategy in force's rank targets: each with its reading, and every yardstick that judges
it (the one the decision names, or a proxy chosen by analysts, then the others)."""

from __future__ import annotations

from metrics import committee, i18n
from metrics.committee import ScoreRow, Yardstick
from metrics.reports.context import ReportContext
from metrics.reports.model import Bullet, Cell, Section, Table
from metrics.reports.strategy import StrategyData, strategy_section


@strategy_section("strategy_ranks")
def build(ctx: ReportContext, d: StrategyData) -> Section:
    ranks = [r for r in d.rows if r.kind == "rank"]
    short = ctx.short_names()
    bullets = [_bullet(d, r, short) for r in ranks]
    judged = [(r, y) for r in ranks for y in _yardsticks(r)]
    rows = [_yardstick_cells(d, r, y, short) for r, y in judged]
    table = Table(
        table_id="strategy_ranks",
        title=d.t("report.strategy.yardsticks_title"),
        columns=d.words(
            "committee.col_target",
            "committee.col_yardstick_any",
            "report.strategy.col_edition",
            "report.strategy.col_rank",
            "committee.col_status_word",
            "report.strategy.col_proxy",
        ),
        rows=rows,
        note=d.t("report.strategy.yardsticks_note"),
        sheet=d.t("report.strategy.sheet_ranks"),
    )
    quoted = [(y.index_id, y.edition_year) for _, y in judged]
    return ctx.section(
        "strategy_ranks",
        d.t("committee.rank_title"),
        [d.source(), *ctx.edition_sources(quoted)],
        lead=d.t("report.strategy.ranks_lead", n=len(ranks), proxies=sum(r.yardstick_proxy for r in ranks)),
        bullets=bullets,
        tables=[table] if rows else [],
    )


def _bullet(d: StrategyData, r: ScoreRow, short: dict[str, str]) -> Bullet:
    index = r.yardstick_index or "–"
    reading = (
        committee.no_data_text(r, d.lang)
        if r.value is None
        else d.t(
            "committee.rank_reading",
            index=short.get(index, index),
            edition=r.yardstick_edition or "–",
            rank=committee.value_text(r, d.lang),
        )
    )
    return Bullet(
        text=f"{d.goal(r)} ({r.horizon_year}): {reading}",
        status=d.colour_of(r.status),
        status_label=d.word(r.status),
        detail=d.t("committee.proxy_caveat", index=short.get(index, index))
        if r.yardstick_proxy
        else r.source_url,
        group="rank",
    )


def _yardsticks(r: ScoreRow) -> list[Yardstick]:
    """The target's own yardstick (its reading in the scorecard), then the others."""
    own = Yardstick(
        index_id=r.yardstick_index or "–",
        edition_year=r.yardstick_edition,
        rank=None if r.value is None else int(r.value),
        of=r.of,
        status=r.status,
    )
    return [own, *r.other_yardsticks]


def _yardstick_cells(d: StrategyData, r: ScoreRow, y: Yardstick, short: dict[str, str]) -> list[Cell]:
    proxy = bool(y.index_id == (r.yardstick_index or "–") and r.yardstick_proxy)
    rank = i18n.t(
        "common.rank_of",
        d.lang,
        rank=y.rank if y.rank is not None else "–",
        of=y.of if y.of is not None else "–",
    )
    return [
        Cell(text=d.goal(r), value=r.target_id),
        Cell(text=short.get(y.index_id, y.index_id), value=y.index_id),
        Cell(text=str(y.edition_year or "–"), value=y.edition_year),
        Cell(text=rank, value=y.rank),
        d.status_cell(y.status),
        Cell(text=d.t("report.strategy.proxy_yes") if proxy else "", value=proxy),
    ]
