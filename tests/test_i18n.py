"""Both catalogs have the same keys and placeholders; numbers and dates follow the language."""

from __future__ import annotations

import datetime as dt
import re

from metrics import i18n


def test_catalogs_have_the_same_keys():
    assert set(i18n.catalog("vi")) == set(i18n.catalog("en"))


def test_placeholders_agree_between_languages():
    fields = re.compile(r"\{(\w+)\}")
    for key, text in i18n.catalog("vi").items():
        assert set(fields.findall(text)) == set(fields.findall(i18n.catalog("en")[key])), key


def test_number_formats():
    assert i18n.fmt_number(12345.678, "vi") == "12.345,68"
    assert i18n.fmt_number(12345.678, "en") == "12,345.68"
    assert i18n.fmt_number(None, "vi") == "–"


def test_date_formats():
    day = dt.date(2025, 10, 26)
    assert i18n.fmt_date(day, "vi") == "26/10/2025"
    assert i18n.fmt_date(day, "en") == "26 Oct 2025"


def test_error_messages_fill_parameters_and_fall_back():
    assert "NOPE" in i18n.error_message("unknown_index", "en", index_id="NOPE")
    assert "some_new_code" in i18n.error_message("some_new_code", "vi")
