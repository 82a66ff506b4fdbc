"""Typed rows at the store boundary (metrics.store.rows): None for a missing value, Python types for
numpy's and pandas', a Literal checked, a renamed column named."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from metrics.store import queries as q
from metrics.store import rows


@dataclasses.dataclass(frozen=True)
class _Row:
    n: int | None
    x: float | None
    day: dt.date | None
    at: dt.datetime | None
    kind: rows.EvidenceStatus


def _frame(**columns) -> pd.DataFrame:
    base = {
        "n": [1, None],
        "x": [1.5, float("nan")],
        "day": pd.to_datetime(["2025-10-26", None]),
        "at": pd.to_datetime(["2025-10-26 08:30", None]),
        "kind": ["active", "withdrawn"],
        "extra": ["ignored", "ignored"],
    }
    return pd.DataFrame({**base, **columns})


def test_missing_values_are_none_and_types_are_pythons():
    first, second = rows.from_frame(_Row, _frame())
    assert first == _Row(1, 1.5, dt.date(2025, 10, 26), dt.datetime(2025, 10, 26, 8, 30), "active")
    assert type(first.n) is int and type(first.day) is dt.date and type(first.at) is dt.datetime
    assert second == _Row(None, None, None, None, "withdrawn")


def test_a_value_outside_the_literal_is_refused():
    with pytest.raises(ValueError, match=r"_Row\.kind"):
        rows.from_frame(_Row, _frame(kind=["active", "deleted"]))


def test_a_missing_column_is_named():
    with pytest.raises(KeyError, match="no column day"):
        rows.from_frame(_Row, _frame().drop(columns="day"))


def test_the_seeded_store_reads_as_typed_rows(store):
    editions = q.edition_rows(store, "GAIRI")
    assert editions and all(
        type(e.edition_year) is int and type(e.membership_date) is dt.date for e in editions
    )
    assert all(e.countries_ranked is None or type(e.countries_ranked) is int for e in editions)
    targets = q.target_rows(store)
    assert all(t.target_value is None or type(t.target_value) is float for t in targets)
    assert all(type(t.yardstick_proxy) is bool and type(t.horizon_year) is int for t in targets)
    assert {t.kind for t in targets} >= {"rank"}
    evidence = q.evidence_rows(store, include_withdrawn=True)
    assert evidence and all(
        type(e.recorded_on) is dt.date and e.status in ("active", "withdrawn") for e in evidence
    )
    assert [s.strategy_id for s in q.strategy_rows(store)] == q.strategies(store)["strategy_id"].tolist()
    framework = editions[-1].framework
    assert {m.measure_id for m in q.measure_rows(store, "GAIRI", framework)} >= {"total"}
