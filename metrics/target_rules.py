"""The rules a set of targets must keep across its rows: the strategy exists, the horizon is not
before the strategy was signed, every agency is known, an id is new and not repeated.

Pure (pydantic, no Streamlit, no store, no upload handling): the loader of data/ (metrics.dataset),
the store's all-or-nothing write of a target set and the upload parser (metrics.target_sets) apply
the same rules, so a row is refused for the same reasons wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pydantic

from metrics.errors import Problem
from metrics.models import IDENT, Target, _Model


class Agency(_Model):
    """A body that leads or coordinates the monitoring of a target (data/agencies.csv)."""

    agency_id: str = IDENT
    name_vi: str = pydantic.Field(min_length=1)
    name_en: str = pydantic.Field(min_length=1)
    source: str = ""


def cross_row_problems(
    rows: Iterable[tuple[int, Target]],
    strategies: Mapping[str, dt.date | None],
    agencies: Iterable[str],
    known_ids: Iterable[str] = (),
) -> list[Problem]:
    """What one row cannot know alone: the strategy exists, the horizon is not before the year the
    strategy was signed, every agency is in the agency list, the target id is new and not repeated.
    `rows` pairs each target with its row number as the user sees it (header = row 1)."""
    agency_ids = set(agencies)
    taken = set(known_ids)
    seen: set[str] = set()
    problems: list[Problem] = []
    for row, target in rows:
        if target.target_id in taken or target.target_id in seen:
            problems.append(
                Problem("target_exists", row, "target_id", target.target_id, {"target_id": target.target_id})
            )
        seen.add(target.target_id)
        if target.strategy_id not in strategies:
            problems.append(
                Problem(
                    "unknown_strategy",
                    row,
                    "strategy_id",
                    target.strategy_id,
                    {"strategy_id": target.strategy_id},
                )
            )
        else:
            signed = strategies[target.strategy_id]
            if signed is not None and target.horizon_year < signed.year:
                problems.append(
                    Problem(
                        "target_horizon_before_strategy",
                        row,
                        "horizon_year",
                        str(target.horizon_year),
                        {"strategy_id": target.strategy_id, "year": str(signed.year)},
                    )
                )
        if target.lead_agency and target.lead_agency not in agency_ids:
            problems.append(
                Problem(
                    "unknown_agency",
                    row,
                    "lead_agency",
                    target.lead_agency,
                    {"agency_id": target.lead_agency},
                )
            )
        for agency in target.coordinating_agencies:
            if agency not in agency_ids:
                problems.append(
                    Problem("unknown_agency", row, "coordinating_agencies", agency, {"agency_id": agency})
                )
    return problems
