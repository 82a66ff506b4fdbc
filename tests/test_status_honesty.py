"""A status never claims more than the data allow (issue 13): the 2030 "top 4 of ASEAN" target
recomputed by hand from the raw data files, edition by edition."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from metrics import services
from tests.conftest import ROOT
from tests.test_services_engine import raw_members, raw_scores

TODAY = dt.date(2026, 3, 1)


def gairi_series() -> dict[int, str]:
    with open(ROOT / "data" / "editions.csv", encoding="utf-8") as f:
        return {int(r["edition_year"]): r["series"] for r in csv.DictReader(f) if r["index_id"] == "GAIRI"}


def slope(points: list[tuple[int, float]]) -> float:
    xm = sum(x for x, _ in points) / len(points)
    ym = sum(y for _, y in points) / len(points)
    return sum((x - xm) * (y - ym) for x, y in points) / sum((x - xm) ** 2 for x, _ in points)


def at(points: list[tuple[int, float]], x: int) -> float:
    b = slope(points)
    xm = sum(p for p, _ in points) / len(points)
    ym = sum(y for _, y in points) / len(points)
    return ym + b * (x - xm)


def status_by_hand(edition: int, n: int = 4, horizon: int = 2030) -> tuple[int, str]:
    """(rank, status) of Viet Nam after `edition`, as a reviewer would recompute it: the pace only
    from editions of the same series with the same ASEAN members, at least 2 of them."""
    series = gairi_series()

    def field(year: int) -> dict[str, float]:
        members = raw_members("ASEAN", dt.date(year, 12, 31))
        return {k: v for k, v in raw_scores("GAIRI", year).items() if k in members}

    now = field(edition)
    others = sorted((v for k, v in now.items() if k != "VNM"), reverse=True)
    rank = 1 + sum(v > now["VNM"] for v in others)
    if rank <= n:
        return rank, "met_now"
    comparable = [
        y
        for y in sorted(series)
        if y <= edition and series[y] == series[edition] and set(field(y)) == set(now)
    ]
    if len(comparable) < 2:
        return rank, "pace_unknown"
    scores = [(y, field(y)["VNM"]) for y in comparable]
    thresholds = [
        (y, sorted((v for k, v in field(y).items() if k != "VNM"), reverse=True)[n - 1]) for y in comparable
    ]
    threshold_at_horizon = min(at(thresholds, horizon), 100.0)
    required = (threshold_at_horizon - now["VNM"]) / (horizon - edition)
    ratio = slope(scores) / required
    return rank, "on_track" if ratio >= 0.95 else ("at_risk" if ratio >= 0.5 else "off_track")


def test_2030_asean_status_table_recomputed_by_hand(store):
    history = services.status_history(store, "T2030_ASEAN_RANK", "VNM", today=TODAY)
    table = {a.as_of_edition: (a.current_rank, a.status) for a in history}
    expected = {year: status_by_hand(year) for year in gairi_series()}
    assert table == expected
    # What the committee reads today: 5th for three editions, 0.53 below, and no pace claimed.
    assert [table[y][0] for y in (2023, 2024, 2025)] == [5, 5, 5]
    latest = history[-1]
    assert latest.gap == pytest.approx(-0.53, abs=1e-6)
    assert (latest.status, latest.trend, latest.pace_ratio) == ("pace_unknown", "none", None)
    reason = next(s for s in latest.trace.steps if s.key == "trace.pace_ratio")
    assert (reason.template, reason.params["count"], reason.params["members"]) == (
        "pace_not_comparable",
        1,
        11,
    )


def test_the_current_2030_asean_status_is_not_on_track(store):
    a = next(
        a for a in services.assess_targets(store, "VNM", today=TODAY) if a.target_id == "T2030_ASEAN_RANK"
    )
    assert a.status == "pace_unknown" and a.trace.rule == "rule.pace_not_comparable"
    assert a.trace.inputs["comparable_editions"] == [2025]
