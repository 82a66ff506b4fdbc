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


def test_rows_from_a_query_by_column_name_with_none_for_null():
    first, second = rows.from_rows(
        _Row,
        ["kind", "at", "day", "x", "n", "extra"],
        [
            ("active", dt.datetime(2025, 10, 26, 8, 30), dt.date(2025, 10, 26), 1.5, 1, "ignored"),
            ("withdrawn", None, None, float("nan"), None, "ignored"),
        ],
    )
    assert first == _Row(1, 1.5, dt.date(2025, 10, 26), dt.datetime(2025, 10, 26, 8, 30), "active")
    assert second == _Row(None, None, None, None, "withdrawn")
    with pytest.raises(KeyError, match="no column day"):
        rows.from_rows(_Row, ["n", "x", "at", "kind"], [])


def _same_fields(records: list, frame: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """The typed rows and the frame's rows as dicts of the fields both have (the frame's NaN, NaT
    and NA as None, its timestamps as the typed row's date or datetime)."""
    plain = frame.astype(object).where(frame.notna(), None).to_dict("records")
    names = [f.name for f in dataclasses.fields(records[0]) if f.name in frame.columns]
    typed = [{n: getattr(r, n) for n in names} for r in records]
    framed = [{n: _like(row[n], t[n]) for n in names} for row, t in zip(plain, typed, strict=True)]
    return typed, framed


def _like(value, typed):
    """A frame's value as the typed row holds it: a Timestamp as its date or its datetime."""
    if isinstance(value, pd.Timestamp):
        return value.date() if type(typed) is dt.date else value.to_pydatetime()
    return value


@pytest.mark.parametrize(
    ("typed", "frame"),
    [
        (lambda s: q.index_rows(s), lambda s: q.indices(s)),
        (lambda s: q.country_rows(s), lambda s: q.countries(s)),
        (lambda s: q.peer_group_rows(s), lambda s: q.peer_groups(s)),
        (lambda s: q.membership_rows(s, "ASEAN"), lambda s: q.memberships(s, "ASEAN")),
        (lambda s: q.edition_rows(s), lambda s: q.editions(s)),
        (lambda s: q.edition_rows(s, "GAIRI"), lambda s: q.editions(s, "GAIRI")),
        (lambda s: q.score_rows(s, "GAIRI", 2024), lambda s: q.scores(s, "GAIRI", 2024)),
        (lambda s: q.observation_rows(s, "GAIRI", 2025), lambda s: q.observations(s, "GAIRI", 2025)),
        (lambda s: q.measure_rows(s, "GAIRI", "GAIRI-2025"), lambda s: q.measures(s, "GAIRI", "GAIRI-2025")),
        (lambda s: q.target_rows(s), lambda s: q.targets(s)),
        (lambda s: q.evidence_rows(s), lambda s: q.progress_records(s)),
    ],
)
def test_the_rows_are_the_frames_of_the_same_query(store, typed, frame):
    """The pages' frames and the typed rows are one query read in two shapes: the same rows, in
    the same order, with the same values."""
    records = typed(store)
    assert records
    got, expected = _same_fields(records, frame(store))
    assert got == expected


def test_scores_by_edition_are_the_editions_scores(store):
    by_edition = q.score_rows_by_edition(store, "GAIRI")
    assert list(by_edition) == sorted(q.scores_by_edition(store, "GAIRI"))
    assert all(by_edition[year] == q.score_rows(store, "GAIRI", year) for year in by_edition)
