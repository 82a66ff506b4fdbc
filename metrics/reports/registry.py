"""Report sections, registered by id: each module of metrics.reports.sections decorates its builder
with `@section("<id>")`, and `builders()` imports those modules (they are discovered, so adding a
section touches no shared file beyond the model's `SectionId` and the catalogs).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, get_args

from metrics.reports.model import Section, SectionId

if TYPE_CHECKING:
    from metrics.reports.context import ReportContext

SectionBuilder = Callable[["ReportContext"], Section]

_BUILDERS: dict[str, SectionBuilder] = {}


def section(section_id: SectionId) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register the decorated function as the builder of `section_id`."""

    def register(builder: SectionBuilder) -> SectionBuilder:
        if section_id in _BUILDERS and _BUILDERS[section_id] is not builder:
            raise ValueError(f"report section {section_id!r} has two builders")
        _BUILDERS[section_id] = builder
        return builder

    return register


def builders() -> Mapping[str, SectionBuilder]:
    """{section id: builder} of every section module, each imported once."""
    from metrics.reports import sections

    for module in pkgutil.iter_modules(sections.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{sections.__name__}.{module.name}")
    missing = [s for s in get_args(SectionId) if s not in _BUILDERS]
    if missing:
        raise LookupError(f"report sections without a builder: {missing}")
    return _BUILDERS
