"""The appendix: the status classes, the method, the sources and each target's trace."""

from __future__ import annotations

from metrics.present import vocabulary
from metrics.progress import Assessment, methodology, step_formula, step_value
from metrics.reports.context import ReportContext
from metrics.reports.model import Bullet, Cell, Section, Table
from metrics.reports.registry import section


def _sources_table(ctx: ReportContext) -> Table:
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


def _status_bullets(ctx: ReportContext) -> list[Bullet]:
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


def _method_table(ctx: ReportContext) -> Table:
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


def _trace_tables(ctx: ReportContext) -> list[Table]:
    """Each rank target's steps, then one table of the counted targets' rules (when there are any)."""
    tables = [_rank_trace(ctx, a) for a in ctx.rank_assessments]
    if ctx.count_assessments:
        tables.append(_counted_traces(ctx))
    return tables


def _rank_trace(ctx: ReportContext, a: Assessment) -> Table:
    rows = []
    for step in a.trace.steps:
        shown = step_value(step, ctx.lang)
        value = step.value if isinstance(step.value, int | float) else shown
        rows.append(
            [
                Cell(text=ctx.t(step.key), value=ctx.t(step.key)),
                Cell(text=step_formula(step, ctx.lang), value=step_formula(step, ctx.lang)),
                Cell(text=shown, value=value),
            ]
        )
    return Table(
        table_id=f"trace_{a.target_id}",
        title=ctx.t("report.appendix.traces_title", goal=ctx.goal(a), year=a.horizon_year),
        columns=[ctx.t(f"report.col.{c}") for c in ("step", "formula", "value")],
        rows=rows,
        widths=[2.2, 4.6, 1.2],
        note=ctx.t("report.appendix.rule_line", rule=ctx.t(a.trace.rule))
        + f" — {ctx.status_label(a.trace.result)}",
    )


def _counted_traces(ctx: ReportContext) -> Table:
    rows = [
        [
            Cell(text=ctx.goal(a) + f" ({a.horizon_year})", value=ctx.goal(a)),
            Cell(text=ctx.t(a.trace.rule), value=ctx.t(a.trace.rule)),
            ctx.status_cell(a.trace.result),
        ]
        for a in ctx.count_assessments
    ]
    return Table(
        table_id="trace_counted",
        title=ctx.t("report.appendix.traces_counted_title"),
        columns=[ctx.t(f"report.col.{c}") for c in ("target", "rule", "result")],
        rows=rows,
        widths=[2.6, 4.2, 1.3],
    )


@section("appendix")
def build(ctx: ReportContext) -> Section:
    return ctx.section(
        "appendix",
        ctx.t("report.section.appendix"),
        ctx.all_sources(),
        bullets=_status_bullets(ctx),
        tables=[_method_table(ctx), _sources_table(ctx), *_trace_tables(ctx)],
    )
