"""Plain JSON values from the project's result types, for `--json` output and audit details.

The import path's results (ImportPlan, Diff, RestorePoint, CheckReport, Actor...) are dataclasses,
so that a command that imports a file does not pay for loading pydantic (about 0.1 s of a 1 s
process, measured with `python -X importtime`); the data files' rows (metrics.models) stay pydantic
models, which validate. `jsonable` turns either kind, and what they hold, into what `json.dumps`
writes: dates and times as ISO 8601 text, paths as text, NumPy scalars as Python numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import PurePath
from typing import Any


def jsonable(value: Any) -> Any:
    """`value` as dicts, lists, text, numbers, booleans and None (recursively)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):  # a pydantic model (not imported here: see the docstring)
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "item"):  # a NumPy scalar
        return value.item()
    return str(value)
