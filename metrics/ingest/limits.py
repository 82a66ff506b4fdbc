"""The limits of an import, read once from data/import_limits.toml (see the comments there)."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from metrics.errors import MetricsError

LIMITS_FILE = Path(__file__).resolve().parents[2] / "data" / "import_limits.toml"


@dataclass(frozen=True)
class ImportLimits:
    max_columns: int
    max_new_measures: int
    max_field_chars: int
    restore_points_kept: int


@functools.cache
def import_limits(path: Path = LIMITS_FILE) -> ImportLimits:
    with open(path, "rb") as f:
        tree = tomllib.load(f)
    return ImportLimits(**{name: int(tree[name]) for name in ImportLimits.__dataclass_fields__})


def check_new_measures(measure_ids: Iterable[str], known: set[str], index_id: str) -> None:
    """Refuse an import that would add more measures to the index than the limit allows."""
    new = set(measure_ids) - known
    limit = import_limits().max_new_measures
    if len(new) > limit:
        raise MetricsError("too_many_new_measures", count=len(new), limit=limit, index_id=index_id)
