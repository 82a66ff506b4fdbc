"""Store -> ReportModel, through the engine's services only (the same numbers as the dashboard).

The context (metrics.reports.context) loads what the report needs once; each chosen section is
built by the builder registered under its id (metrics.reports.sections, metrics.reports.registry);
the XLSX data pack adds its sheets (metrics.reports.datapack). Every sentence is translated, every
number is kept both as its raw value and as the text shown, and every section names its sources.
The writers then only lay the model out.
"""

from __future__ import annotations

from metrics.present import format as fmt
from metrics.reports import registry
from metrics.reports.context import ReportContext, usable_editions
from metrics.reports.datapack import data_pack
from metrics.reports.model import ReportModel, ReportOptions, Section
from metrics.store import Store

__all__ = ["build_report", "usable_editions"]

# Words the writers need, from the catalog's report.label.*
LABELS = (
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


def build_report(
    store: Store, options: ReportOptions | None = None, *, with_data_pack: bool = True
) -> ReportModel:
    """The report's model; with_data_pack=False leaves out the data pack's sheets, which only the
    XLSX writer reads (a third of the build), for a model that is rendered as PPTX or PDF only."""
    ctx = ReportContext(store, options or ReportOptions())
    builders = registry.builders()
    sections = [builders[sid](ctx) for sid in ctx.opts.chosen_sections]
    return ReportModel(
        lang=ctx.lang,
        title=_title(ctx, sections),
        subtitle=ctx.t(
            "report.subtitle", index_name=ctx.index_name, index=ctx.index, publisher=ctx.publisher
        ),
        meeting_date=ctx.today,
        meeting_line=ctx.t("report.meeting_line", date=fmt.date(ctx.today, ctx.lang)),
        as_of_line=ctx.t(
            "report.as_of_line",
            index=ctx.index,
            edition=ctx.as_of,
            countries=ctx.num(ctx.ed.countries_ranked, 0),
            group=ctx.group,
            membership_date=fmt.date(ctx.ed.membership_date, ctx.lang),
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
            editions=_year_span([e.edition_year for e in ctx.editions]),
            **ctx.decision_fields(),
        ),
        labels={key: ctx.t(f"report.label.{key}") for key in LABELS},
        sections=sections,
        data_pack=data_pack(ctx, sections) if with_data_pack else [],
        sources=ctx.all_sources(),
    )


def _title(ctx: ReportContext, sections: list[Section]) -> str:
    """A closing review is titled as its one section; a meeting report by the decision in force."""
    if ctx.opts.kind == "closing_review":
        return sections[0].title
    return ctx.t("report.title", **ctx.decision_fields())


def _year_span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
