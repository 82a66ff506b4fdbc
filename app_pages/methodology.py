"""Methodology: how ranks, thresholds, projections and statuses are computed (the engine's own
texts, `methodology.*`), the numbers that decide a status, and the readable trace of any target."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import progress

t = common.translator()  # bound to this run's language (also inside format_func)
lang = common.lang()
version = common.version()
VN = common.COUNTRY

common.page_header("methodology.title", "methodology.intro")

# --- the method, in the engine's words (thresholds filled in from data/status_rules.toml) ----------
for title, body in common.methodology(lang):
    with st.expander(title):
        st.markdown(body)

st.subheader(t("methodology_page.statuses_title"))
st.markdown(
    "\n".join(f"- **{common.status_badge(s)}** — {t(f'status_help.{s}')}" for s in common.ENGINE_STATUSES)
)

# --- the trace of one target ------------------------------------------------------------------------
st.subheader(t("methodology_page.trace_title"))
assessments = common.assess_targets(version, VN)
by_id = {a.target_id: a for a in assessments}


def label(target_id: str) -> str:
    a = by_id[target_id]
    text = a.text_vi if lang == "vi" else a.text_en
    return f"{a.horizon_year} · {text} ({target_id})"


target_id = st.selectbox(t("common.target"), list(by_id), format_func=label, key="methodology_target")
a = by_id[target_id]
st.markdown(
    f"### {common.status_badge(a.trace.result)}\n\n"
    + t("methodology_page.rule_applied", rule=t(a.trace.rule))
)


st.markdown(
    "\n".join(
        f"{i}. **{t(step.key)}**: {common.md(progress.step_formula(step, lang))}"
        f" → **{common.md(progress.step_value(step, lang))}**"
        for i, step in enumerate(a.trace.steps, start=1)
    )
)
common.download(
    pd.DataFrame(
        {
            "step": [s.key for s in a.trace.steps],
            "label": [t(s.key) for s in a.trace.steps],
            "formula": [progress.step_formula(s, lang) for s in a.trace.steps],
            "value": [progress.step_value(s, lang) for s in a.trace.steps],
        }
    ),
    f"trace_{target_id}",
    "methodology_trace_download",
)
with st.expander(t("methodology_page.inputs")):
    st.json(a.trace.inputs, expanded=False)
st.caption(t("methodology_page.trace_source", url=common.link(a.source_url)))
