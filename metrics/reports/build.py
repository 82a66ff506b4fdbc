"""Store -> ReportModel, through the engine's services only (the same numbers as the dashboard).

Every sentence is translated here (metrics.i18n), every number is kept both as its raw value and
as the text shown in the report's language, and every section names its sources. The writers then
only lay the model out.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from metrics import committee, i18n, services
from metrics.errors import MetricsError, NotFound
from metrics.present import format as fmt
from metrics.present import phrases, theme, vocabulary
from metrics.progress import Assessment, count_unit, methodology, step_formula, step_value
from metrics.reports import strategy as strategy_sections
from metrics.reports.model import (
    Bullet,
    Cell,
    Chart,
    ReportModel,
    ReportOptions,
    Section,
    Series,
    Source,
    Table,
    nfc,
)
from metrics.store import Store
from metrics.store import queries as q

ISO3 = services.DEFAULT_COUNTRY
# Lines of the target ranks in the rank charts, by horizon, and of thresholds (distinct from Viet
# Nam's vermillion line; one palette with the app: metrics.present.theme).
TARGET_COLOURS = [theme.hex(theme.OKABE_ITO[k]) for k in ("orange", "reddish_purple", "sky_blue", "black")]
THRESHOLD_COLOURS = [
    theme.hex(theme.OKABE_ITO[k]) for k in ("black", "bluish_green", "reddish_purple", "blue")
]


def build_report(store: Store, options: ReportOptions | None = None) -> ReportModel:
    ctx = _Context(store, options or ReportOptions())
    sections = [_BUILDERS[sid](ctx) for sid in ctx.opts.chosen_sections]
    closing = ctx.opts.kind == "closing_review"
    return ReportModel(
        lang=ctx.lang,
        title=sections[0].title if closing else ctx.t("report.title", **ctx.decision_fields()),
        subtitle=ctx.t(
            "report.subtitle", index_name=ctx.index_name, index=ctx.index, publisher=ctx.publisher
        ),
        meeting_date=ctx.today,
        meeting_line=ctx.t("report.meeting_line", date=i18n.fmt_date(ctx.today, ctx.lang)),
        as_of_line=ctx.t(
            "report.as_of_line",
            index=ctx.index,
            edition=ctx.as_of,
            countries=ctx.num(ctx.ed["countries_ranked"], 0),
            group=ctx.group,
            membership_date=i18n.fmt_date(ctx.ed["membership_date"], ctx.lang),
            members=len(ctx.members),
            version=ctx.data_version,
        ),
        index_id=ctx.index,
        as_of_edition=ctx.as_of,
        group_id=ctx.group,
        data_version=ctx.data_version,
        footer=ctx.t(
            "report.footer",
            publisher=ctx.publisher,
            index=ctx.index,
            editions=_year_span([int(e["edition_year"]) for e in ctx.editions]),
            **ctx.decision_fields(),
        ),
        labels={
            key: ctx.t(f"report.label.{key}")
            for key in (
                "page",
                "continued",
                "contents",
                "chart_fallback",
                "cover",
                "sheets",
                "sheet_contents",
                "sources",
                "data_version",
            )
        },
        sections=sections,
        data_pack=_data_pack(ctx, sections),
        sources=ctx.all_sources(),
    )


def usable_editions(store: Store, index_id: str, iso3: str = ISO3) -> list[int]:
    """The editions a report can be 'as of': mostly with totals (not an edition imported without
    them) and with the country's total. The latest is the default of the CLI and the Report page."""
    out = []
    for ed in q.editions(store, index_id).to_dict("records"):
        if not bool(ed.get("has_headline", True)):
            continue
        scores = q.scores(store, index_id, int(ed["edition_year"]), "total")
        if iso3 in set(scores["iso3"]):
            out.append(int(ed["edition_year"]))
    return out


# --- context: everything loaded once ---------------------------------------------------------------


