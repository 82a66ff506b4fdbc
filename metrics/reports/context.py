"""What every report section reads, loaded once per report: the options, the yardstick and its
editions, the engine's assessments, the rank history, names, members and progress records; with
the text helpers (translation, numbers, goals, gaps) and the sources the sections cite.

The sections (metrics.reports.sections) and the data-pack sheets (metrics.reports.datapack) take a
`ReportContext` and return model objects; they never query the store for what is here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any

from metrics import committee, i18n, services
from metrics.errors import MetricsError, NotFound
from metrics.present import format as fmt
from metrics.present import phrases, vocabulary
from metrics.progress import Assessment, MeasureGap, Rival, count_unit
from metrics.reports.model import Cell, ReportOptions, Section, SectionId, Source
from metrics.reports.snapshot import read_cache
from metrics.reports.strategy import StrategyData
from metrics.store import Store
from metrics.store import queries as q
from metrics.store.rows import EditionRecord, EvidenceRecord, TargetRecord

ISO3 = services.DEFAULT_COUNTRY


def usable_editions(store: Store, index_id: str, iso3: str = ISO3) -> list[int]:
    """The editions a report can be 'as of': mostly with totals (not an edition imported without
    them) and with the country's total. The latest is the default of the CLI and the Report page."""
    return [
        ed.edition_year
        for ed in q.edition_rows(store, index_id)
        if ed.has_headline
        and any(s.iso3 == iso3 for s in q.score_rows(store, index_id, ed.edition_year, "total"))
    ]


