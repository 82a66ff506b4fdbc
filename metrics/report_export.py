"""The report export service: who may export (metrics.auth.require_export, one setting in
data/permissions.toml), then the model once and every format rendered on its own, so a format
that fails (a writer's bug, an extreme text) never keeps the others from being downloaded."""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics import reports
from metrics.auth import Actor, require_export
from metrics.errors import MetricsError
from metrics.reports import FORMATS, ReportModel, ReportOptions
from metrics.store import Store


@dataclass
class Export:
    model: ReportModel
    files: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, MetricsError] = field(default_factory=dict)


def _reason(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def render_each(model: ReportModel, formats: tuple[str, ...] = FORMATS) -> Export:
    """Every format rendered separately; a failure is kept as a MetricsError for that format."""
    out = Export(model=model)
    for fmt in formats:
        try:
            out.files[fmt] = reports.render(model, fmt)
        except MetricsError as exc:
            out.failures[fmt] = exc
        except Exception as exc:  # a writer's fault must not take the other formats down with it
            out.failures[fmt] = MetricsError("report_format_failed", format=fmt.upper(), reason=_reason(exc))
    return out


def export_report(
    store: Store,
    actor: Actor,
    options: ReportOptions,
    formats: tuple[str, ...] = FORMATS,
) -> Export:
    """The report in each of `formats` for someone allowed to export (PermissionDenied otherwise)."""
    require_export(actor)
    # the data pack's sheets are the XLSX's alone: not built for a PPTX or a PDF
    model = reports.build_report(store, options, with_data_pack="xlsx" in formats)
    return render_each(model, formats)
