"""Models reject bad values with messages that name the field."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import unicodedata
from pathlib import Path

import pytest
from pydantic import ValidationError

from metrics import i18n, models
from metrics.models import Country, Edition, Membership, Observation, ProgressRecord, Strategy, Target
from tests.conftest import ROOT


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


# --- Quantitative targets (Decision 1671's levels, shares, ranges, growth) -------------------------


def _quant(**changes):
    base = dict(
        strategy_id="QD1671_2026",
        target_id="T2030_AI_GDP",
        horizon_year=2030,
        kind="level",
        comparator="about",
        target_value=6,
        text_vi="Quy mô nền kinh tế AI tương đương khoảng 6% GDP",
        text_en="AI economy about 6% of GDP",
    )
    return Target(**{**base, **changes})


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"kind": "share", "comparator": ">=", "target_value": 100},
        {"kind": "share", "comparator": ">=", "target_value": 8, "target_high": 10},
        {"kind": "level", "comparator": "<=", "target_value": 0},
        {"kind": "growth_rate", "comparator": ">=", "target_value": 16, "target_high": 18},
        {"kind": "growth_base", "comparator": ">=", "target_value": 30, "base_year": 2026},
        {"kind": "multiple_base", "comparator": ">=", "target_value": 3, "base_year": 2025},
        {"target_high": 6},  # a range of one point is not reversed
    ],
)
def test_valid_quantitative_targets(changes):
    t = _quant(**changes)
    assert (t.kind, t.target_value) == (changes.get("kind", "level"), changes.get("target_value", 6))


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"target_value": 15, "target_high": 10}, "target_range_reversed"),
        ({"kind": "share", "target_value": 10, "target_high": 8}, "target_range_reversed"),
        ({"kind": "count", "comparator": ">=", "target_value": 5, "target_high": 1}, "target_range_reversed"),
        ({"kind": "growth_base", "target_value": 30}, "target_base_year_required"),
        ({"kind": "multiple_base", "target_value": 3}, "target_base_year_required"),
        ({"target_value": None}, "target_value_required"),
        ({"kind": "share", "target_value": None}, "target_value_required"),
        ({"kind": "growth_rate", "target_value": None}, "target_value_required"),
        ({"kind": "growth_base", "target_value": None, "base_year": 2026}, "target_value_required"),
        ({"kind": "multiple_base", "target_value": None, "base_year": 2025}, "target_value_required"),
        ({"kind": "share", "target_value": 101}, "target_share_bounds"),
        ({"kind": "share", "target_value": -1}, "target_share_bounds"),
        ({"kind": "share", "target_value": 90, "target_high": 120}, "target_share_bounds"),
        ({"kind": "growth_base", "target_value": 30, "base_year": 2030}, "target_base_after_horizon"),
        ({"kind": "multiple_base", "target_value": 3, "base_year": 2031}, "target_base_after_horizon"),
        ({"comparator": "increase"}, "target_quantitative_rule"),
        ({"kind": "rank", "comparator": "about", "group_id": "SEA"}, "target_rank_rule"),
        ({"kind": "count", "comparator": "about"}, "target_count_rule"),
    ],
)
def test_bad_quantitative_targets_raise_their_code(changes, code):
    with pytest.raises(ValidationError) as info:
        _quant(**changes)
    assert [e["type"] for e in info.value.errors()] == [code]


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "ratio"), ("comparator", "~"), ("appendix_group", "x")]
)
def test_an_unknown_kind_comparator_or_group_is_pydantics_literal_error(field, value):
    with pytest.raises(ValidationError) as info:
        _quant(**{field: value})
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [("literal_error", (field,))]


def test_csv_cells_of_the_new_target_fields():
    t = _quant(
        target_high="",
        base_year="",
        yardstick_proxy="",
        coordinating_agencies=" MOF ; MOHA;;",
        indicator_no="2",
        appendix_group="impact",
        lead_agency="MST",
    )
    assert (t.target_high, t.base_year, t.yardstick_proxy) == (None, None, False)
    assert t.coordinating_agencies == ("MOF", "MOHA")
    assert _quant(yardstick_proxy="true", coordinating_agencies="").yardstick_proxy is True
    assert _quant(coordinating_agencies="").coordinating_agencies == ()


def test_the_shipped_targets_still_validate():
    rows = csv.DictReader(io.StringIO((ROOT / "data" / "targets.csv").read_text(encoding="utf-8")))
    parsed = [
        Target.model_validate({k: (v if v != "" or k != "target_value" else None) for k, v in r.items()})
        for r in rows
    ]
    # Every row validates, the new kinds and fields included (ranges, successors of Decision 127).
    assert len(parsed) == len({t.target_id for t in parsed})
    assert any(t.target_high is not None for t in parsed)
    assert any(t.succeeded_by for t in parsed if t.strategy_id == "QD127_2021")


# --- Evidence records ---------------------------------------------------------------------------------


def _evidence(**changes):
    base = dict(
        target_id="T2030_AI_GDP",
        recorded_on=dt.date(2026, 6, 30),
        value=1.2,
        source_url="https://gso.gov.vn/x",
    )
    return ProgressRecord(**{**base, **changes})


def test_valid_evidence_records():
    value = _evidence(unit="% GDP", fit="partial", label="P")
    assert (value.kind, value.fit, value.label, value.record_id) == ("value", "partial", "P", None)
    milestone = _evidence(kind="milestone", value=None, note_en="Platform launched", source_url="http://a.vn")
    assert milestone.value is None
    assert _evidence(value="", kind="milestone").value is None  # an empty CSV cell


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"value": None}, "evidence_value_required"),
        ({"value": ""}, "evidence_value_required"),
        ({"source_url": ""}, "evidence_source_required"),
        ({"source_url": "   "}, "evidence_source_required"),
        ({"source_url": "ftp://example.org/a"}, "evidence_source_scheme"),
        ({"source_url": "javascript:alert(1)"}, "evidence_source_scheme"),
        ({"source_url": "example.org/a"}, "evidence_source_scheme"),
        ({"source_url": "https://"}, "evidence_source_scheme"),
        ({"kind": "milestone", "value": None, "source_url": ""}, "evidence_source_required"),
    ],
)
def test_bad_evidence_raises_its_code(changes, code):
    with pytest.raises(ValidationError) as info:
        _evidence(**changes)
    assert [e["type"] for e in info.value.errors()] == [code]


def test_a_record_without_a_source_field_at_all_is_refused():
    with pytest.raises(ValidationError) as info:
        ProgressRecord(target_id="T", recorded_on=dt.date(2026, 1, 1), value=3)
    assert [e["type"] for e in info.value.errors()] == ["evidence_source_required"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("kind", "rumour", "literal_error"),
        ("fit", "loose", "literal_error"),
        ("label", "U", "literal_error"),
        ("value", -1, "greater_than_equal"),
        ("value", float("inf"), "value_error"),
    ],
)
def test_bad_evidence_fields_name_the_field(field, value, code):
    with pytest.raises(ValidationError) as info:
        _evidence(**{field: value})
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [(code, (field,))]


# --- Strategies and their succession -------------------------------------------------------------------


def test_strategy_succession():
    base = dict(
        strategy_id="QD127_2021", country_iso3="VNM", name_en="AI strategy", name_vi="Chiến lược TTNT"
    )
    old = Strategy(**base, superseded_by="QD1671_2026", superseded_on="2026-08-28")
    assert (old.in_force, old.superseded_on, old.kind) == (False, dt.date(2026, 8, 28), "decision")
    new = Strategy(**{**base, "strategy_id": "QD1671_2026"}, signed_on="", superseded_on="")
    assert new.in_force and new.signed_on is None
    assert Strategy(**{**base, "strategy_id": "NQ57_2024"}, kind="resolution").kind == "resolution"
    with pytest.raises(ValidationError):
        Strategy(**base, kind="law")


# --- Every rule code has a message in both languages and a column ------------------------------------


def _custom_codes() -> set[str]:
    tree = ast.parse(Path(models.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "PydanticCustomError"
        and isinstance(node.args[0], ast.Constant)
    }


def test_the_scan_finds_the_rule_codes():
    assert {"target_rank_rule", "target_range_reversed", "evidence_source_scheme"} <= _custom_codes()


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_model_rule_has_a_message_and_a_column(lang):
    codes = _custom_codes()
    assert codes == set(models.RULE_FIELDS)
    for code in codes:
        assert f"error.{code}" in i18n.catalog(lang), (code, lang)
        assert f"field.{models.RULE_FIELDS[code]}" in i18n.catalog(lang)
    for name in Target.model_fields | ProgressRecord.model_fields:
        assert f"field.{name}" in i18n.catalog(lang), (name, lang)
