"""The project's own error types.

Errors carry a stable `code` and `params`, never a sentence: the UI and the CLI translate
them with metrics.i18n (key `error.<code>`), so the same error reads in Vietnamese or English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class MetricsError(Exception):
    """Base class: `code` names the i18n key `error.<code>`; `params` fill its placeholders."""

    code = "unexpected"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(f"{self.code}: {params}" if params else self.code)


class NotFound(MetricsError):
    code = "not_found"


class StoreError(MetricsError):
    """The database cannot be opened, is corrupt, or a write failed (nothing was changed)."""

    code = "store_failed"


class PermissionDenied(MetricsError):
    code = "permission_denied"


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where (row, column, value) and why (code + params).

    `row` is the 1-based line number as the user sees it in a spreadsheet or text editor
    (the header is row 1 when the file has one); None when the problem concerns the whole file.
    """

    code: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


class ValidationFailed(MetricsError):
    """An input has problems; every problem found is listed, and nothing was written."""

    code = "validation_failed"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.code, count=len(self.problems))
