"""A target set read from a CSV (metrics.target_sets): every problem at once, by row and column, in
the user's language; pydantic's errors translated. Moved from tests/test_pages.py: no page is needed."""

from __future__ import annotations

import pydantic
import pytest

from metrics import i18n, target_sets
from metrics.models import ProgressRecord

LANGS = ["vi", "en"]


def tr(key: str, lang: str, **params) -> str:
    return i18n.t(key, lang, **params)


ENGLISH_PYDANTIC = ("Input should", "String should", "Value error", "Field required", "valid integer", " or ")


def test_target_set_problems_are_reported_by_row():
    header = "strategy_id,target_id,horizon_year,kind,comparator,target_value,group_id,yardstick_index,yardstick_measure,text_vi,text_en\n"
    data = (
        header
        + "QD127_2021,T2025_WORLD_RANK,2025,rank,<=,60,WORLD,GAIRI,total,a,b\n"  # exists
        + "NEW_STRATEGY,T_X,2035,rank,<=,40,WORLD,GAIRI,total,a,b\n"  # unknown strategy
        + "QD127_2021,T_Y,2035,rank,>=,40,WORLD,GAIRI,total,a,b\n"  # bad comparator
        + "QD127_2021,T_Z,2035,count,>=,3,,,,a,b\n"  # fine
    ).encode()
    parsed, problems = target_sets.parse_target_set(data, "set.csv", {"T2025_WORLD_RANK"}, {"QD127_2021"})
    assert [p.target_id for p in parsed] == ["T_Z"]
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [
        ("target_exists", 2, "target_id", "T2025_WORLD_RANK"),
        ("unknown_strategy", 3, "strategy_id", "NEW_STRATEGY"),
        ("target_rank_rule", 4, "comparator", ">="),
    ]
    _, refused = target_sets.parse_target_set(b"\x7fELF\x00\x00binary", "set.csv", set(), set())
    assert refused[0].code.startswith("upload_")


@pytest.mark.parametrize("lang", LANGS)
def test_every_problem_of_a_target_set_at_once_in_the_users_language(lang):
    header = "strategy_id,target_id,horizon_year,kind,comparator,target_value,group_id,yardstick_index,yardstick_measure,text_vi,text_en,colour\n"
    data = (
        header
        + "QD127_2021,T_A,1990,rank,<=,40,WORLD,GAIRI,total,a,b,\n"  # year too early
        + "QD127_2021,9bad,2035,banana,>=,3,,,,a,b,\n"  # id pattern, kind
        + "QD127_2021,T_C,abc,count,>=,3,,,,,b,\n"  # year not a number, wording missing
    ).encode()
    parsed, problems = target_sets.parse_target_set(data, "set.csv", set(), {"QD127_2021"}, lang)
    assert parsed == []
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("unknown_column", 1, "colour"),
        ("field_min", 2, "horizon_year"),
        ("field_pattern", 3, "target_id"),
        ("field_choice", 3, "kind"),
        ("field_whole_number", 4, "horizon_year"),
        ("field_required", 4, "text_vi"),
    ]
    lines = [i18n.problem_message(p, lang) for p in problems]
    assert lines[1] == (
        tr("problem.row", lang, row=2)
        + ", "
        + tr("problem.column", lang, column="horizon_year")
        + ", "
        + tr("problem.value", lang, value="1990")
        + ": "
        + tr("error.field_min", lang, field=tr("field.horizon_year", lang), limit="2000")
    )
    assert tr("field.kind", lang) in lines[3] and "rank, count, direction" in lines[3]
    assert not [line for line in lines for words in ENGLISH_PYDANTIC if words in line]


def test_progress_record_errors_are_translated():
    with pytest.raises(pydantic.ValidationError) as caught:
        ProgressRecord(target_id="9x", recorded_on="soon", value=-1)
    problems = target_sets.validation_problems(caught.value, "vi")
    assert [(p.code, p.column) for p in problems] == [
        ("field_pattern", "target_id"),
        ("field_date", "recorded_on"),
        ("field_min", "value"),
    ]
    text = i18n.problem_message(problems[2], "vi")
    assert text.endswith(tr("error.field_min", "vi", field=tr("field.value", "vi"), limit="0"))
    assert "Input should" not in text
