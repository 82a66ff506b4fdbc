"""Models reject bad values with messages that name the field."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from pydantic import ValidationError

from metrics.models import Country, Edition, Membership, Observation, Target


def _target(**changes):
    base = dict(
        strategy_id="S",
        target_id="T",
        horizon_year=2030,
        kind="rank",
        comparator="<=",
        target_value=50,
        group_id="WORLD",
        yardstick_index="GAIRI",
        yardstick_measure="total",
        text_vi="Mục tiêu",
        text_en="Target",
    )
    return Target(**{**base, **changes})


def test_a_valid_rank_target():
    assert _target().target_value == 50


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"target_value": 0}, "rank of at least 1"),
        ({"comparator": ">="}, "comparator '<='"),
        ({"yardstick_index": ""}, "yardstick_index"),
        ({"kind": "count", "comparator": ">=", "target_value": None}, "count target needs"),
        ({"kind": "weird"}, "kind"),
        ({"text_vi": ""}, "text_vi"),
    ],
)
def test_bad_targets_are_rejected_with_the_reason(changes, fragment):
    with pytest.raises(ValidationError) as info:
        _target(**changes)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("iso3", "VN"),
        ("iso3", "vnm"),
        ("value", float("nan")),
        ("value", float("inf")),
        ("published_rank", 0),
        ("edition_year", 1800),
    ],
)
def test_bad_observations_are_rejected(field, value):
    base = dict(index_id="GAIRI", edition_year=2023, iso3="VNM", measure_id="total", value=54.48)
    with pytest.raises(ValidationError) as info:
        Observation(**{**base, field: value})
    assert field in str(info.value)


def test_edition_scale_must_be_ordered():
    with pytest.raises(ValidationError, match="scale_min"):
        Edition(
            index_id="X",
            edition_year=2020,
            scale_min=10,
            scale_max=0,
            framework="f",
            series="s",
            membership_date=dt.date(2020, 12, 31),
        )


def test_membership_period_must_be_ordered_and_is_checked_by_date():
    with pytest.raises(ValidationError, match="before valid_from"):
        Membership(
            group_id="ASEAN", iso3="TLS", valid_from=dt.date(2025, 10, 26), valid_to=dt.date(2025, 1, 1)
        )
    m = Membership(group_id="ASEAN", iso3="TLS", valid_from=dt.date(2025, 10, 26))
    assert not m.valid_on(dt.date(2025, 10, 25)) and m.valid_on(dt.date(2025, 10, 26))


def test_vietnamese_names_are_stored_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Việt Nam")
    c = Country(iso3="VNM", iso2="VN", name_en="Viet Nam", name_vi=decomposed)
    assert c.name_vi == "Việt Nam" and unicodedata.is_normalized("NFC", c.name_vi)
