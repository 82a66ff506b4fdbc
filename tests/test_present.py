"""The presentation vocabulary (metrics/present/): every status class and trend has its look and its
words in both languages, counts are made one way, and one palette serves the app and the reports."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from metrics import i18n
from metrics.present import format as fmt
from metrics.present import phrases, theme, vocabulary
from metrics.progress import StatusClass, TrendArrow
from metrics.reports import style

CLASSES = get_args(StatusClass)


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("status", CLASSES)
def test_every_status_class_has_icon_colour_and_words(status, lang):
    look = vocabulary.look(status)
    assert look.icon.strip() and re.fullmatch(r"#[0-9A-F]{6}", look.colour)
    for key in (f"status.{status}", f"status_help.{status}"):
        assert i18n.catalog(lang).get(key, "").strip(), f"{key} missing in {lang}"
    assert vocabulary.status_badge(status, lang).startswith(look.icon + " ")


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("trend", get_args(TrendArrow))
def test_every_trend_has_an_arrow_and_words(trend, lang):
    assert i18n.catalog(lang).get(f"trend.{trend}") and i18n.catalog(lang).get(f"report.trend.{trend}")
    assert vocabulary.trend_label(trend, lang).startswith(vocabulary.TREND_ARROW[trend])


def test_the_vocabulary_is_exactly_the_engine_classes():
    assert set(vocabulary.STATUS) == set(CLASSES)
    # Icons differ, so statuses read apart in grey print too.
    assert len({v.icon for v in vocabulary.STATUS.values()}) == len(CLASSES)


def test_good_and_open_flags():
    good = {s for s in CLASSES if vocabulary.is_good(s)}
    assert good == {"achieved", "met_now", "on_track"}
    assert {s for s in CLASSES if not vocabulary.is_open(s)} == {"achieved", "missed"}


class _A:
    def __init__(self, status):
        self.status = status


def test_count_statuses():
    count = vocabulary.count_statuses(
        [_A("achieved"), _A("met_now"), _A("pace_unknown"), _A("on_track"), _A("no_data")]
    )
    assert (count.total, count.good, count.with_data) == (5, 3, 4)
    assert count.by_class["pace_unknown"] == 1 and count.by_class["missed"] == 0


def test_reports_draw_with_the_app_palette():
    assert style.ACCENT == theme.hex(theme.FOCUS) == "D55E00"  # Viet Nam: vermillion in both
    assert style.status_colour("pace_unknown") == theme.hex(vocabulary.look("pace_unknown").colour)
    assert (style.sign_colour(1.0), style.sign_colour(-1.0)) == ("0072B2", "D55E00")
    from metrics import charts

    assert charts.FOCUS == theme.FOCUS and charts.COLORWAY == theme.COLORWAY


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_a_tiny_gap_reads_the_same_on_the_pages_and_in_the_report(lang, store):
    from metrics.reports import context, model

    ctx = context.ReportContext(store, model.ReportOptions(lang=lang))
    for value in (-0.001, 0.0, 0.004, -0.006, 1.5):
        assert ctx.signed(value) == fmt.signed(value, lang)
    zero = "0,00" if lang == "vi" else "0.00"
    assert fmt.signed(-0.001, lang) == fmt.signed(0.0, lang) == zero
    assert fmt.signed(-0.006, lang) == "\u22120" + zero[1] + "01"
    assert fmt.num(-0.001, lang) == zero


def test_numbers_and_dates_are_formatted_by_present_format_only():
    """The pages, the reports and the CLI format numbers and dates through metrics.present.format,
    one rule for all (a value that rounds to zero has no sign, a timestamp reads as its date): a
    direct call of i18n's primitives would be a second rule beside it, as the status table's gap
    was ("-0,00" there, "0,00" on the pages)."""
    from tests.conftest import ROOT

    primitive = re.compile(r"\bfmt_(number|int|date)\b")
    allowed = {ROOT / "metrics" / "present" / "format.py", ROOT / "metrics" / "i18n" / "__init__.py"}
    sources = [*(ROOT / "metrics").rglob("*.py"), *(ROOT / "app_pages").rglob("*.py"), ROOT / "dashboard.py"]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        if path not in allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if primitive.search(line)
    ]
    assert found == []
    assert fmt.num(-0.001, "vi") == "0,00" != i18n.fmt_number(-0.001, "vi")  # the rule it keeps


def test_ordinals_and_plurals():
    assert [fmt.ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 21, 45, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "45th",
        "101st",
        "111th",
    ]
    assert fmt.ordinal(45, "vi") == "45"
    assert (fmt.count(1, "edition", "en"), fmt.count(3, "edition", "en")) == ("1 edition", "3 editions")
    assert fmt.count(1, "edition", "vi") == "1 kỳ"


def test_computed_rank_is_labelled_with_its_coverage():
    row = {"published_rank": None, "computed_rank": 77, "countries_ranked": 174, "countries_in_data": 165}
    assert phrases.world_rank(row, "en") == (
        "77 of 165 (computed: the publisher prints no rank; 165 of 174 economies have a score)"
    )
    printed = {**row, "published_rank": 45, "countries_ranked": 195}
    assert phrases.world_rank(printed, "en") == "45 of 195"
    assert phrases.shown_rank(printed) == 45 and phrases.shown_rank(row) == 77


def test_second_opinions_count_unfavourable_verdicts():
    class A:
        def __init__(self, rank, n=5):
            self.current_rank, self.target_value = rank, n

    assert phrases.second_opinions([A(5), A(3), A(7), A(None)]) == (2, 3)
    assert phrases.localized({"name_vi": "Tên", "name_en": "Name"}, "name", "en") == "Name"
    assert phrases.localized({"name_vi": "", "name_en": "Name"}, "name", "vi") == "Name"


def test_an_index_short_name_is_its_vietnamese_one_in_vietnamese_else_the_acronym():
    eto = {"short_name": "AI articles", "short_name_vi": "Bài báo AI"}
    gairi = {"short_name": "GAIRI", "short_name_vi": ""}
    assert [phrases.short_name(eto, lang) for lang in ("vi", "en")] == ["Bài báo AI", "AI articles"]
    assert [phrases.short_name(gairi, lang) for lang in ("vi", "en")] == ["GAIRI", "GAIRI"]
    assert phrases.short_name({"short_name": "X", "short_name_vi": float("nan")}, "vi") == "X"


def test_a_count_index_is_shown_in_its_unit_and_a_scored_one_out_of_its_scale():
    """AI articles count articles (no published scale); GAIRI scores points out of 100."""
    assert phrases.index_value(1794.0, 10000.0, "bài báo", "vi") == "1.794 bài báo"
    assert phrases.index_value(54.321, 100.0, "", "vi") == "54,32 / 100"
    assert phrases.index_value(None, 100.0, "", "vi") == fmt.DASH
    assert phrases.index_value(12.5, 40.0, "% of GDP", "en") == "12.50 % of GDP"  # not whole: decimals
    assert phrases.gap(-2198.0, "articles", "en") == "\u22122,198 articles"
    assert phrases.gap(0.109, "", "vi") == "+0,11 điểm"
    assert phrases.gap(-0.001, "", "en") == "0.00 points"  # rounds to zero: no sign
    assert phrases.gap(None, "articles", "en") == fmt.DASH
    assert phrases.index_number(-873.0, "articles", "vi", 1, signed=True) == "\u2212873"
    assert phrases.index_number(-873.0, "", "vi", 1, signed=True) == "\u2212873,0"