class ReportContext:
    def __init__(self, store: Store, opts: ReportOptions) -> None:
        # one reading of the data per report: the services ask the same queries many times over
        self.store = store = read_cache(store)
        self.opts = opts
        self.lang = opts.lang
        self.today = opts.meeting_date or dt.date.today()
        self.group = opts.group_id
        if self.group not in {g.group_id for g in q.peer_group_rows(store)}:
            raise MetricsError("report_unknown_group", group_id=self.group)
        self.target_rows: dict[str, TargetRecord] = {r.target_id: r for r in q.target_rows(store)}
        rank_targets = [r for r in self.target_rows.values() if r.kind == "rank"]
        # The report's yardstick is the rank targets' own (data, not code): GAIRI by default.
        self.index: str = rank_targets[0].yardstick_index if rank_targets else "GAIRI"
        self.as_of, all_eds = self._as_of(opts.as_of)
        self.editions: list[EditionRecord] = [e for e in all_eds if e.edition_year <= self.as_of]
        self.ed = self.editions[-1]
        self.prev = self.editions[-2] if len(self.editions) > 1 else None
        self.publisher = self.ed.publisher
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
        self.names = phrases.names_of(q.country_rows(store), "iso3", "name", self.lang)
        self.group_names = phrases.names_of(q.peer_group_rows(store), "group_id", "name", self.lang)
        self.members = q.group_members(store, self.group, self.ed.membership_date)
        self.records: list[EvidenceRecord] = q.evidence_rows(store)  # the active ones
        self.decision_url = self.in_force.source_url if self.in_force else ""
        self._cache: dict[tuple, Any] = {}

    def _as_of(self, chosen: int | None) -> tuple[int, list[EditionRecord]]:
        """The edition the report is as of (the latest usable one by default), and all editions."""
        all_eds = q.edition_rows(self.store, self.index)
        if not all_eds:
            raise MetricsError("unknown_index", index_id=self.index)
        usable = usable_editions(self.store, self.index)
        if chosen is None:
            if not usable:
                raise MetricsError("report_no_usable_edition", index_id=self.index, country=ISO3)
            return usable[-1], all_eds
        if chosen not in {e.edition_year for e in all_eds}:
            raise NotFound("edition_not_found", index_id=self.index, edition_year=chosen)
        if chosen not in usable:
            # Without Viet Nam's total the headline, the scorecard and the trajectory have
            # nothing to say: refuse the edition rather than build a report of dashes.
            raise MetricsError(
                "report_edition_unusable", index_id=self.index, edition_year=chosen, country=ISO3
            )
        return chosen, all_eds

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
        return self.names.get(iso3 or "", iso3 or "–")

    def text_of(self, a: Assessment) -> str:
        text = phrases.localized(a, "text", self.lang)
        return text[:1].upper() + text[1:]  # some official wordings start mid-sentence

    def goal(self, a: Assessment) -> str:
        n = int(a.target_value) if a.target_value is not None else 0
        if a.kind == "rank":
            return phrases.goal(a.group_id, n, self.lang, self.group_names.get(a.group_id))
        if a.kind == "direction":
            return self.t("report.headline.direction_goal")
        row = self.target_rows.get(a.target_id)
        unit = count_unit(
            a.target_value,
            self.lang,
            row.unit_en if row else "",
            row.unit_vi if row else "",
            row.unit_en_one if row else "",
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

    def measure_name(self, g: MeasureGap) -> str:
        return phrases.localized(g, "name", self.lang)

    def rival(self, rival: Rival | None) -> str:
        return f"{self.name(rival.iso3)} ({self.num(rival.score)})" if rival is not None else "–"

    # --- engine results, cached -----------------------------------------------------------------

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @functools.cached_property
    def strategy_data(self) -> StrategyData:
        """The strategy in force's scorecard rows, for the strategy sections."""
        return StrategyData(self.store, self.lang, self.today)

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

    def group_table(self) -> services.GroupTable:
        """The group's members with a score as of the report's edition (services.group_rows)."""
        table: services.GroupTable = self.cached(
            ("group", self.group),
            lambda: services.group_rows(self.store, self.index, self.as_of, self.group),
        )
        return table

    def gaps(self, a: Assessment) -> list[MeasureGap]:
        """Per measure, the gap to the threshold of target `a` (services.measure_gaps)."""
        n = int(a.target_value or 0)
        gaps: list[MeasureGap] = self.cached(
            ("gaps", a.group_id, n),
            lambda: services.measure_gaps(self.store, self.index, self.as_of, a.group_id, n, ISO3),
        )
        return gaps

    def levers(self, a: Assessment) -> list[dict]:
        """The smallest pillar changes that would reach target `a` (services.smallest_changes)."""
        n = int(a.target_value or 0)

        def compute() -> list[dict]:
            try:
                return services.smallest_changes(self.store, self.index, self.as_of, ISO3, n, a.group_id)
            except MetricsError:
                return []  # an edition without pillar data (or whose aggregation cannot be reproduced)

        levers: list[dict] = self.cached(("levers", a.group_id, n), compute)
        return levers

    def measure_names(self) -> dict[str, str]:
        """{measure_id: name} of the as-of edition's framework, in the report's language."""
        return phrases.names_of(
            q.measure_rows(self.store, self.index, self.ed.framework), "measure_id", "name", self.lang
        )

    def yardstick_quantity(self, index_id: str, measure_id: str | None) -> str:
        """What another index's target measure counts, in the report's language ("Số bài báo AI"
        for research output): its latest framework's name of the measure; the index's short name
        when the store has none."""
        editions = q.edition_rows(self.store, index_id)
        if editions:
            names = phrases.names_of(
                q.measure_rows(self.store, index_id, editions[-1].framework), "measure_id", "name", self.lang
            )
            if names.get(measure_id or "total"):
                return names[measure_id or "total"]
        return self.short_names().get(index_id, index_id)

    def short_names(self) -> dict[str, str]:
        """{index_id: short name in the report's language} of every index in the store."""
        return {row.index_id: phrases.short_name(row, self.lang) for row in q.index_rows(self.store)}

    # --- sources -----------------------------------------------------------------------------------

    def source(self, ed: EditionRecord) -> Source:
        return Source(
            index_id=ed.index_id,
            label=self.t(
                "report.source_label",
                publisher=ed.publisher,
                index=phrases.short_name(ed, self.lang),
                edition=ed.edition_year,
            ),
            edition_year=ed.edition_year,
            url=ed.source_url,
            version_id=ed.version_id,
            file_name=ed.file_name,
            sha256=ed.sha256,
        )

    def edition_sources(self, pairs: Iterable[tuple[str | None, int | None]]) -> list[Source]:
        """The publisher file behind each (index, edition) a section quotes, each once, in order."""
        editions = {(e.index_id, e.edition_year): e for e in q.edition_rows(self.store)}
        out: dict[tuple[str, int], Source] = {}
        for index_id, year in pairs:
            if not index_id or not year or (index_id, int(year)) in out:
                continue
            ed = editions.get((index_id, int(year)))
            if ed is not None:
                out[(index_id, int(year))] = self.source(ed)
        return list(out.values())

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
        urls = sorted({r.source_url for r in self.records if r.source_url})
        return [Source(index_id="PROGRESS", label=self.t("report.progress_source"), url=u) for u in urls]

    def all_sources(self) -> list[Source]:
        return [self.source(e) for e in self.editions] + [self.decision_source()] + self.progress_sources()

    def notes(self, sources: list[Source]) -> str:
        lines = [self.t("report.notes_sources")]
        lines += [f"- {s.label}: {s.url}" if s.url else f"- {s.label}" for s in sources]
        return "\n".join(lines)

    def section(self, section_id: SectionId, title: str, sources: list[Source], **fields: Any) -> Section:
        return Section(
            section_id=section_id, title=title, sources=sources, notes=self.notes(sources), **fields
        )
