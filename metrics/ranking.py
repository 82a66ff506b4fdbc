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


# --- Thresholds and gaps (docs/METHODS.md, "Ranks and the threshold") ---------------------------------------


def _better(a: float, b: float, higher_is_better: bool) -> bool:
    return a > b if higher_is_better else a < b


def ordered_others(
    scores: Mapping[str, float], iso3: str, higher_is_better: bool = True
) -> list[tuple[str, float]]:
    """The other countries' (iso3, score), best first (ties in iso3 order so the output is stable)."""
    sign = -1.0 if higher_is_better else 1.0
    return sorted(((k, v) for k, v in scores.items() if k != iso3), key=lambda kv: (sign * kv[1], kv[0]))


def threshold_score(
    scores: Mapping[str, float], iso3: str, n: int, higher_is_better: bool = True
) -> float | None:
    """T_N: the score of the N-th best OTHER country. None when fewer than N others have a score
    (then any score is inside the top N)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    others = ordered_others(scores, iso3, higher_is_better)
    return others[n - 1][1] if len(others) >= n else None


def gap(score: float | None, threshold: float | None, higher_is_better: bool = True) -> float | None:
    """score - T_N (sign turned for lower-is-better indices): >= 0 means inside the top N with that
    margin (a tie at T_N shares rank N, which counts as inside); < 0 means that many points are needed."""
    if score is None or threshold is None:
        return None
    return score - threshold if higher_is_better else threshold - score


def rank_of_value(value: float, others: Iterable[float], higher_is_better: bool = True) -> int:
    """Competition rank a score would get among the others: 1 + the number strictly better."""
    return 1 + sum(1 for v in others if _better(v, value, higher_is_better))


def rivals(
    scores: Mapping[str, float], iso3: str, higher_is_better: bool = True
) -> tuple[tuple[str, float, int] | None, tuple[str, float, int] | None]:
    """The nearest country strictly above and strictly below `iso3`: (iso3, score, competition rank).

    Countries tied with `iso3` are neither above nor below (they share its rank).
    """
    if iso3 not in scores:
        return None, None
    mine = scores[iso3]
    ranks = competition_ranks(scores, higher_is_better)
    above = [(k, v) for k, v in scores.items() if _better(v, mine, higher_is_better)]
    below = [(k, v) for k, v in scores.items() if _better(mine, v, higher_is_better)]
    sign = -1.0 if higher_is_better else 1.0
    up = min(above, key=lambda kv: (-sign * kv[1], kv[0]), default=None)  # the worst of the better ones
    down = min(below, key=lambda kv: (sign * kv[1], kv[0]), default=None)  # the best of the worse ones
    return (
        None if up is None else (up[0], up[1], ranks[up[0]]),
        None if down is None else (down[0], down[1], ranks[down[0]]),
    )


def top_mean(scores: Mapping[str, float], iso3: str, n: int, higher_is_better: bool = True) -> float | None:
    """Mean score of the N best other countries (the company a top-N target asks to join)."""
    others = ordered_others(scores, iso3, higher_is_better)[:n]
    return sum(v for _, v in others) / len(others) if others else None


class SortedField:
    """One edition's field (the world or a group's members with a score), sorted once so many
    rank/threshold questions are cheap: the benchmark asks thousands of them."""

    __slots__ = ("_positions", "_ranks", "higher_is_better", "ordered", "scores")

    def __init__(self, scores: Mapping[str, float], higher_is_better: bool = True) -> None:
        self.scores = dict(scores)
        self.higher_is_better = higher_is_better
        sign = -1.0 if higher_is_better else 1.0
        self.ordered = sorted(self.scores.items(), key=lambda kv: (sign * kv[1], kv[0]))
        self._ranks: dict[str, int] | None = None
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.ordered)

    @property
    def ranks(self) -> dict[str, int]:
        if self._ranks is None:
            ranks: dict[str, int] = {}
            previous: float | None = None
            rank = 0
            for position, (key, value) in enumerate(self.ordered, start=1):
                if value != previous:
                    rank, previous = position, value
                ranks[key] = rank
            self._ranks = ranks
        return self._ranks

    def rivals(self, iso3: str) -> tuple[tuple[str, float, int] | None, tuple[str, float, int] | None]:
        """Same answer as `rivals(self.scores, iso3)`, from the sorted order (no re-sort)."""
        if iso3 not in self.scores:
            return None, None
        if self._positions is None:
            self._positions = {k: i for i, (k, _) in enumerate(self.ordered)}
        ranks, mine, i = self.ranks, self.scores[iso3], self._positions[iso3]
        start = ranks[iso3] - 1  # first position of iso3's tie block
        above = None
        if start > 0:
            value = self.ordered[start - 1][1]
            first = ranks[self.ordered[start - 1][0]] - 1  # the tie block of the worst better one
            above = (self.ordered[first][0], value, first + 1)
        below = None
        j = i
        while j < len(self.ordered) and self.ordered[j][1] == mine:
            j += 1
        if j < len(self.ordered):
            below = (self.ordered[j][0], self.ordered[j][1], j + 1)
        return above, below

    def others(self, iso3: str) -> list[tuple[str, float]]:
        return [kv for kv in self.ordered if kv[0] != iso3]

    def threshold(self, iso3: str, n: int) -> tuple[str, float] | None:
        """(iso3, score) of the N-th best other country, or None when fewer than N others."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        # The N-th other is at position N-1, or N when iso3 itself sits in the first N places.
        head = self.ordered[: n + 1]
        others = [kv for kv in head if kv[0] != iso3]
        return others[n - 1] if len(others) >= n else None


def rank_disagreements(
    published: Mapping[str, int], scores: Mapping[str, float], higher_is_better: bool = True
) -> list[tuple[str, int, int]]:
    """(iso3, published, computed) wherever the printed rank differs from the competition rank
    computed from the scores (docs/METHODS.md: keep both, show the disagreement)."""
    computed = competition_ranks(scores, higher_is_better)
    return sorted(
        (k, int(p), computed[k]) for k, p in published.items() if k in computed and int(p) != computed[k]
    )
