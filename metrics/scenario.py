"""Pure what-if: pillar/dimension changes -> total score (the index's own aggregation) -> rank."""

from __future__ import annotations

from pydantic import BaseModel


class ScenarioResult(BaseModel):
    index_id: str
    edition_year: int
    iso3: str
    base_total: float
    new_total: float
    base_rank: int
    new_rank: int
    base_group_rank: int | None
    new_group_rank: int | None
    changes: dict[str, float]
    aggregation: str
