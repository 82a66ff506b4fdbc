"""The text of a calculation trace, a data-quality finding and the methodology, in either
language: the engine stores each step's formula template and numbers (metrics.progress), this
module writes them out with the language's decimal mark, minus sign, dates and plurals."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from metrics import i18n
from metrics.present import format as fmt
from metrics.progress_models import STATUS_CLASSES, Finding, StatusRules, TraceStep, load_status_rules

MINUS = "\u2212"  # the typographic minus sign: a hyphen reads as a dash in a formula
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _param_text(value: Any, lang: str) -> str:
    """A trace parameter for display: numbers with the language's decimal mark and a real minus
    sign, dates (also the ISO strings a trace stores) as 26/10/2025 or 26 Oct 2025."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | int):
        if isinstance(value, float):
            text = fmt.num(value, lang, 4)
            sep = "," if lang == "vi" else "."
            if sep in text:
                text = text.rstrip("0").rstrip(sep)
        else:
            text = str(value)  # years and ranks: no thousands mark
        if text == "-0":
            return "0"
        return MINUS + text[1:] if text.startswith("-") else text
    if isinstance(value, dt.date):
        return fmt.date(value, lang)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return fmt.date(dt.date.fromisoformat(value), lang)
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(_param_text(v, lang) for v in value)
    return str(value)


def render_formula(template: str, params: dict[str, Any], lang: str) -> str:
    """A trace formula in `lang`: the i18n template `formula.<template>` with its numbers formatted
    for the language (decimal comma in Vietnamese)."""
    text = i18n.catalog(lang).get(f"formula.{template}")
    if text is None:
        return template
    return text.format(**{k: _Shown(v, lang) for k, v in params.items()})


class _Shown:
    """A parameter as a template shows it: `{n}` is the number in the language's format, and
    `{n:edition|editions}` the word for that number (the singular for exactly 1)."""

    def __init__(self, value: Any, lang: str) -> None:
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, many = spec.split("|", 1)
            return one if self.value == 1 else many
        return _param_text(self.value, self.lang)


def step_formula(step: TraceStep, lang: str) -> str:
    return render_formula(step.template, step.params, lang) if step.template else step.formula


def step_value(step: TraceStep, lang: str) -> str:
    """The step's value for display: numbers in the language's format, words (yes/no/...) translated."""
    if step.value is None:
        return "–"
    if isinstance(step.value, str):
        if step.value in TRACE_WORDS:
            return i18n.t(f"trace_value.{step.value}", lang)
        return i18n.t(f"status.{step.value}", lang) if step.value in STATUS_CLASSES else step.value
    return _param_text(step.value, lang)


TRACE_WORDS = ("yes", "no", "not_computable", "tie", "skipped")


def finding_text(finding: Finding, lang: str, names: dict[str, str] | None = None) -> str:
    """A finding in `lang`: the template finding.<code> with its numbers formatted for the
    language; `names` maps ids in the params (a measure id) to the words to show."""
    text = i18n.catalog(lang).get(f"finding.{finding.code}") if finding.code else None
    if text is None:
        return finding.detail
    names = names or {}
    params = {k: names.get(v, v) if isinstance(v, str) else v for k, v in finding.params.items()}
    if "method" in params:
        method = finding.params["method"]
        params["method"] = i18n.t(f"finding_method.{method}", lang) if method else "–"
    shown = {k: _param_text(v, lang) for k, v in params.items()}
    difference = params.get("difference")
    if isinstance(difference, int | float) and difference > 0:
        shown["difference"] = "+" + shown["difference"]  # a difference carries its sign
    return text.format(**shown)


def count_unit(value: float | None, lang: str, unit_en: str, unit_vi: str, unit_en_one: str = "") -> str:
    """The unit of a counted target for a value: Vietnamese has no plural; English uses the
    singular (data/targets.csv unit_en_one) for exactly 1, else the plural."""
    if lang == "vi":
        return unit_vi or ""
    if value is not None and value == value and abs(float(value)) == 1 and unit_en_one:
        return unit_en_one
    return unit_en or ""


# --- Methodology text (Methodology page, report appendix) ------------------------------------------

METHODOLOGY_SECTIONS = (
    "yardstick",
    "ranks",
    "percentiles",
    "thresholds",
    "breaks",
    "trends",
    "status",
    "counted",
    "quantitative",
    "whatif",
    "quality",
)


def methodology_params(lang: str, rules: StatusRules | None = None) -> dict[str, str]:
    """The numbers of data/status_rules.toml, formatted for `lang`, that the methodology text quotes."""
    rules = rules or load_status_rules()
    return {
        "on_track_ratio": fmt.num(rules.on_track_ratio, lang, 2),
        "at_risk_ratio": fmt.num(rules.at_risk_ratio, lang, 2),
        "min_points": str(rules.min_points),
        "min_points_interval": str(rules.min_points_interval),
        "min_pace_editions": str(rules.min_pace_editions),
        "confidence_pct": fmt.num(rules.confidence * 100, lang, 0),
        "about_tolerance_pct": fmt.num(rules.about_tolerance * 100, lang, 0),
    }


def methodology(lang: str, rules: StatusRules | None = None) -> list[tuple[str, str]]:
    """(title, body) of every methodology section in `lang`, with the current thresholds filled in."""
    params = methodology_params(lang, rules)
    out = []
    for section in METHODOLOGY_SECTIONS:
        body = i18n.catalog(lang)[f"methodology.{section}.body"]
        out.append((i18n.t(f"methodology.{section}.title", lang), body.format(**params)))
    return out
