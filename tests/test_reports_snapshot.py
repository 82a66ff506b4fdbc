"""One reading of the data per report build (metrics.reports.snapshot.ReadCache)."""

from __future__ import annotations

import datetime as dt

from metrics.reports.context import ReportContext
from metrics.reports.model import ReportOptions
from metrics.reports.snapshot import ReadCache, read_cache
from metrics.store import queries as q

MEETING = dt.date(2026, 12, 1)  # after Decision 1671: a strategy in force and the one it closed


def test_a_query_asked_twice_reaches_the_store_once(store):
    cached = ReadCache(store)
    first = q.scores(cached, "GAIRI", 2025)
    again = q.scores(cached, "GAIRI", 2025)
    earlier = q.scores(cached, "GAIRI", 2024)  # one query holds every edition of a measure
    assert cached.queries == 1
    other = q.scores(cached, "WIPO_GII", 2024)
    assert cached.queries == 2
    assert first.equals(again) and first.equals(q.scores(store, "GAIRI", 2025))
    assert earlier.equals(q.scores(store, "GAIRI", 2024)) and not earlier.equals(first)
    assert not other.equals(first)


def test_a_caller_that_changes_its_frame_changes_only_its_own(store):
    cached = ReadCache(store)
    frame = q.countries(cached)
    frame.loc[:, "iso3"] = "XXX"
    assert "VNM" in set(q.countries(cached)["iso3"])


def test_rows_asked_twice_reach_the_store_once_and_stay_each_callers_own(store):
    cached = ReadCache(store)
    first = q.score_rows(cached, "GAIRI", 2025)
    assert first == q.score_rows(cached, "GAIRI", 2025) == q.score_rows(store, "GAIRI", 2025)
    assert q.score_rows(cached, "GAIRI", 2024) == q.score_rows(store, "GAIRI", 2024)
    assert cached.queries == 1 and cached.asked == 3  # one query holds every edition of a measure
    first.clear()
    assert q.score_rows(cached, "GAIRI", 2025)  # the cache's answer is not the list a caller holds
    q.scores(cached, "GAIRI", 2025)  # the same query as a frame: another shape, another answer
    assert cached.queries == 2


def test_other_cursor_calls_run_the_query_for_real(store):
    cached = ReadCache(store)
    with cached.reader() as cur:
        cur.execute("SELECT 40 + ?", [2])
        assert cur.fetchone() == (42,)
        assert cur.execute("SELECT 1").fetchall() == [(1,)]
    assert cached.queries == 2


def test_a_report_build_reads_each_query_once(store):
    ctx = ReportContext(store, ReportOptions(lang="en", meeting_date=MEETING))
    cache = ctx.store
    assert isinstance(cache, ReadCache) and read_cache(cache) is cache
    # the strategy's scorecard asks for every yardstick's editions, as the assessments did
    assert ctx.strategy_data.rows
    asked, queries = cache.asked, cache.queries
    assert ctx.strategy_data.closed_rows  # the closed strategy's: the same yardsticks again
    assert cache.asked - asked > 20 and cache.queries - queries < 10
    assert len(cache._answers) == cache.queries  # every query of the build asked once
