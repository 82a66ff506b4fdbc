"""Section builders on cases the seeded data does not reach (metrics.reports.sections)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from metrics.reports.context import ReportContext
from metrics.reports.model import ReportOptions
from metrics.reports.sections import asean

MEETING = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def contexts(store):
    return {
        lang: ReportContext(store, ReportOptions(lang=lang, meeting_date=MEETING)) for lang in ("vi", "en")
    }


def test_the_group_lead_names_both_neighbours(contexts):
    ctx = contexts["en"]
    records = ctx.group_table().rows
    me = next(i for i, r in enumerate(records) if r.iso3 == "VNM")
    assert 0 < me < len(records) - 1  # the seeded ASEAN has members above and below Viet Nam
    lead = asean._lead(ctx, records)
    above, below = ctx.name(records[me - 1].iso3), ctx.name(records[me + 1].iso3)
    assert f" behind {above} and " in lead and f" ahead of {below}." in lead


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Viet Nam is 1 of 1 in ASEAN in GAIRI 2025."),
        ("vi", "Việt Nam xếp hạng 1/1 trong ASEAN theo GAIRI 2025."),
    ],
)
def test_alone_in_the_group_the_lead_is_one_sentence(contexts, lang, expected):
    # A group where only Viet Nam has a score: no neighbour to measure against, and no dangling
    # comma (the sentence once had its ", ." repaired after formatting).
    ctx = contexts[lang]
    vnm = next(r for r in ctx.group_table().rows if r.iso3 == "VNM")
    assert asean._lead(ctx, [dataclasses.replace(vnm, group_rank=1)]) == expected


def test_without_viet_nam_in_the_group_the_lead_says_so(contexts):
    ctx = contexts["en"]
    others = [r for r in ctx.group_table().rows if r.iso3 != "VNM"]
    assert asean._lead(ctx, others) == "Viet Nam has no GAIRI 2025 score."
