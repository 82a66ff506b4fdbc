"""Pure ranking arithmetic: competition ranks, peer-group ranks, percentiles.

No DuckDB, Streamlit or plotly here: inputs are plain mappings, so every rule is testable by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def competition_ranks(scores: Mapping[str, float], higher_is_better: bool = True) -> dict[str, int]:
    """Standard competition ranking ("1224"): tied scores share a rank, the next rank skips.

    Why this one: publishers print it, and a target "top N" is met by a tie at N.
    """
    sign = -1.0 if higher_is_better else 1.0
    ordered = sorted(scores.items(), key=lambda kv: (sign * kv[1], kv[0]))
    ranks: dict[str, int] = {}
    previous: float | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = position
            previous = value
        ranks[key] = rank
    return ranks


def percentile(rank: int, of: int) -> float:
    """Share (0-100) of the other ranked countries that this rank is ahead of.

    Rank 1 is 100, the last is 0; a field of one is 100. Comparable across editions whose
    number of countries differs (62nd of 160 vs 59th of 193), which a bare rank is not.
    """
    if not 1 <= rank <= of:
        raise ValueError(f"rank {rank} is outside 1..{of}")
    if of == 1:
        return 100.0
    return 100.0 * (of - rank) / (of - 1)


def group_ranks(
    scores: Mapping[str, float], members: Iterable[str], higher_is_better: bool = True
) -> dict[str, int]:
    """Competition ranks among the members that have a score (members without one are not ranked)."""
    member_set = set(members)
    return competition_ranks({k: v for k, v in scores.items() if k in member_set}, higher_is_better)


def meets_rank_target(rank: int | None, target_rank: int) -> bool | None:
    """True when within the top `target_rank`; None when there is no rank to judge."""
    if rank is None:
        return None
    return rank <= target_rank