class _Context:
    def __init__(self, store: Store, opts: ReportOptions) -> None:
        self.store = store
        self.opts = opts
        self.lang = opts.lang
        self.today = opts.meeting_date or dt.date.today()
        self.group = opts.group_id
        groups = set(q.peer_groups(store)["group_id"])
        if self.group not in groups:
            raise MetricsError("report_unknown_group", group_id=self.group)
        self.target_rows = {r["target_id"]: r for r in q.targets(store).to_dict("records")}
        rank_targets = [r for r in self.target_rows.values() if r["kind"] == "rank"]
        # The report's yardstick is the rank targets' own (data, not code): GAIRI by default.
        self.index = rank_targets[0]["yardstick_index"] if rank_targets else "GAIRI"
        all_eds = q.editions(store, self.index).to_dict("records")
        if not all_eds:
            raise MetricsError("unknown_index", index_id=self.index)
        usable = usable_editions(store, self.index)
        if opts.as_of is None:
            if not usable:
                raise MetricsError("report_no_usable_edition", index_id=self.index, country=ISO3)
            self.as_of = usable[-1]
        else:
            self.as_of = opts.as_of
            if self.as_of not in {int(e["edition_year"]) for e in all_eds}:
                raise NotFound("edition_not_found", index_id=self.index, edition_year=self.as_of)
            if self.as_of not in usable:
                # Without Viet Nam's total the headline, the scorecard and the trajectory have
                # nothing to say: refuse the edition rather than build a report of dashes.
                raise MetricsError(
                    "report_edition_unusable", index_id=self.index, edition_year=self.as_of, country=ISO3
                )
        self.editions = [e for e in all_eds if int(e["edition_year"]) <= self.as_of]
        self.ed = self.editions[-1]
        self.prev = self.editions[-2] if len(self.editions) > 1 else None
        self.publisher = self.ed["publisher"]
        self.index_name = phrases.localized(self.ed, "index_name", self.lang)
        self.data_version = store.data_version()
        # the strategy in force on the meeting date (a report dated before a decision was signed
        # speaks of the one in force then)
        self.in_force = committee.in_force_on(committee.strategies(store), self.today)
        self.strategy_id = self.in_force.strategy_id if self.in_force else None
        self.assessments = services.assess_targets(
            store, ISO3, strategy_id=self.strategy_id, as_of=self.as_of, today=self.today
        )
        self.rank_assessments = sorted(
            (a for a in self.assessments if a.kind == "rank"),
            key=lambda a: (a.horizon_year, a.group_id != "WORLD"),
        )
        self.count_assessments = [a for a in self.assessments if a.kind != "rank"]
        self.history = [
            r
            for r in services.rank_history(store, self.index, ISO3, self.group)
            if r.edition_year <= self.as_of
        ]
        self.row = self.history[-1] if self.history else None
        self.names = phrases.names_of(q.countries(store), "iso3", "name", self.lang)
        self.members = q.group_members(store, self.group, self.ed["membership_date"])
        self.records = q.progress_records(store)
        self.decision_url = self.in_force.source_url if self.in_force else ""
        self._cache: dict[tuple, Any] = {}

    # --- text --------------------------------------------------------------------------------------

    def t(self, key: str, **params: Any) -> str:
        return i18n.t(key, self.lang, **params)

    def num(self, value: float | int | None, decimals: int = 2) -> str:
        return fmt.num(value, self.lang, decimals)

    def signed(self, value: float | None, decimals: int = 2) -> str:
        return fmt.signed(value, self.lang, decimals)

    def nth(self, n: int | None) -> str:
        return fmt.ordinal(n, self.lang)

    def name(self, iso3: str | None) -> str:
        return self.names.get(iso3, iso3 or "–")

    def text_of(self, a: Assessment) -> str:
        text = phrases.localized(a, "text", self.lang)
        return text[:1].upper() + text[1:]  # some official wordings start mid-sentence

    def goal(self, a: Assessment) -> str:
        n = int(a.target_value) if a.target_value is not None else 0
        if a.kind == "rank":
            return phrases.goal(a.group_id, n, self.lang)
        if a.kind == "direction":
            return self.t("report.headline.direction_goal")
        row = self.target_rows.get(a.target_id, {})
        unit = count_unit(
            a.target_value,
            self.lang,
            row.get("unit_en") or "",
            row.get("unit_vi") or "",
            row.get("unit_en_one") or "",
        )
        return self.t("report.counted.goal_count", n=self.num(a.target_value, 0), unit=unit).strip()

    def status_label(self, status: str) -> str:
        return self.t(f"status.{status}")

    def status_cell(self, status: str) -> Cell:
        return Cell(text=self.status_label(status), value=self.status_label(status), status=status)

    def gap_text(self, a: Assessment) -> str:
        n = int(a.target_value or 0)
        if a.gap is None:
            return self.t("report.not_available")
        if round(a.gap, 2) == 0:
            return self.t("report.headline.gap_tie")
        key = "gap_above" if a.gap > 0 else "gap_below"
        return self.t(f"report.headline.{key}", gap=self.num(abs(a.gap)), nth=self.nth(n))

    # --- engine results, cached -----------------------------------------------------------------

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @functools.cached_property
    def status_histories(self) -> dict[str, list[Assessment]]:
        return {
            a.target_id: [
                h
                for h in services.status_history(self.store, a.target_id, ISO3, today=self.today)
                if h.as_of_edition is not None and h.as_of_edition <= self.as_of
            ]
            for a in self.rank_assessments
        }

    @functools.cached_property
    def gap_targets(self) -> list[Assessment]:
        """For the pillar analysis: in the chosen group, then in the world, the nearest target that is
        still open (not yet judged achieved or missed), else the last one."""
        out = []
        for in_group in (True, False):
            pool = [a for a in self.rank_assessments if (a.group_id == self.group) == in_group]
            pool = [a for a in pool if in_group or a.group_id == services.WORLD]
            if pool:
                out.append(next((a for a in pool if vocabulary.is_open(a.status)), pool[-1]))
        return out

    # --- sources -----------------------------------------------------------------------------------

    def source(self, ed: dict) -> Source:
        return Source(
            index_id=ed["index_id"],
            label=self.t(
                "report.source_label",
                publisher=ed["publisher"],
                index=ed["short_name"],
                edition=int(ed["edition_year"]),
            ),
            edition_year=int(ed["edition_year"]),
            url=ed["source_url"],
            version_id=int(ed["version_id"]),
            file_name=ed["file_name"],
            sha256=ed["sha256"],
        )

    def decision_source(self) -> Source:
        return Source(
            index_id=self.strategy_id or "",
            label=self.t("report.decision_source", **self.decision_fields()),
            url=self.decision_url,
        )

    def decision_fields(self) -> dict[str, str]:
        """The decision in force as the catalog strings name it (number, signing day, title)."""
        s = self.in_force
        if s is None:
            return {"decision": "–", "signed": "–", "name": ""}
        signed = s.signed_on.strftime("%d/%m/%Y") if s.signed_on else "–"
        return {"decision": s.decision_name(self.lang), "signed": signed, "name": s.name(self.lang)}

    def progress_sources(self) -> list[Source]:
        urls = sorted({u for u in self.records["source_url"].tolist() if u}) if not self.records.empty else []
        return [Source(index_id="PROGRESS", label=self.t("report.progress_source"), url=u) for u in urls]

    def all_sources(self) -> list[Source]:
        return [self.source(e) for e in self.editions] + [self.decision_source()] + self.progress_sources()

    def notes(self, sources: list[Source]) -> str:
        lines = [self.t("report.notes_sources")]
        lines += [f"- {s.label}: {s.url}" if s.url else f"- {s.label}" for s in sources]
        return "\n".join(lines)

    def section(self, section_id: str, title: str, sources: list[Source], **fields: Any) -> Section:
        return Section(
            section_id=section_id, title=title, sources=sources, notes=self.notes(sources), **fields
        )


