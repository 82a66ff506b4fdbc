"""Meeting reports: `build_report(store, options)` makes a ReportModel from the engine's results;
`render(model, fmt)` writes it as PPTX, PDF or XLSX bytes. The writers compute nothing."""

from __future__ import annotations

from metrics.reports.model import FORMATS, MIME, ReportModel, ReportOptions

__all__ = ["FORMATS", "MIME", "ReportModel", "ReportOptions", "build_report", "generate", "render"]


def build_report(store, options: ReportOptions | None = None) -> ReportModel:
    from metrics.reports.build import build_report as build

    return build(store, options)


def render(model: ReportModel, fmt: str) -> bytes:
    """Bytes of the report in one format (the writer is imported only when needed)."""
    if fmt == "pptx":
        from metrics.reports import pptx as writer
    elif fmt == "pdf":
        from metrics.reports import pdf as writer
    elif fmt == "xlsx":
        from metrics.reports import xlsx as writer
    else:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
    return writer.write(model)


def generate(store, options: ReportOptions, fmt: str) -> bytes:
    return render(build_report(store, options), fmt)
