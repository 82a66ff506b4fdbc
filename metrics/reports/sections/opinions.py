"""Second opinions: every rank target judged by each index with data up to the report's edition,
with its verdict now (within the target or not), favourable or not, and counted."""

from __future__ import annotations

from metrics import services
from metrics.present import format as fmt
from metrics.present import phrases
from metrics.progress import Assessment
from metrics.reports.context import ISO3, ReportContext
from metrics.reports.model import Bullet, Cell, Section, Source, Table
from metrics.reports.registry import section

COLUMNS = ("edition", "rank", "gap", "verdict", "status")


@section("opinions")
def build(ctx: ReportContext) -> Section:
    judged = _judgements(ctx)
    short = ctx.short_names()
    tables, bullets, sources = [], [], []
    for target in ctx.rank_assessments:
        opinions = judged[target.target_id]
        bullets.append(_bullet(ctx, target, opinions))
        rows = []
        for a in opinions:
            name = short.get(a.yardstick_index or "", a.yardstick_index or "–")
            edition = f"{name} {a.as_of_edition}" if a.as_of_edition else name
            rows.append(_row(ctx, a, edition, int(target.target_value or 0)))
            if a.source_url:
                source = Source(
                    index_id=a.yardstick_index or "",
                    label=edition,
                    edition_year=a.as_of_edition,
                    url=a.source_url,
                )
                sources.append(source)
        tables.append(
            Table(
                table_id=f"opinions_{target.target_id}",
                title=ctx.t("report.opinions.table_title", goal=ctx.goal(target), year=target.horizon_year),
                columns=[ctx.t(f"report.opinions.col_{c}") for c in COLUMNS],
                rows=rows,
                widths=[1.4, 1.6, 1.0, 2.2, 1.3],
            )
        )
    unique = list({(s.index_id, s.edition_year): s for s in sources}.values())
    return ctx.section(
        "opinions",
        ctx.t("report.section.opinions"),
        unique,
        lead=ctx.t(
            "report.opinions.lead",
            index=ctx.index,
            decision=ctx.in_force.decision_name(ctx.lang)
            if ctx.in_force
            else ctx.t("report.opinions.the_strategy"),
        ),
        bullets=bullets,
        tables=tables,
    )


def _judgements(ctx: ReportContext) -> dict[str, list[Assessment]]:
    """{target: its assessment by each index that may judge it}: its own yardstick first, then
    those measuring the same thing (services.second_opinion_indices; data/second_opinions.toml)."""
    opinion_indices = {
        a.target_id: services.second_opinion_indices(ctx.store, a.yardstick_index)
        for a in ctx.rank_assessments
    }
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
    return {
        target_id: [by_index[i][target_id] for i in indices if target_id in by_index[i]]
        for target_id, indices in opinion_indices.items()
    }


def _bullet(ctx: ReportContext, target: Assessment, opinions: list[Assessment]) -> Bullet:
    inside, with_data = phrases.second_opinions(opinions)
    indices = fmt.plural(with_data, ctx.lang, ctx.t("unit.index_one"), ctx.t("unit.index_many"))
    return Bullet(
        text=ctx.t(
            "report.opinions.line",
            goal=ctx.goal(target),
            year=target.horizon_year,
            inside=inside,
            n=with_data,
            indices=indices,
        )
    )


def _row(ctx: ReportContext, a: Assessment, edition: str, n: int) -> list[Cell]:
    verdict = phrases.verdict(a.current_rank, n, ctx.lang)
    return [
        Cell(text=edition, value=edition, url=a.source_url),
        Cell(text=_rank(ctx, a), value=a.current_rank),
        Cell(text=ctx.signed(a.gap), value=a.gap, num_format="0.00"),
        Cell(text=verdict, value=verdict),
        ctx.status_cell(a.status),
    ]


def _rank(ctx: ReportContext, a: Assessment) -> str:
    """The rank an index gives; a world rank the publisher does not print is labelled as computed."""
    if a.group_id == services.WORLD and a.published_rank is None and a.computed_rank is not None:
        row = {
            "computed_rank": a.computed_rank,
            "countries_ranked": a.of,
            "countries_in_data": a.trace.inputs.get("field_size"),
        }
        return phrases.world_rank(row, ctx.lang, short=True)
    if a.current_rank is None:
        return "–"
    return ctx.t("report.scorecard.rank_now", rank=a.current_rank, of=a.of)
