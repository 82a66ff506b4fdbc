"""Argument checks the command handlers share: each bad value is a MetricsError (a translated
message and exit code 1), never a traceback from deep inside a service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metrics.errors import MetricsError

if TYPE_CHECKING:  # the store (DuckDB, pandas) only for the checks that read it
    from metrics.store import Store

# Edition and as-of years the engine can reason about (dates are built from them).
YEAR_MIN = 1900
YEAR_MAX = 2200


def check_year(value: int | None, flag: str = "--as-of") -> int | None:
    if value is None:
        return None
    if not YEAR_MIN <= value <= YEAR_MAX:
        shown = str(value) if len(str(value)) <= 24 else str(value)[:24] + "…"
        raise MetricsError("as_of_out_of_range", value=shown, flag=flag, min=YEAR_MIN, max=YEAR_MAX)
    return value


def check_country(store: Store, iso3: str) -> str:
    """The ISO3 code in upper case when the reference list knows it."""
    from metrics.store import queries as q

    code = str(iso3).strip().upper()
    if code not in {row.iso3 for row in q.country_rows(store)}:
        raise MetricsError("country_code_unknown", iso3=str(iso3)[:24])
    return code
