"""Methodology: the method's text and a status's trace.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import pytest

from metrics import progress, services
from tests.pages_support import (
    LANGS,
    OLD,
    badge,
    texts,
    tr,
)


@pytest.mark.parametrize("lang", LANGS)
def test_methodology_text_and_trace(open_page, store, lang):
    at = open_page("methodology", lang)

    titles = [e.label for e in at.main.expander]
    assert [t_ for t_, _ in progress.methodology(lang)] == titles[: len(progress.methodology(lang))]
    a = next(x for x in services.assess_targets(store, "VNM", OLD) if x.target_id == "T2025_ASEAN_RANK")
    trace = next(m.value for m in at.main.markdown if m.value.startswith("1. "))
    assert trace.count("\n") + 1 == len(a.trace.steps)
    assert tr(a.trace.steps[0].key, lang) in trace
    assert badge(a.trace.result, lang) in texts(at)
    assert tr("methodology_page.rule_applied", lang, rule=tr(a.trace.rule, lang)) in texts(at)
    at.selectbox(key="methodology_target").set_value("T2030_WORLD_RANK").run()
    b = next(x for x in services.assess_targets(store, "VNM", OLD) if x.target_id == "T2030_WORLD_RANK")
    trace = next(m.value for m in at.main.markdown if m.value.startswith("1. "))
    assert trace.count("\n") + 1 == len(b.trace.steps)
