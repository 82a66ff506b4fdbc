"""The presentation vocabulary (metrics/present/): every status class and trend has its look and its
words in both languages, counts are made one way, and one palette serves the app and the reports."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from metrics import i18n
from metrics.present import theme, vocabulary
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