def _missing(value: Any) -> bool:
    """None, NaN or pandas' NA (nullable integer columns from DuckDB)."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _int_or_none(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _year_span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _cells(*items: tuple[str, Any] | str) -> list[Cell]:
    out = []
    for item in items:
        if isinstance(item, Cell):
            out.append(item)
        elif isinstance(item, tuple):
            text, value = item[0], item[1]
            fmt = item[2] if len(item) > 2 else ""
            out.append(Cell(text=text, value=value, num_format=fmt))
        else:
            out.append(Cell(text=item, value=item))
    return out


# --- sections ----------------------------------------------------------------------------------------


def _headline(ctx: _Context) -> Section:
    bullets = []
    for a in ctx.rank_assessments:
        if a.current_rank is None:
            text = ctx.t(
                "report.headline.rank_line_none", goal=ctx.goal(a), year=a.horizon_year, index=ctx.index
            )
        else:
            text = ctx.t(
                "report.headline.rank_line",
                goal=ctx.goal(a),
                year=a.horizon_year,
                rank=a.current_rank,
                of=a.of,
                index=a.yardstick_index or ctx.index,
                edition=a.as_of_edition,
                gap_text=ctx.gap_text(a),
            )
        bullets.append(
            Bullet(text=text, status=a.status, status_label=ctx.status_label(a.status), group="rank")
        )
    for a in ctx.count_assessments:
        if a.current_count is None:
            text = ctx.t("report.headline.count_line_none", goal=ctx.text_of(a), year=a.horizon_year)
        else:
            text = ctx.t(
                "report.headline.count_line",
                goal=ctx.text_of(a),
                year=a.horizon_year,
                value=ctx.num(a.current_count, 0),
                date=i18n.fmt_date(a.measured_on, ctx.lang),
            )
        bullets.append(
            Bullet(text=text, status=a.status, status_label=ctx.status_label(a.status), group="counted")
        )
    return ctx.section(
        "headline",
        ctx.t("report.section.headline"),
        [ctx.source(ctx.ed), ctx.decision_source(), *ctx.progress_sources()],
        lead=_headline_lead(ctx),
        bullets=bullets,
    )


def _headline_lead(ctx: _Context) -> str:
    r = ctx.row
    if r is None or r.score is None:
        return ctx.t("report.headline.lead_none", index=ctx.index, edition=ctx.as_of)
    return ctx.t(
        "report.headline.lead",
        index=ctx.index,
        edition=r.edition_year,
        rank=ctx.nth(phrases.shown_rank(r)),
        of=r.countries_ranked,
        pct=ctx.num(r.percentile, 0),
        group_rank=ctx.nth(r.group_rank),
        group_size=r.group_size,
        group=ctx.group,
    )


def _scorecard_rows(ctx: _Context) -> list[list[Cell]]:
    rows = []
    for a in ctx.rank_assessments + ctx.count_assessments:
        if a.kind == "rank":
            now = (
                Cell(
                    text=ctx.t("report.scorecard.rank_now", rank=a.current_rank, of=a.of),
                    value=a.current_rank,
                )
                if a.current_rank is not None
                else Cell(text="–")
            )
            measured = f"{a.yardstick_index} {a.as_of_edition}" if a.as_of_edition else "–"
        else:
            now = (
                Cell(text=ctx.num(a.current_count, 0), value=a.current_count, num_format="0")
                if a.current_count is not None
                else Cell(text="–")
            )
            measured = (
                ctx.t("report.scorecard.record", date=i18n.fmt_date(a.measured_on, ctx.lang))
                if a.measured_on
                else "–"
            )
        rows.append(
            [
                Cell(text=ctx.text_of(a), value=ctx.text_of(a)),
                Cell(text=str(a.horizon_year), value=a.horizon_year, num_format="0"),
                Cell(text=ctx.goal(a), value=ctx.goal(a)),
                now,
                Cell(text=ctx.signed(a.gap), value=a.gap, num_format="0.00"),
                Cell(text=ctx.t(f"report.trend.{a.trend}"), value=ctx.t(f"report.trend.{a.trend}")),
                ctx.status_cell(a.status),
                Cell(text=measured, value=measured, url=a.source_url),
            ]
        )
    return rows


def _scorecard(ctx: _Context) -> Section:
    columns = [
        ctx.t(f"report.col.{c}")
        for c in ("target", "by", "goal", "now", "gap", "trend", "status", "measured_by")
    ]
    table = Table(
        table_id="scorecard",
        title="",
        columns=columns,
        rows=_scorecard_rows(ctx),
        widths=[3.4, 0.7, 1.5, 0.9, 1.0, 1.2, 1.3, 1.2],
    )
    ranks = vocabulary.count_statuses(ctx.rank_assessments)
    counted = vocabulary.count_statuses(ctx.count_assessments)
    lead = ctx.t(
        "report.scorecard.lead",
        done=ranks.good,
        rank_total=ranks.total,
        counted_none=counted.total - counted.with_data,
        counted_total=counted.total,
    )
    return ctx.section(
        "scorecard",
        ctx.t("report.section.scorecard"),
        [ctx.source(ctx.ed), ctx.decision_source(), *ctx.progress_sources()],
        lead=lead,
        tables=[table],
    )


def _rank_targets_in(ctx: _Context, world: bool) -> list[Assessment]:
    return [
        a
        for a in ctx.rank_assessments
        if (a.group_id == services.WORLD) == world and (world or a.group_id == ctx.group)
    ]


def _rank_chart(ctx: _Context, world: bool) -> Chart:
    categories = [str(r.edition_year) for r in ctx.history]
    if world:
        values = [phrases.shown_rank(r) for r in ctx.history]
        name = ctx.t("report.trajectory.series_world_rank")
        title = ctx.t("report.trajectory.world_title", index=ctx.index)
    else:
        values = [r.group_rank for r in ctx.history]
        name = ctx.t("report.trajectory.series_group_rank", group=ctx.group)
        title = ctx.t("report.trajectory.group_title", index=ctx.index, group=ctx.group)
    series = [Series(name=name, values=[float(v) if v is not None else None for v in values], role="country")]
    for i, a in enumerate(_rank_targets_in(ctx, world)):
        series.append(
            Series(
                name=ctx.t(
                    "report.trajectory.series_target", n=int(a.target_value or 0), year=a.horizon_year
                ),
                values=[float(a.target_value or 0)] * len(categories),
                role="target",
                colour=TARGET_COLOURS[i % len(TARGET_COLOURS)],
                dashed=True,
            )
        )
    table_rows = []
    for r, v in zip(ctx.history, values, strict=True):
        of = r.countries_ranked if world else r.group_size
        table_rows.append(
            _cells(
                (str(r.edition_year), r.edition_year, "0"),
                (ctx.t("common.rank_of", rank=v if v is not None else "–", of=of), v, "0"),
                *[(ctx.num(s.values[0], 0), s.values[0], "0") for s in series[1:]],
            )
        )
    table = Table(
        table_id=f"chart_{'world' if world else 'group'}_rank",
        title=title,
        columns=[ctx.t("report.col.edition"), series[0].name, *[s.name for s in series[1:]]],
        rows=table_rows,
    )
    return Chart(
        chart_id="world_rank" if world else "group_rank",
        title=title,
        kind="line",
        categories=categories,
        series=series,
        y_title=ctx.t("report.trajectory.axis_rank"),
        y_reversed=True,
        number_format="0",
        table=table,
    )


def _gap_chart(ctx: _Context) -> Chart:
    categories = [str(r.edition_year) for r in ctx.history]
    series = []
    for i, a in enumerate(ctx.rank_assessments):
        by_edition = {h.as_of_edition: h.gap for h in ctx.status_histories.get(a.target_id, [])}
        # The judged assessment is the reference for the edition as of (the scorecard's number).
        by_edition[a.as_of_edition] = a.gap
        series.append(
            Series(
                name=ctx.t("report.trajectory.series_gap", goal=ctx.goal(a), year=a.horizon_year),
                values=[by_edition.get(r.edition_year) for r in ctx.history],
                role="threshold",
                colour=THRESHOLD_COLOURS[i % len(THRESHOLD_COLOURS)],
            )
        )
    breaks = [
        f"{e['edition_year']} ({e['series']})"
        for prev, e in zip(ctx.editions, ctx.editions[1:], strict=False)
        if e["series"] != prev["series"]
    ]
    title = ctx.t("report.trajectory.gap_title")
    rows = [
        _cells((c, int(c), "0"), *[(ctx.signed(s.values[i]), s.values[i], "0.00") for s in series])
        for i, c in enumerate(categories)
    ]
    return Chart(
        chart_id="gaps_by_edition",
        title=title,
        kind="line",
        categories=categories,
        series=series,
        y_title=ctx.t("report.trajectory.axis_gap"),
        number_format="0.0",
        note=ctx.t("report.trajectory.gap_note", breaks=", ".join(breaks) or "–"),
        table=Table(
            table_id="chart_gaps",
            title=title,
            columns=[ctx.t("report.col.edition"), *[s.name for s in series]],
            rows=rows,
        ),
    )


def _projection_chart(ctx: _Context, a: Assessment) -> Chart | None:
    p = a.projection
    if p is None or not p.editions_used:
        return None
    history = {h.as_of_edition: h for h in ctx.status_histories.get(a.target_id, [])}
    first, last = min(p.editions_used), max(p.editions_used)
    years = list(range(first, max(p.target_year, last) + 1))

    def line(at_target: float | None, slope: float | None, year: int) -> float | None:
        if at_target is None or slope is None or year < last:
            return None
        return round(at_target - slope * (p.target_year - year), 4)

    def actual(year: int, field: str) -> float | None:
        h = a if year == a.as_of_edition else history.get(year)
        return getattr(h, field) if h is not None and year in p.editions_used else None

    series = [
        Series(
            name=ctx.t("report.trajectory.series_country"),
            values=[actual(y, "score") for y in years],
            role="country",
        ),
        Series(
            name=ctx.t(
                "report.trajectory.series_threshold",
                nth=ctx.nth(int(a.target_value or 0)),
                year=a.horizon_year,
            ),
            values=[actual(y, "threshold") for y in years],
            role="threshold",
            colour=THRESHOLD_COLOURS[0],
        ),
        Series(
            name=ctx.t("report.trajectory.series_country_proj"),
            values=[line(p.country_score, p.country_slope, y) for y in years],
            role="projection",
            dashed=True,
        ),
        Series(
            name=ctx.t("report.trajectory.series_threshold_proj"),
            values=[line(p.threshold, p.threshold_slope, y) for y in years],
            role="projection",
            colour=THRESHOLD_COLOURS[0],
            dashed=True,
        ),
    ]
    title = ctx.t(
        "report.trajectory.projection_title", goal=ctx.goal(a), year=a.horizon_year, series=p.series
    )
    note = ctx.t(
        "report.trajectory.projection_note",
        editions=", ".join(str(e) for e in p.editions_used),
        year=p.target_year,
        low=ctx.num(p.country_low),
        high=ctx.num(p.country_high),
        t_low=ctx.num(p.threshold_low),
        t_high=ctx.num(p.threshold_high),
    )
    rows = [
        _cells((str(y), y, "0"), *[(ctx.num(s.values[i]), s.values[i], "0.00") for s in series])
        for i, y in enumerate(years)
    ]
    return Chart(
        chart_id=f"projection_{a.target_id}",
        title=title,
        kind="line",
        categories=[str(y) for y in years],
        series=series,
        y_title=ctx.t("report.trajectory.axis_score"),
        number_format="0.0",
        note=note,
        table=Table(
            table_id=f"chart_projection_{a.target_id}",
            title=title,
            columns=[ctx.t("report.col.edition"), *[s.name for s in series]],
            rows=rows,
        ),
    )


def _history_table(ctx: _Context) -> Table:
    rows = []
    for r in ctx.history:
        rank = phrases.shown_rank(r)
        rows.append(
            [
                Cell(text=str(r.edition_year), value=r.edition_year, num_format="0"),
                Cell(
                    text=f"{ctx.num(r.score)} / {ctx.num(r.scale_max, 0)}", value=r.score, num_format="0.00"
                ),
                Cell(text=phrases.world_rank(r, ctx.lang, short=True), value=rank),
                Cell(text=ctx.num(r.percentile, 1), value=r.percentile, num_format="0.0"),
                Cell(
                    text=phrases.rank_of(r.group_rank, r.group_size, ctx.lang),
                    value=r.group_rank,
                ),
                Cell(text=r.series, value=r.series),
                Cell(text=r.source_url, value=r.source_url, url=r.source_url),
            ]
        )
    cols = ["edition", "score", "global_rank", "percentile", "group_rank", "series", "source"]
    return Table(
        table_id="rank_history",
        title=ctx.t("report.trajectory.table_title", index=ctx.index),
        columns=[ctx.t(f"report.col.{c}", group=ctx.group) for c in cols],
        rows=rows,
        widths=[0.7, 1.1, 1.0, 0.9, 0.9, 1.4, 3.2],
    )


def _trajectory(ctx: _Context) -> Section:
    charts = [_rank_chart(ctx, world=True), _rank_chart(ctx, world=False), _gap_chart(ctx)]
    bullets = []
    for a in ctx.rank_assessments:
        chart = _projection_chart(ctx, a)
        if chart is not None:
            charts.append(chart)
    if len(charts) == 3:
        n = sum(1 for e in ctx.editions if e["series"] == ctx.ed["series"])
        bullets.append(
            Bullet(
                text=ctx.t(
                    "report.trajectory.no_projection",
                    edition=ctx.as_of,
                    series=ctx.ed["series"],
                    editions=fmt.count(n, "edition", ctx.lang),
                )
            )
        )
    first = next((r for r in ctx.history if r.score is not None), None)
    r = ctx.row
    lead = ""
    if first is not None and r is not None:
        lead = ctx.t(
            "report.trajectory.lead",
            first_rank=phrases.shown_rank(first),
            first_of=first.countries_ranked,
            first_edition=first.edition_year,
            rank=phrases.shown_rank(r),
            of=r.countries_ranked,
            edition=r.edition_year,
            group=ctx.group,
            group_rank=r.group_rank or "–",
            group_size=r.group_size,
        )
    return ctx.section(
        "trajectory",
        ctx.t("report.section.trajectory"),
        [ctx.source(e) for e in ctx.editions],
        lead=lead,
        bullets=bullets,
        charts=charts,
        tables=[_history_table(ctx)],
    )


def _opinion_indices(ctx: _Context) -> dict[str, list[str]]:
    """{target: the indices that may judge it}: its own yardstick first, then those measuring the
    same thing (services.second_opinion_indices; data/second_opinions.toml, not code)."""
    return {
        a.target_id: services.second_opinion_indices(ctx.store, a.yardstick_index)
        for a in ctx.rank_assessments
    }


def _opinions(ctx: _Context) -> Section:
    """Second opinions: every rank target judged by each index with data up to the report's
    edition, with its verdict now (within the target or not), favourable or not, and counted."""
    opinion_indices = _opinion_indices(ctx)
    by_index = {
        index_id: {
            a.target_id: a
            for a in services.assess_targets(
                ctx.store,
                ISO3,
                strategy_id=ctx.strategy_id,
                as_of=ctx.as_of,
                yardsticks={"*": index_id},
                today=ctx.today,
            )
            if a.kind == "rank"
        }
        for index_id in dict.fromkeys(i for ids in opinion_indices.values() for i in ids)
    }
    indices = q.indices(ctx.store)
    short = dict(zip(indices["index_id"], indices["short_name"], strict=True))
    tables, bullets, sources = [], [], []
    for target in ctx.rank_assessments:
        judged = [
            by_index[i][target.target_id]
            for i in opinion_indices[target.target_id]
            if target.target_id in by_index[i]
        ]
        inside, with_data = phrases.second_opinions(judged)
        n = int(target.target_value or 0)
        bullets.append(
            Bullet(
                text=ctx.t(
                    "report.opinions.line",
                    goal=ctx.goal(target),
                    year=target.horizon_year,
                    inside=inside,
                    n=with_data,
                    indices=fmt.plural(
                        with_data, ctx.lang, ctx.t("unit.index_one"), ctx.t("unit.index_many")
                    ),
                )
            )
        )
        rows = []
        for a in judged:
            name = short.get(a.yardstick_index, a.yardstick_index or "–")
            edition = f"{name} {a.as_of_edition}" if a.as_of_edition else name
            rank = (
                ctx.t("report.scorecard.rank_now", rank=a.current_rank, of=a.of)
                if a.current_rank is not None
                else "–"
            )
            if a.group_id == services.WORLD and a.published_rank is None and a.computed_rank is not None:
                rank = phrases.world_rank(
                    {
                        "computed_rank": a.computed_rank,
                        "countries_ranked": a.of,
                        "countries_in_data": a.trace.inputs.get("field_size"),
                    },
                    ctx.lang,
                    short=True,
                )
            verdict = phrases.verdict(a.current_rank, n, ctx.lang)
            rows.append(
                [
                    Cell(text=edition, value=edition, url=a.source_url),
                    Cell(text=rank, value=a.current_rank),
                    Cell(text=ctx.signed(a.gap), value=a.gap, num_format="0.00"),
                    Cell(text=verdict, value=verdict),
                    ctx.status_cell(a.status),
                ]
            )
            if a.source_url:
                sources.append(
                    Source(
                        index_id=a.yardstick_index or "",
                        label=edition,
                        edition_year=a.as_of_edition,
                        url=a.source_url,
                    )
                )
        tables.append(
            Table(
                table_id=f"opinions_{target.target_id}",
                title=ctx.t("report.opinions.table_title", goal=ctx.goal(target), year=target.horizon_year),
                columns=[
                    ctx.t(f"report.opinions.col_{c}") for c in ("edition", "rank", "gap", "verdict", "status")
                ],
                rows=rows,
                widths=[1.4, 1.6, 1.0, 2.2, 1.3],
            )
        )
    unique = list({(s.index_id, s.edition_year): s for s in sources}.values())
    return ctx.section(
        "opinions",
        ctx.t("report.section.opinions"),
        unique,
        lead=ctx.t("report.opinions.lead", index=ctx.index),
        bullets=bullets,
        tables=tables,
    )


def _group_frame(ctx: _Context):
    return ctx.cached(
        ("group", ctx.group), lambda: services.group_table(ctx.store, ctx.index, ctx.as_of, ctx.group)
    )


def _asean(ctx: _Context) -> Section:
    frame = _group_frame(ctx)
    records = frame.to_dict("records")
    title = ctx.t("report.section.asean", group=ctx.group)
    names = [ctx.name(r["iso3"]) for r in records]
    chart_title = ctx.t("report.asean.chart_title", group=ctx.group, index=ctx.index, edition=ctx.as_of)
    rows = []
    for r, name in zip(records, names, strict=True):
        published = r["published_rank"]
        published = _int_or_none(published)
        rows.append(
            [
                Cell(text=str(r["group_rank"]), value=int(r["group_rank"]), num_format="0"),
                Cell(text=name, value=name),
                Cell(text=ctx.num(r["score"]), value=float(r["score"]), num_format="0.00"),
                Cell(text=ctx.num(published, 0) if published else "–", value=published, num_format="0"),
            ]
        )
    columns = [
        ctx.t("report.col.group_rank", group=ctx.group),
        ctx.t("report.col.country"),
        ctx.t("report.col.score"),
        ctx.t("report.col.published_rank"),
    ]
    table = Table(
        table_id="group_table",
        title=ctx.t("report.asean.table_title", group=ctx.group, index=ctx.index, edition=ctx.as_of),
        columns=columns,
        rows=rows,
        widths=[1, 2, 1, 1.4],
    )
    chart = Chart(
        chart_id="group_scores",
        title=chart_title,
        kind="barh",
        categories=names,
        series=[
            Series(name=ctx.t("report.col.score"), values=[float(r["score"]) for r in records], role="peer")
        ],
        number_format="0.0",
        highlight=ctx.name(ISO3),
        note=ctx.t(
            "report.asean.membership",
            group=ctx.group,
            date=i18n.fmt_date(ctx.ed["membership_date"], ctx.lang),
            n=len(ctx.members),
            names=", ".join(ctx.name(m) for m in ctx.members),
        ),
        table=table,
    )
    return ctx.section(
        "asean", title, [ctx.source(ctx.ed)], lead=_asean_lead(ctx, records), charts=[chart], tables=[table]
    )


def _asean_lead(ctx: _Context, records: list[dict]) -> str:
    position = next((i for i, r in enumerate(records) if r["iso3"] == ISO3), None)
    if position is None:
        return ctx.t("report.asean.lead_none", index=ctx.index, edition=ctx.as_of)
    me = records[position]
    above = records[position - 1] if position > 0 else None
    below = records[position + 1] if position + 1 < len(records) else None
    if above and below:
        gap_text = ctx.t(
            "report.asean.gap_both",
            above=ctx.name(above["iso3"]),
            behind=ctx.num(above["score"] - me["score"]),
            below=ctx.name(below["iso3"]),
            ahead=ctx.num(me["score"] - below["score"]),
        )
    elif below:
        gap_text = ctx.t(
            "report.asean.gap_above",
            below=ctx.name(below["iso3"]),
            points=ctx.num(me["score"] - below["score"]),
        )
    elif above:
        gap_text = ctx.t(
            "report.asean.gap_below",
            above=ctx.name(above["iso3"]),
            points=ctx.num(above["score"] - me["score"]),
        )
    else:
        gap_text = ""
    return ctx.t(
        "report.asean.lead",
        rank=me["group_rank"],
        size=len(records),
        group=ctx.group,
        index=ctx.index,
        edition=ctx.as_of,
        gap_text=gap_text,
    ).replace(", .", ".")


def _gaps(ctx: _Context, a: Assessment):
    n = int(a.target_value or 0)
    return ctx.cached(
        ("gaps", a.group_id, n),
        lambda: services.measure_gaps(ctx.store, ctx.index, ctx.as_of, a.group_id, n, ISO3),
    )


def _levers(ctx: _Context, a: Assessment) -> list[dict]:
    n = int(a.target_value or 0)

    def compute() -> list[dict]:
        try:
            return services.smallest_changes(ctx.store, ctx.index, ctx.as_of, ISO3, n, a.group_id)
        except MetricsError:
            return []  # an edition without pillar data (or whose aggregation cannot be reproduced)

    return ctx.cached(("levers", a.group_id, n), compute)


def _measure_name(ctx: _Context, g) -> str:
    return phrases.localized(g, "name", ctx.lang)


def _pillars(ctx: _Context) -> Section:
    title = ctx.t("report.section.pillars")
    charts, tables, bullets, lead = [], [], [], ""
    for k, a in enumerate(ctx.gap_targets):
        gaps = _gaps(ctx, a)
        pillars = [g for g in gaps if g.level == "pillar" and g.gap is not None]
        total = next((g for g in gaps if g.level == "total"), None)
        goal = f"{ctx.goal(a)} ({a.horizon_year})"
        if not pillars:
            if k == 0:
                lead = ctx.t("report.pillars.none", index=ctx.index, edition=ctx.as_of)
            continue
        chart_title = ctx.t("report.pillars.chart_title", goal=goal, index=ctx.index, edition=ctx.as_of)
        rows = [
            [
                Cell(text=_measure_name(ctx, g), value=_measure_name(ctx, g)),
                Cell(text=ctx.num(g.score), value=g.score, num_format="0.00"),
                Cell(text=ctx.num(g.threshold), value=g.threshold, num_format="0.00"),
                Cell(text=ctx.signed(g.gap), value=g.gap, num_format="0.00"),
                Cell(text=_rival(ctx, g.rival_above), value=_rival(ctx, g.rival_above)),
                Cell(text=ctx.num(g.group_top_mean), value=g.group_top_mean, num_format="0.00"),
            ]
            for g in ([total] if total else []) + pillars
        ]
        cols = ["pillar", "score", "threshold", "gap", "rival_above", "top_mean"]
        table = Table(
            table_id=f"pillar_gaps_{a.target_id}",
            title=ctx.t("report.pillars.table_title", goal=goal),
            columns=[ctx.t(f"report.col.{c}") for c in cols],
            rows=rows,
            widths=[2.2, 0.9, 1.3, 0.9, 1.6, 1.1],
        )
        charts.append(
            Chart(
                chart_id=f"pillar_gaps_{a.target_id}",
                title=chart_title,
                kind="barh",
                categories=[_measure_name(ctx, g) for g in pillars],
                series=[Series(name=ctx.t("report.col.gap"), values=[g.gap for g in pillars])],
                number_format="0.0",
                colour_by_sign=True,
                table=table,
            )
        )
        tables.append(table)
        if k == 0:
            behind = sorted((g for g in pillars if g.gap < 0), key=lambda g: g.gap)
            weakest = behind[:2] or sorted(pillars, key=lambda g: g.gap)[:1]
            if total is not None and total.gap is not None and total.gap < 0:
                lead = ctx.t(
                    "report.pillars.lead",
                    goal=goal,
                    gap_text=ctx.t("report.pillars.gap_text_below", gap=ctx.num(abs(total.gap))),
                    weakest=", ".join(_measure_name(ctx, g) for g in weakest),
                )
            elif total is not None:
                lead = ctx.t("report.pillars.lead_ahead", goal=goal, gap=ctx.num(total.gap))
            bullets = _lever_bullets(ctx, a, total)
    return ctx.section(
        "pillars", title, [ctx.source(ctx.ed)], lead=lead, bullets=bullets, charts=charts, tables=tables
    )


def _rival(ctx: _Context, rival) -> str:
    return f"{ctx.name(rival.iso3)} ({ctx.num(rival.score)})" if rival is not None else "–"


def _lever_bullets(ctx: _Context, a: Assessment, total) -> list[Bullet]:
    if total is None or total.gap is None or total.gap >= 0:
        return []
    plans = _levers(ctx, a)
    names = {g.measure_id: _measure_name(ctx, g) for g in _gaps(ctx, a)}
    rank_key = "new_rank" if a.group_id == services.WORLD else "new_group_rank"
    out = []
    for plan in [p for p in plans if p["plan"] == "single_pillar"][:3]:
        pillar = names.get(plan["measure_id"], plan["measure_id"])
        if plan["feasible"]:
            text = ctx.t(
                "report.pillars.lever",
                pillar=pillar,
                points=ctx.num(plan["change"]),
                rank=plan[rank_key],
                index=ctx.index,
                edition=ctx.as_of,
            )
        else:
            text = ctx.t("report.pillars.lever_infeasible", pillar=pillar)
        out.append(Bullet(text=text))
    balanced = next((p for p in plans if p["plan"] == "balanced"), None)
    if balanced is not None and balanced["feasible"]:
        out.append(
            Bullet(
                text=ctx.t(
                    "report.pillars.balanced",
                    share=ctx.num(balanced["change"] * 100, 1),
                    rank=balanced[rank_key],
                )
            )
        )
    return out


def _counted(ctx: _Context) -> Section:
    rows = []
    for a in ctx.count_assessments:
        rows.append(
            [
                Cell(text=ctx.text_of(a), value=ctx.text_of(a)),
                Cell(text=str(a.horizon_year), value=a.horizon_year, num_format="0"),
                Cell(text=ctx.goal(a), value=ctx.goal(a)),
                Cell(text=ctx.num(a.current_count, 0), value=a.current_count, num_format="0"),
                Cell(
                    text=i18n.fmt_date(a.measured_on, ctx.lang),
                    value=a.measured_on.isoformat() if a.measured_on else None,
                ),
                ctx.status_cell(a.status),
                Cell(text=a.source_url or "–", value=a.source_url or None, url=a.source_url),
            ]
        )
    cols = ["target", "by", "goal", "value", "recorded_on", "status", "source"]
    table = Table(
        table_id="counted",
        title=ctx.t("report.counted.table_title"),
        columns=[ctx.t(f"report.col.{c}") for c in cols],
        rows=rows,
        widths=[3.6, 0.7, 1.4, 0.8, 1.1, 1.3, 1.6],
    )
    with_data = sum(a.current_count is not None for a in ctx.count_assessments)
    return ctx.section(
        "counted",
        ctx.t("report.section.counted"),
        [ctx.decision_source(), *ctx.progress_sources()],
        lead=ctx.t("report.counted.lead", with_data=with_data, total=len(ctx.count_assessments)),
        tables=[table],
    )


def _places(ctx: _Context, before: int | None, after: int | None) -> tuple[str, int | None]:
    if before is None or after is None:
        return "–", None
    moved = before - after
    if moved > 0:
        return ctx.t("report.changes.places_up", n=moved), moved
    if moved < 0:
        return ctx.t("report.changes.places_down", n=-moved), moved
    return ctx.t("report.changes.places_same"), 0


def _changes_rows(ctx: _Context) -> list[list[Cell]]:
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


def _delta_cell(ctx: _Context, before: float | None, after: float | None, decimals: int) -> Cell:
    if before is None or after is None:
        return Cell(text="–")
    delta = round(after - before, 6)
    return Cell(text=ctx.signed(delta, decimals), value=delta, num_format="0.00")


def _changes(ctx: _Context) -> Section:
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
        rows=_changes_rows(ctx),
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


def _sources_table(ctx: _Context) -> Table:
    rows = [
        [
            Cell(text=s.label, value=s.label),
            Cell(text=s.url or "–", value=s.url or None, url=s.url),
            Cell(text=str(s.version_id) if s.version_id else "–", value=s.version_id, num_format="0"),
            Cell(text=s.file_name or "–", value=s.file_name or None),
            Cell(text=s.sha256[:12] if s.sha256 else "–", value=s.sha256 or None),
        ]
        for s in ctx.all_sources()
    ]
    cols = ["source", "url", "version", "file", "sha256"]
    return Table(
        table_id="sources",
        title=ctx.t("report.appendix.sources_title"),
        columns=[ctx.t(f"report.col.{c}") for c in cols],
        rows=rows,
        widths=[2.0, 3.6, 0.8, 2.4, 1.2],
    )


def _status_bullets(ctx: _Context) -> list[Bullet]:
    return [
        Bullet(
            text=ctx.t(
                "report.appendix.status_line",
                label=ctx.status_label(status),
                help=ctx.t(f"status_help.{status}"),
            ),
            status=status,
            status_label=ctx.status_label(status),
        )
        for status in vocabulary.STATUS_ORDER
    ]


def _method_table(ctx: _Context) -> Table:
    """The engine's own methodology text (the Methodology page says the same), with the thresholds
    of data/status_rules.toml filled in."""
    rows = [
        [Cell(text=title, value=title), Cell(text=body, value=body)] for title, body in methodology(ctx.lang)
    ]
    return Table(
        table_id="method",
        title=ctx.t("report.appendix.method_title"),
        columns=[ctx.t("report.col.topic"), ctx.t("report.col.method")],
        rows=rows,
        widths=[1.6, 8.0],
    )


def _trace_tables(ctx: _Context) -> list[Table]:
    tables = []
    cols = [ctx.t(f"report.col.{c}") for c in ("step", "formula", "value")]
    for a in ctx.rank_assessments:
        rows = [
            [
                Cell(text=ctx.t(step.key), value=ctx.t(step.key)),
                Cell(text=step_formula(step, ctx.lang), value=step_formula(step, ctx.lang)),
                Cell(
                    text=step_value(step, ctx.lang),
                    value=step.value if isinstance(step.value, int | float) else step_value(step, ctx.lang),
                ),
            ]
            for step in a.trace.steps
        ]
        tables.append(
            Table(
                table_id=f"trace_{a.target_id}",
                title=ctx.t("report.appendix.traces_title", goal=ctx.goal(a), year=a.horizon_year),
                columns=cols,
                rows=rows,
                widths=[2.2, 4.6, 1.2],
                note=ctx.t("report.appendix.rule_line", rule=ctx.t(a.trace.rule))
                + f" — {ctx.status_label(a.trace.result)}",
            )
        )
    rows = [
        [
            Cell(text=ctx.goal(a) + f" ({a.horizon_year})", value=ctx.goal(a)),
            Cell(text=ctx.t(a.trace.rule), value=ctx.t(a.trace.rule)),
            ctx.status_cell(a.trace.result),
        ]
        for a in ctx.count_assessments
    ]
    if rows:
        tables.append(
            Table(
                table_id="trace_counted",
                title=ctx.t("report.appendix.traces_counted_title"),
                columns=[ctx.t("report.col.target"), ctx.t("report.col.rule"), ctx.t("report.col.result")],
                rows=rows,
                widths=[2.6, 4.2, 1.3],
            )
        )
    return tables


def _appendix(ctx: _Context) -> Section:
    return ctx.section(
        "appendix",
        ctx.t("report.section.appendix"),
        ctx.all_sources(),
        bullets=_status_bullets(ctx),
        tables=[_method_table(ctx), _sources_table(ctx), *_trace_tables(ctx)],
    )


_BUILDERS: dict[str, Callable[[_Context], Section]] = {
    "headline": _headline,
    "scorecard": _scorecard,
    "trajectory": _trajectory,
    "opinions": _opinions,
    "asean": _asean,
    "pillars": _pillars,
    "counted": _counted,
    "changes": _changes,
    "appendix": _appendix,
    **strategy_sections.BUILDERS,
}


# --- the XLSX data pack ------------------------------------------------------------------------------


def _data_pack(ctx: _Context, sections: list[Section]) -> list[Table]:
    # the strategy in force's tables lead the data pack, as their sections lead the report
    leading = [t for s in sections if s.section_id in strategy_sections.BUILDERS for t in s.tables]
    if ctx.opts.kind == "closing_review":
        return [*leading, _pack_sources(ctx)]
    chosen = set(ctx.opts.sections)
    sheets = [*leading, _pack_scorecard(ctx)]
    if "trajectory" in chosen or "changes" in chosen:
        sheets += [_pack_ranks(ctx), _pack_thresholds(ctx), _pack_projections(ctx)]
    if "asean" in chosen:
        sheets.append(_pack_group(ctx))
    if "pillars" in chosen:
        sheets += [_pack_gaps(ctx), _pack_levers(ctx)]
    if "counted" in chosen:
        sheets.append(_pack_counted(ctx))
    if "changes" in chosen and ctx.prev is not None:
        sheets.append(
            Table(
                table_id="pack_changes",
                title=ctx.t("report.xlsx.changes"),
                sheet=ctx.t("report.xlsx.changes"),
                columns=[
                    ctx.t("report.col.item"),
                    ctx.t("report.col.previous"),
                    ctx.t("report.col.current"),
                    ctx.t("report.col.change"),
                ],
                rows=_changes_rows(ctx),
            )
        )
    if "appendix" in chosen:
        sheets.append(_pack_traces(ctx))
    sheets += [_pack_data(ctx), _pack_sources(ctx)]
    return sheets


def _c(value: Any, num_format: str = "", url: str = "") -> Cell:
    """A data-pack cell: the raw value first (numbers stay numbers), its text as written.

    Tens of thousands of these make the data pack, so they are built without pydantic's
    validation; what the validator would do (NFC, plain Python scalars) is done here."""
    if _missing(value):
        value = None
    elif isinstance(value, str):
        value = nfc(value)
    elif hasattr(value, "item") and not isinstance(value, bool | int | float):
        value = value.item()  # a numpy scalar from pandas
    text = "" if value is None else str(value)
    return Cell.model_construct(text=text, value=value, status=None, url=nfc(url), num_format=num_format)


def _pack(ctx: _Context, key: str, columns: list[str], rows: list[list[Cell]], note: str = "") -> Table:
    return Table(
        table_id=f"pack_{key}",
        title=ctx.t(f"report.xlsx.{key}"),
        sheet=ctx.t(f"report.xlsx.{key}"),
        columns=columns,
        rows=rows,
        note=note,
    )


def _cols(ctx: _Context, *keys: str) -> list[str]:
    return [ctx.t(f"report.col.{k}", group=ctx.group) for k in keys]


def _pack_scorecard(ctx: _Context) -> Table:
    cols = _cols(
        ctx,
        "target_id",
        "target",
        "kind",
        "by",
        "goal",
        "group",
        "index",
        "edition",
        "global_rank",
        "of",
        "percentile",
        "score",
        "threshold",
        "gap",
        "trend_per_year",
        "required_per_year",
        "trend",
        "status",
        "status_class",
        "value",
        "recorded_on",
        "source",
        "version",
    )
    cols[8] = ctx.t("common.rank")
    rows = []
    for a in ctx.rank_assessments + ctx.count_assessments:
        rows.append(
            [
                _c(a.target_id),
                _c(ctx.text_of(a)),
                _c(a.kind),
                _c(a.horizon_year, "0"),
                _c(ctx.goal(a)),
                _c(a.group_id or None),
                _c(a.yardstick_index),
                _c(a.as_of_edition, "0"),
                _c(a.current_rank, "0"),
                _c(a.of, "0"),
                _c(a.percentile, "0.0"),
                _c(a.score, "0.00"),
                _c(a.threshold, "0.00"),
                _c(a.gap, "0.00"),
                _c(a.trend_per_year, "0.000"),
                _c(a.required_gain_per_year, "0.000"),
                _c(ctx.t(f"report.trend.{a.trend}")),
                ctx.status_cell(a.status),
                _c(a.status),
                _c(a.current_count, "0"),
                _c(a.measured_on.isoformat() if a.measured_on else None),
                _c(a.source_url or None, url=a.source_url),
                _c(a.version_id, "0"),
            ]
        )
    return _pack(ctx, "scorecard", cols, rows)


def _pack_ranks(ctx: _Context) -> Table:
    cols = _cols(
        ctx,
        "index",
        "edition",
        "score",
        "scale",
        "published_rank",
        "computed_rank",
        "of",
        "percentile",
        "group_rank",
        "group",
        "membership_date",
        "framework",
        "series",
        "source",
        "version",
    )
    rows = []
    for index_id in q.indices(ctx.store)["index_id"]:
        for r in services.rank_history(ctx.store, index_id, ISO3, ctx.group):
            if r.edition_year > ctx.as_of:
                continue
            rows.append(
                [
                    _c(r.index_id),
                    _c(r.edition_year, "0"),
                    _c(r.score, "0.0000"),
                    _c(r.scale_max, "0"),
                    _c(r.published_rank, "0"),
                    _c(r.computed_rank, "0"),
                    _c(r.countries_ranked, "0"),
                    _c(r.percentile, "0.0"),
                    _c(r.group_rank, "0"),
                    _c(r.group_size, "0"),
                    _c(r.group_membership_date.isoformat()),
                    _c(r.framework),
                    _c(r.series),
                    _c(r.source_url, url=r.source_url),
                    _c(r.version_id, "0"),
                ]
            )
    cols[9] = ctx.t("report.col.group") + f" ({ctx.group})"
    return _pack(ctx, "ranks", cols, rows, ctx.t("report.xlsx.ranks_note"))


def _pack_thresholds(ctx: _Context) -> Table:
    cols = _cols(
        ctx,
        "target_id",
        "goal",
        "by",
        "index",
        "edition",
        "global_rank",
        "of",
        "score",
        "threshold",
        "gap",
        "status",
        "status_class",
        "source",
        "version",
    )
    cols[5] = ctx.t("common.rank")
    rows = []
    for a in ctx.rank_assessments:
        for h in ctx.status_histories.get(a.target_id, []):
            rows.append(
                [
                    _c(a.target_id),
                    _c(ctx.goal(a)),
                    _c(a.horizon_year, "0"),
                    _c(h.yardstick_index),
                    _c(h.as_of_edition, "0"),
                    _c(h.current_rank, "0"),
                    _c(h.of, "0"),
                    _c(h.score, "0.0000"),
                    _c(h.threshold, "0.0000"),
                    _c(h.gap, "0.0000"),
                    ctx.status_cell(h.status),
                    _c(h.status),
                    _c(h.source_url, url=h.source_url),
                    _c(h.version_id, "0"),
                ]
            )
    return _pack(ctx, "thresholds", cols, rows, ctx.t("report.xlsx.thresholds_note"))


def _pack_projections(ctx: _Context) -> Table:
    cols = _cols(
        ctx,
        "target_id",
        "goal",
        "index",
        "edition",
        "projection_year",
        "series",
        "editions_used",
        "country_proj",
        "country_low",
        "country_high",
        "threshold_proj",
        "threshold_low",
        "threshold_high",
        "country_slope",
        "threshold_slope",
        "note",
        "source",
    )
    rows = []
    for a in ctx.rank_assessments:
        history = ctx.status_histories.get(a.target_id, [])
        judged = [h for h in history if h.as_of_edition != a.as_of_edition] + [a]
        for h in judged:
            p = h.projection
            base = [_c(a.target_id), _c(ctx.goal(a)), _c(h.yardstick_index), _c(h.as_of_edition, "0")]
            if p is None:
                rows.append(
                    base
                    + [_c(None)] * 11
                    + [_c(ctx.t("report.xlsx.no_projection")), _c(h.source_url, url=h.source_url)]
                )
                continue
            rows.append(
                [
                    *base,
                    _c(p.target_year, "0"),
                    _c(p.series),
                    _c(", ".join(str(e) for e in p.editions_used)),
                    _c(p.country_score, "0.00"),
                    _c(p.country_low, "0.00"),
                    _c(p.country_high, "0.00"),
                    _c(p.threshold, "0.00"),
                    _c(p.threshold_low, "0.00"),
                    _c(p.threshold_high, "0.00"),
                    _c(p.country_slope, "0.000"),
                    _c(p.threshold_slope, "0.000"),
                    _c(None),
                    _c(h.source_url, url=h.source_url),
                ]
            )
    return _pack(ctx, "projections", cols, rows, ctx.t("report.xlsx.projections_note"))


def _pack_group(ctx: _Context) -> Table:
    frame = _group_frame(ctx)
    pillar_cols = [
        c
        for c in frame.columns
        if c not in ("iso3", "name_en", "name_vi", "score", "group_rank", "published_rank", "computed_rank")
    ]
    names = _measure_names(ctx)
    cols = _cols(ctx, "group_rank", "iso3", "country", "score", "published_rank", "computed_rank")
    cols += [names.get(c, c) for c in pillar_cols] + _cols(ctx, "index", "edition", "source")
    rows = []
    for r in frame.to_dict("records"):
        rows.append(
            [
                _c(int(r["group_rank"]), "0"),
                _c(r["iso3"]),
                _c(ctx.name(r["iso3"])),
                _c(float(r["score"]), "0.00"),
                _c(r["published_rank"], "0"),
                _c(r["computed_rank"], "0"),
            ]
            + [_c(r[c], "0.00") for c in pillar_cols]
            + [_c(ctx.index), _c(ctx.as_of, "0"), _c(ctx.ed["source_url"], url=ctx.ed["source_url"])]
        )
    return _pack(ctx, "group", cols, rows)


def _measure_names(ctx: _Context) -> dict[str, str]:
    return phrases.names_of(
        q.measures(ctx.store, ctx.index, ctx.ed["framework"]), "measure_id", "name", ctx.lang
    )


def _pack_gaps(ctx: _Context) -> Table:
    cols = _cols(
        ctx,
        "goal",
        "measure",
        "level",
        "score",
        "threshold",
        "gap",
        "rival_above",
        "rival_below",
        "top_mean",
        "index",
        "edition",
        "source",
    )
    rows = []
    for a in ctx.gap_targets:
        for g in _gaps(ctx, a):
            rows.append(
                [
                    _c(f"{ctx.goal(a)} ({a.horizon_year})"),
                    _c(_measure_name(ctx, g)),
                    _c(ctx.t(f"report.level.{g.level}")),
                    _c(g.score, "0.00"),
                    _c(g.threshold, "0.00"),
                    _c(g.gap, "0.00"),
                    _c(_rival(ctx, g.rival_above)),
                    _c(_rival(ctx, g.rival_below)),
                    _c(g.group_top_mean, "0.00"),
                    _c(ctx.index),
                    _c(ctx.as_of, "0"),
                    _c(ctx.ed["source_url"], url=ctx.ed["source_url"]),
                ]
            )
    return _pack(ctx, "gaps", cols, rows)


def _pack_levers(ctx: _Context) -> Table:
    cols = _cols(
        ctx,
        "goal",
        "plan",
        "pillar",
        "points_needed",
        "value",
        "new_rank",
        "group_rank",
        "threshold",
        "index",
        "edition",
        "source",
    )
    names = _measure_names(ctx)
    rows = []
    for a in ctx.gap_targets:
        for p in _levers(ctx, a):
            new_values = "; ".join(f"{names.get(k, k)} = {ctx.num(v)}" for k, v in p["changes"].items())
            rows.append(
                [
                    _c(f"{ctx.goal(a)} ({a.horizon_year})"),
                    _c(p["plan"]),
                    _c(names.get(p["measure_id"], p["measure_id"])),
                    _c(p["change"], "0.00"),
                    _c(new_values),
                    _c(p["new_rank"], "0"),
                    _c(p["new_group_rank"], "0"),
                    _c(p["threshold"], "0.00"),
                    _c(ctx.index),
                    _c(ctx.as_of, "0"),
                    _c(ctx.ed["source_url"], url=ctx.ed["source_url"]),
                ]
            )
    return _pack(ctx, "levers", cols, rows)


def _pack_counted(ctx: _Context) -> Table:
    cols = _cols(ctx, "target_id", "target", "recorded_on", "value", "source", "note")
    texts = {a.target_id: ctx.text_of(a) for a in ctx.count_assessments}
    rows = []
    for r in ctx.records.to_dict("records"):
        note = r.get(phrases.localized_column("note", ctx.lang)) or None
        day = r["recorded_on"]
        rows.append(
            [
                _c(r["target_id"]),
                _c(texts.get(r["target_id"])),
                _c(day.isoformat() if hasattr(day, "isoformat") else str(day)),
                _c(float(r["value"]), "0"),
                _c(r["source_url"] or None, url=r["source_url"] or ""),
                _c(note),
            ]
        )
    return _pack(ctx, "counted", cols, rows)


def _pack_traces(ctx: _Context) -> Table:
    cols = _cols(
        ctx, "target_id", "goal", "step", "formula", "value", "rule", "result", "index", "edition", "source"
    )
    rows = []
    for a in ctx.rank_assessments + ctx.count_assessments:
        for step in a.trace.steps:
            value = step.value if isinstance(step.value, int | float) else step_value(step, ctx.lang)
            rows.append(
                [
                    _c(a.target_id),
                    _c(ctx.goal(a)),
                    _c(ctx.t(step.key)),
                    _c(step_formula(step, ctx.lang)),
                    _c(value, "General"),
                    _c(ctx.t(a.trace.rule)),
                    ctx.status_cell(a.trace.result),
                    _c(a.yardstick_index),
                    _c(a.as_of_edition, "0"),
                    _c(a.source_url or None, url=a.source_url),
                ]
            )
    return _pack(ctx, "traces", cols, rows)


def _pack_data(ctx: _Context) -> Table:
    """Every country's total and every measure of the group's members, for each edition up to as-of."""
    cols = _cols(
        ctx,
        "index",
        "edition",
        "iso3",
        "country",
        "measure",
        "level",
        "value",
        "published_rank",
        "name_in_source",
        "source_file",
        "source",
        "version",
        "sha256",
        "imported_at",
    )
    rows = []
    for ed in ctx.editions:
        year = int(ed["edition_year"])
        members = set(q.group_members(ctx.store, ctx.group, ed["membership_date"]))
        measures = q.measures(ctx.store, ctx.index, ed["framework"])
        levels = dict(zip(measures["measure_id"], measures["level"], strict=True))
        obs = q.observations(ctx.store, ctx.index, year)
        obs = obs[(obs["measure_id"] == "total") | obs["iso3"].isin(members)]
        imported = str(ed["imported_at"])[:19]
        for r in obs.itertuples(index=False):
            rank = r.published_rank
            rows.append(
                [
                    _c(ctx.index),
                    _c(year, "0"),
                    _c(r.iso3),
                    _c(ctx.name(r.iso3)),
                    _c(r.measure_id),
                    _c(levels.get(r.measure_id)),
                    _c(float(r.value), "0.0000"),
                    _c(_int_or_none(rank), "0"),
                    _c(r.name_in_source or None),
                    _c(r.source_file or None),
                    _c(ed["source_url"], url=ed["source_url"]),
                    _c(int(r.version_id), "0"),
                    _c(ed["sha256"] or None),
                    _c(imported),
                ]
            )
    return _pack(ctx, "data", cols, rows, ctx.t("report.xlsx.data_note"))


def _pack_sources(ctx: _Context) -> Table:
    table = _sources_table(ctx)
    rows = [
        [
            _c(s.label),
            _c(s.url or None, url=s.url),
            _c(s.version_id, "0"),
            _c(s.file_name or None),
            _c(s.sha256 or None),
        ]
        for s in ctx.all_sources()
    ]
    return _pack(ctx, "sources", table.columns, rows)
