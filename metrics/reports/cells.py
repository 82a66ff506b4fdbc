"""Values as the store gives them, made plain for a report cell."""

from __future__ import annotations

import math
import sys
from typing import Any


def missing(value: Any) -> bool:
    """None, NaN, or pandas' NA (a nullable column of a frame: only once pandas is loaded, as a
    report never loads it itself)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    pandas = sys.modules.get("pandas")
    return pandas is not None and value is pandas.NA


def int_or_none(value: Any) -> int | None:
    return None if missing(value) else int(value)
