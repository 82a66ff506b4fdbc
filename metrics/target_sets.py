"""Target sets and evidence rows as an analyst uploads them: parse, validate, report every problem.

Pure (pandas + pydantic, no Streamlit, no store): the Targets page and the CLI share it, so a row
is refused for the same reasons, with the same row and column, wherever it comes from. Nothing is
written here; metrics.services writes a validated set all or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping

import pandas as pd
import pydantic

from metrics import i18n
from metrics.errors import MetricsError, Problem
from metrics.ingest import upload_guard
from metrics.models import RULE_FIELDS, Target
from metrics.present import format as fmt
from metrics.target_rules import cross_row_problems

# pydantic's error types -> (our code, the ctx key holding the limit)
_PYDANTIC_CODES = {
    "missing": ("field_required", None),
    "string_pattern_mismatch": ("field_pattern", None),
    "int_parsing": ("field_whole_number", None),
    "int_from_float": ("field_whole_number", None),
    "int_type": ("field_whole_number", None),
    "float_parsing": ("field_number", None),
    "float_type": ("field_number", None),
    "finite_number": ("field_number", None),
    "bool_parsing": ("field_boolean", None),
    "greater_than_equal": ("field_min", "ge"),
    "greater_than": ("field_min", "gt"),
    "less_than_equal": ("field_max", "le"),
    "less_than": ("field_max", "lt"),
    "literal_error": ("field_choice", "expected"),
    "string_too_short": ("field_empty", None),
    "string_too_long": ("field_too_long", "max_length"),
    "date_parsing": ("field_date", None),
    "date_from_datetime_parsing": ("field_date", None),
    "date_type": ("field_date", None),
    "extra_forbidden": ("unknown_column", None),
}
# Rules of a whole model (metrics.models raises these custom types): the column they point at.
MODEL_RULES = RULE_FIELDS

# Columns of a target row that hold a list (data/targets.csv separates the agency ids by ";").
LIST_COLUMNS = ("coordinating_agencies",)


def validation_problems(
    exc: pydantic.ValidationError, lang: str, row: int | None = None, given: dict | None = None
) -> list[Problem]:
    """A pydantic error -> Problems with the column, the value given and a code whose message
    names the field in `lang` (error.field_* with field.<name>)."""
    out: list[Problem] = []
    for e in exc.errors():
        column = str(e["loc"][0]) if e["loc"] else MODEL_RULES.get(e["type"])
        value = (given or {}).get(column) if column else None
        if value is None and e["loc"] and not isinstance(e.get("input"), dict):
            value = e.get("input")
        if e["type"] in MODEL_RULES:
            code, limit = e["type"], None
        else:
            code, limit = _PYDANTIC_CODES.get(e["type"], ("field_invalid", None))
        params: dict = {"field": i18n.t(f"field.{column}", lang) if column else "–"}
        if limit == "expected":
            # pydantic's "'rank', 'count' or 'direction'": keep the values, drop its English "or"
            params["choices"] = ", ".join(re.findall(r"'([^']*)'", str(e.get("ctx", {}).get("expected", ""))))
        elif limit:
            bound = float(e.get("ctx", {})[limit])  # pydantic names the bound its message cites
            # a year or a length: no thousands mark; a fraction: the language's decimal mark
            params["limit"] = str(int(bound)) if bound.is_integer() else fmt.num(bound, lang, 2)
        out.append(Problem(code, row, column, None if value is None else str(value), params))
    return out


def target_fields(row: Mapping[str, object]) -> dict:
    """A CSV row (strings) -> the keyword arguments of Target: blanks dropped (the model's
    defaults apply), list columns split on ";"."""
    clean: dict = {}
    for key, raw in row.items():
        if key not in Target.model_fields:
            continue
        text = "" if raw is None else str(raw).strip()
        if text == "":
            continue
        if key in LIST_COLUMNS:
            clean[key] = tuple(part.strip() for part in text.split(";") if part.strip())
        else:
            clean[key] = text
    return clean


def parse_target_set(
    data: bytes,
    filename: str,
    known_ids: set[str],
    strategy_ids: set[str] | Mapping[str, dt.date | None],
    lang: str = i18n.DEFAULT_LANG,
    agencies: Iterable[str] | None = None,
) -> tuple[list[Target], list[Problem]]:
    """An analyst's CSV of targets (the columns of data/targets.csv) -> validated targets and
    EVERY problem found (metrics.errors.Problem: row as a spreadsheet shows it (header = 1),
    column, value, code); show them with i18n.problem_message. The upload guard (size, type by
    content) runs first. `strategy_ids` may map each id to its signing date (then a horizon
    before that year is refused); `agencies` = the known agency ids (None: not checked)."""
    try:
        upload_guard.check_upload(data, filename)
    except MetricsError as exc:
        return [], [Problem(exc.code, params=dict(exc.params))]
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError):
        return [], [Problem("csv_unreadable")]
    strategies = strategy_ids if isinstance(strategy_ids, Mapping) else dict.fromkeys(strategy_ids)
    problems: list[Problem] = [
        Problem("unknown_column", 1, str(c), str(c)) for c in raw.columns if c not in Target.model_fields
    ]
    if raw.empty:
        problems.append(Problem("no_rows"))
    parsed: list[Target] = []
    seen: set[str] = set()
    for number, row in enumerate(raw.to_dict("records"), start=2):
        clean = target_fields(row)
        given = {k: str(v).strip() for k, v in row.items()}
        try:
            target = Target(**clean)
        except pydantic.ValidationError as exc:
            found = _id_problems(clean, number, known_ids | seen, strategies)
            found.extend(validation_problems(exc, lang, number, given))
        else:
            found = cross_row_problems(
                [(number, target)],
                strategies,
                agencies if agencies is not None else _all_agencies(target),
                known_ids | seen,
            )
            if not found:
                parsed.append(target)
        if clean.get("target_id"):
            seen.add(str(clean["target_id"]))
        problems.extend(found)
    return parsed, problems


def _all_agencies(target: Target) -> set[str]:
    # No agency list given: every agency the row names counts as known.
    return {target.lead_agency, *target.coordinating_agencies}


def _id_problems(clean: dict, row: int, taken: set[str], strategies: Mapping) -> list[Problem]:
    """For a row the model refused: the id and strategy checks that need no valid Target."""
    out: list[Problem] = []
    ident = clean.get("target_id")
    if ident and ident in taken:
        out.append(Problem("target_exists", row, "target_id", ident, {"target_id": ident}))
    strategy = clean.get("strategy_id")
    if strategy and strategy not in strategies:
        out.append(Problem("unknown_strategy", row, "strategy_id", strategy, {"strategy_id": strategy}))
    return out
