"""Report sections of the strategy in force, registered by id in metrics.reports.build: the
headline sentence, the scorecard by Appendix I group, the rank targets with their (proxy)
yardsticks, the agencies with missing evidence, and the closing review of a superseded strategy.

The strategy is the one in force on the meeting date (metrics.committee.in_force_on); every row
comes from metrics.committee (the strategy services), so the report and the pages agree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from metrics import committee, i18n
from metrics.committee import ScoreRow, StrategyChoice
from metrics.present import vocabulary
from metrics.reports.model import Bullet, Cell, Section, Source, Table
from metrics.store import queries as q

# Section ids of the meeting report's opening, in report order; the closing review is its own type.
LEADING: tuple[str, ...] = ("strategy_headline", "strategy_scorecard", "strategy_ranks", "strategy_agencies")
CLOSING: tuple[str, ...] = ("closing_review",)


class StrategyData:
    """What the sections read, loaded once per report (attached to the build context)."""

    def __init__(self, store, lang: str, today) -> None:
        self.lang = lang
        self.choices = committee.strategies(store)
        self.strategy: StrategyChoice | None = committee.in_force_on(self.choices, today)
        sid = self.strategy.strategy_id if self.strategy else None
        self.rows: list[ScoreRow] = committee.scorecard(store, sid, today=today) if sid else []
        self.names = committee.agency_names(store)
        self.latest = committee.latest_dates(committee.evidence(store))
        # the strategy the one in force replaced: the subject of a closing review
        self.closed: StrategyChoice | None = next(
            (s for s in self.choices if sid and s.superseded_by == sid), None
        )
        self._store, self._today = store, today

    @functools.cached_property
    def closed_rows(self) -> list[ScoreRow]:
        if self.closed is None:
            return []
        return committee.scorecard(self._store, self.closed.strategy_id, today=self._today)

    def t(self, key: str, **params: Any) -> str:
        return i18n.t(key, self.lang, **params)

    def word(self, status: str) -> str:
        return self.t(f"status.{status}")

    def decision(self, s: StrategyChoice | None = None) -> str:
        s = s or self.strategy
        return s.decision_name(self.lang) if s else "–"

    def source(self, s: StrategyChoice | None = None) -> Source:
        s = s or self.strategy
        return Source(
            index_id=s.strategy_id if s else "STRATEGY", label=self.decision(s), url=s.source_url if s else ""
        )


def _edition_sources(ctx, pairs) -> list[Source]:
    """The publisher file behind each (index, edition) a section quotes, each once, in order."""
    frame = q.editions(ctx.store)
    out: dict[tuple[str, int], Source] = {}
    for index_id, year in pairs:
        if not index_id or not year or (index_id, int(year)) in out:
            continue
        match = frame[(frame["index_id"] == index_id) & (frame["edition_year"] == int(year))]
        if not match.empty:
            out[(index_id, int(year))] = ctx.source(match.iloc[0].to_dict())
    return list(out.values())


def _evidence_sources(d: StrategyData, rows: list[ScoreRow]) -> list[Source]:
    """The evidence behind the figures of the targets that are not ranks (their own links)."""
    urls = sorted({r.source_url for r in rows if r.kind != "rank" and r.source_url and r.value is not None})
    return [Source(index_id="EVIDENCE", label=d.t("report.progress_source"), url=u) for u in urls]


def _short_names(ctx) -> dict[str, str]:
    indices = q.indices(ctx.store)
    return dict(zip(indices["index_id"], indices["short_name"], strict=True))


def _data(ctx) -> StrategyData:
    if not hasattr(ctx, "_strategy_data"):
        ctx._strategy_data = StrategyData(ctx.store, ctx.lang, ctx.today)
    return ctx._strategy_data


def _status_cell(d: StrategyData, status: str) -> Cell:
    # "superseded" is a verdict, not an engine class: no colour of its own
    coloured = status if status in vocabulary.STATUS else None
    return Cell(text=d.word(status), value=d.word(status), status=coloured)


def _row_cells(d: StrategyData, r: ScoreRow) -> list[Cell]:
    measured = r.measured_on if r.kind != "rank" else None
    as_of = (
        i18n.fmt_date(measured, d.lang)
        if measured
        else (str(r.yardstick_edition) if r.yardstick_edition else "–")
    )
    return [
        Cell(text=r.indicator_no or "–", value=r.indicator_no or ""),
        _status_cell(d, r.status),
        Cell(text=r.text(d.lang), value=r.text(d.lang), url=r.source_url),
        Cell(text=committee.value_text(r, d.lang), value=r.value),
        Cell(text=as_of, value=as_of),
        Cell(text=f"{committee.goal_text(r, d.lang)} ({r.horizon_year})", value=r.target_value),
        Cell(text=r.agency(d.lang) or d.t("committee.no_agency"), value=r.lead_agency),
        Cell(text=str(r.evidence_count), value=r.evidence_count, num_format="0"),
    ]


def _columns(d: StrategyData) -> list[str]:
    return [
        d.t(f"committee.col_{k}")
        for k in ("no", "status_word", "indicator", "latest", "date", "target", "agency", "evidence")
    ]


def _no_strategy(ctx, section_id: str) -> Section:
    d = _data(ctx)
    return ctx.section(section_id, d.t("report.strategy.none_title"), [], lead=d.t("report.strategy.none"))


def strategy_headline(ctx) -> Section:
    d = _data(ctx)
    if d.strategy is None:
        return _no_strategy(ctx, "strategy_headline")
    counts = committee.headline_counts(d.rows)
    bullets = [
        Bullet(text=d.t(f"report.strategy.count_{key}", n=n), group="counts")
        for key, n in counts.items()
        if key in committee.HEADLINE
    ]
    bullets += [
        Bullet(
            text=f"{d.word(s)}: {n}",
            status=s if s in vocabulary.STATUS else None,
            status_label=d.word(s),
            group="counts",
        )
        for s, n in counts.items()
        if s not in committee.HEADLINE and n
    ]
    return ctx.section(
        "strategy_headline",
        d.t("report.strategy.headline_title", decision=d.decision()),
        [d.source()],
        lead=committee.headline_text(d.decision(), d.rows, d.lang, d.word),
        bullets=bullets,
    )


def strategy_scorecard(ctx) -> Section:
    d = _data(ctx)
    if d.strategy is None:
        return _no_strategy(ctx, "strategy_scorecard")
    tables = [
        Table(
            table_id=f"strategy_scorecard_{group or 'other'}",
            title=f"{d.t('committee.group_' + (group or 'other'))} ({len(rows)})",
            columns=_columns(d),
            rows=[_row_cells(d, r) for r in rows],
            widths=[0.5, 1.2, 4.0, 1.8, 1.0, 1.8, 1.8, 0.8],
            sheet=d.t("report.strategy.sheet_scorecard") + f" {i + 1}",
        )
        for i, (group, rows) in enumerate(committee.by_group(d.rows))
    ]
    ranks = [(r.yardstick_index, r.yardstick_edition) for r in d.rows if r.kind == "rank"]
    return ctx.section(
        "strategy_scorecard",
        d.t("report.strategy.scorecard_title", decision=d.decision()),
        [d.source(), *_edition_sources(ctx, ranks), *_evidence_sources(d, d.rows)],
        lead=d.t("report.strategy.scorecard_note"),
        tables=tables,
    )


def strategy_ranks(ctx) -> Section:
    d = _data(ctx)
    if d.strategy is None:
        return _no_strategy(ctx, "strategy_ranks")
    ranks = [r for r in d.rows if r.kind == "rank"]
    short = _short_names(ctx)
    bullets, rows, quoted = [], [], []
    for r in ranks:
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
        bullets.append(
            Bullet(
                text=f"{committee.goal_text(r, d.lang)} ({r.horizon_year}): {reading}",
                status=r.status if r.status in vocabulary.STATUS else None,
                status_label=d.word(r.status),
                detail=d.t("committee.proxy_caveat", index=short.get(index, index))
                if r.yardstick_proxy
                else r.source_url,
                group="rank",
            )
        )
        for y in [
            committee.Yardstick(
                index_id=index,
                edition_year=r.yardstick_edition,
                rank=None if r.value is None else int(r.value),
                of=r.of,
                status=r.status,
            ),
            *r.other_yardsticks,
        ]:
            quoted.append((y.index_id, y.edition_year))
            rows.append(
                [
                    Cell(text=committee.goal_text(r, d.lang), value=r.target_id),
                    Cell(text=short.get(y.index_id, y.index_id), value=y.index_id),
                    Cell(text=str(y.edition_year or "–"), value=y.edition_year),
                    Cell(
                        text=i18n.t(
                            "common.rank_of",
                            d.lang,
                            rank=y.rank if y.rank is not None else "–",
                            of=y.of if y.of is not None else "–",
                        ),
                        value=y.rank,
                    ),
                    _status_cell(d, y.status),
                    Cell(
                        text=d.t("report.strategy.proxy_yes")
                        if (y.index_id == index and r.yardstick_proxy)
                        else "",
                        value=bool(y.index_id == index and r.yardstick_proxy),
                    ),
                ]
            )
    table = Table(
        table_id="strategy_ranks",
        title=d.t("report.strategy.yardsticks_title"),
        columns=[
            d.t("committee.col_target"),
            d.t("committee.col_yardstick_any"),
            d.t("report.strategy.col_edition"),
            d.t("report.strategy.col_rank"),
            d.t("committee.col_status_word"),
            d.t("report.strategy.col_proxy"),
        ],
        rows=rows,
        note=d.t("report.strategy.yardsticks_note"),
        sheet=d.t("report.strategy.sheet_ranks"),
    )
    return ctx.section(
        "strategy_ranks",
        d.t("committee.rank_title"),
        [d.source(), *_edition_sources(ctx, quoted)],
        lead=d.t("report.strategy.ranks_lead", n=len(ranks), proxies=sum(r.yardstick_proxy for r in ranks)),
        bullets=bullets,
        tables=[table] if rows else [],
    )


def strategy_agencies(ctx) -> Section:
    d = _data(ctx)
    if d.strategy is None:
        return _no_strategy(ctx, "strategy_agencies")
    lines = committee.agency_reminders(d.rows, d.latest, d.names)
    by_id = {r.target_id: r for r in d.rows}
    owing = [a for a in lines if a.missing]
    rows = [
        [
            Cell(text=a.name(d.lang), value=a.agency_id),
            Cell(text=str(len(a.targets)), value=len(a.targets), num_format="0"),
            Cell(
                text=i18n.fmt_date(a.latest, d.lang) if a.latest else d.t("agencies_page.none_yet"),
                value=str(a.latest or ""),
            ),
            Cell(text=str(len(a.missing)), value=len(a.missing), num_format="0"),
            Cell(
                text=", ".join(by_id[i].indicator_no or i for i in a.missing),
                value=", ".join(a.missing),
            ),
        ]
        for a in owing
    ]
    table = Table(
        table_id="strategy_agencies",
        title=d.t("agencies_page.reminder_title"),
        columns=[
            d.t("agencies_page.col_agency"),
            d.t("agencies_page.col_targets"),
            d.t("agencies_page.col_latest"),
            d.t("report.strategy.col_missing_n"),
            d.t("report.strategy.col_missing_list"),
        ],
        rows=rows,
        widths=[3.0, 1.0, 1.2, 1.0, 3.0],
        sheet=d.t("report.strategy.sheet_agencies"),
    )
    lead = (
        d.t("report.strategy.agencies_lead", agencies=len(owing), missing=sum(len(a.missing) for a in owing))
        if owing
        else (
            d.t("agencies_page.reminder_none")
            if lines
            else d.t("agencies_page.no_agencies", decision=d.decision())
        )
    )
    return ctx.section(
        "strategy_agencies",
        d.t("report.strategy.agencies_title"),
        [d.source()],
        lead=lead,
        tables=[table] if rows else [],
    )


def closing_review(ctx) -> Section:
    """The committee's summing-up of the strategy the one in force replaced."""
    d = _data(ctx)
    old = d.closed
    if old is None:
        return ctx.section(
            "closing_review", d.t("report.closing.title_none"), [], lead=d.t("report.closing.none")
        )
    review = committee.closing_review(d.closed_rows)
    successors = {r.target_id: r for r in d.rows}
    tables = []
    for key in ("achieved", "missed", committee.SUPERSEDED, "other"):
        mine = review[key]
        if not mine:
            continue
        rows = []
        for r in mine:
            nxt = successors.get(r.succeeded_by or "")
            succ = (
                d.t(
                    "committee.successor_text",
                    no=nxt.indicator_no or nxt.target_id,
                    decision=d.decision(),
                    text=nxt.text(d.lang),
                )
                if nxt
                else (d.t("committee.no_successor") if key == committee.SUPERSEDED else "–")
            )
            rows.append(
                [
                    _status_cell(d, r.status),
                    Cell(text=r.text(d.lang), value=r.text(d.lang), url=r.source_url),
                    Cell(text=f"{committee.goal_text(r, d.lang)} ({r.horizon_year})", value=r.target_value),
                    Cell(text=committee.value_text(r, d.lang), value=r.value),
                    Cell(text=succ, value=r.succeeded_by or ""),
                ]
            )
        tables.append(
            Table(
                table_id=f"closing_{key}",
                title=d.t(f"committee.closing_{key}", n=len(mine)),
                columns=[
                    d.t("committee.col_status_word"),
                    d.t("committee.col_indicator"),
                    d.t("committee.col_target"),
                    d.t("committee.col_latest"),
                    d.t("committee.col_successor"),
                ],
                rows=rows,
                widths=[1.2, 4.0, 1.8, 1.8, 4.0],
                sheet=d.t(f"report.closing.sheet_{key}"),
            )
        )
    lead = d.t(
        "committee.closing_headline",
        decision=d.decision(old),
        date=i18n.fmt_date(old.superseded_on, d.lang),
        total=len(d.closed_rows),
        achieved=len(review["achieved"]),
        missed=len(review["missed"]),
        superseded=len(review[committee.SUPERSEDED]),
        other=len(review["other"]),
    )
    return ctx.section(
        "closing_review",
        d.t("report.closing.title", decision=d.decision(old)),
        [d.source(old), d.source()],
        lead=lead,
        tables=tables,
    )


BUILDERS: dict[str, Callable[[Any], Section]] = {
    "strategy_headline": strategy_headline,
    "strategy_scorecard": strategy_scorecard,
    "strategy_ranks": strategy_ranks,
    "strategy_agencies": strategy_agencies,
    "closing_review": closing_review,
}
