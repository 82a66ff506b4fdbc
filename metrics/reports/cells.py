"""Values as the store gives them, made plain for a report cell."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def missing(value: Any) -> bool:
    """None, NaN or pandas' NA (nullable integer columns from DuckDB)."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def int_or_none(value: Any) -> int | None:
    return None if missing(value) else int(value)
