"""Meeting reports: `build_report(store, options)` makes a ReportModel from the engine's results;
`render(model, fmt)` writes it as PPTX, PDF or XLSX bytes. The writers compute nothing."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from metrics.reports.model import FORMATS, MIME, ReportModel, ReportOptions

if TYPE_CHECKING:
    from metrics.store import Store

__all__ = [
    "FORMATS",
    "MIME",
    "ReportModel",
    "ReportOptions",
    "build_report",
    "generate",
    "render",
]

# The writer module of each format, imported only when a report is written in it.
WRITERS = {"pptx": "metrics.reports.pptx", "pdf": "metrics.reports.pdf", "xlsx": "metrics.reports.xlsx"}


def build_report(
    store: Store, options: ReportOptions | None = None, *, with_data_pack: bool = True
) -> ReportModel:
    from metrics.reports.build import build_report as build

    return build(store, options, with_data_pack=with_data_pack)


def render(model: ReportModel, fmt: str) -> bytes:
    """Bytes of the report in one format (the writer is imported only when needed)."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
    write: Callable[[ReportModel], bytes] = importlib.import_module(WRITERS[fmt]).write
    return write(model)


def generate(store: Store, options: ReportOptions, fmt: str) -> bytes:
    return render(build_report(store, options), fmt)
