"""The Targets page's analyst forms: add a value or a milestone (source URL required, fit direct /
partial / proxy), and correct or withdraw a record the analyst added. The services check the role
again and write each change with its audit-log entry; the old record of a correction is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pydantic
import streamlit as st
from pydantic_core import ErrorDetails, InitErrorDetails

from app_pages import common
from app_pages import strategy_views as sv
from metrics import committee, i18n, target_sets
from metrics.auth import Actor
from metrics.errors import MetricsError
from metrics.models import ProgressRecord
from metrics.present import format as fmt

KINDS = ("value", "milestone")
FITS = ("direct", "partial", "proxy")


def render(actor: Actor, target_id: str, label: Callable[[str], str]) -> None:
    """The forms for the target chosen above them on the page."""
    _add_form(actor, target_id, label)
    _correct_form(actor, target_id)


def _init_details(e: ErrorDetails) -> InitErrorDetails:
    """One reported error as pydantic takes it to build an error again (its message is rebuilt)."""
    details: InitErrorDetails = {"type": e["type"], "loc": e["loc"], "input": e["input"]}
    if "ctx" in e:
        details["ctx"] = e["ctx"]
    return details


def _problems(exc: pydantic.ValidationError) -> list[str]:
    """Each refusal in the user's language, naming the field (the model's own codes included)."""
    lang = common.lang()
    out = []
    for e in exc.errors():
        if e["type"].startswith("evidence_"):
            out.append(i18n.error_message(e["type"], lang))
        else:
            sub = pydantic.ValidationError.from_exception_data(exc.title, [_init_details(e)])
            out.extend(i18n.problem_message(p, lang) for p in target_sets.validation_problems(sub, lang))
    return out


def _choice(widget: Callable, label: str, codes: Sequence[str], catalog_prefix: str, **kwargs) -> str:
    """A radio or select box whose options are the translated names, mapped back to their code:
    the widget's value is then the reader's wording too, never an English code."""
    t = common.translator()
    by_name = {t(f"{catalog_prefix}{c}"): c for c in codes}
    return by_name[widget(label, list(by_name), **kwargs)]


def _record_fields(prefix: str, default_date: dt.date | None = None) -> dict:
    """The inputs of one record, laid out the same in the add and the correct forms."""
    t = common.translator()
    kind = _choice(
        st.radio,
        t("evidence.kind"),
        KINDS,
        "evidence.kind_",
        horizontal=True,
        key=f"{prefix}_kind",
    )
    c1, c2, c3 = st.columns(3)
    with c1:
        day = st.date_input(
            t("evidence.col_date"),
            value=default_date or dt.date.today(),
            key=f"{prefix}_date",
            format="DD/MM/YYYY",
        )
    with c2:
        value = st.number_input(t("evidence.col_value"), value=None, format="%g", key=f"{prefix}_value")
    with c3:
        unit = st.text_input(t("evidence.unit"), key=f"{prefix}_unit")
    fit = _choice(
        st.selectbox,
        t("evidence.fit"),
        FITS,
        "evidence.fit_",
        help=t("evidence.fit_help"),
        key=f"{prefix}_fit",
        placeholder=common.choose(),
    )
    source = st.text_input(t("evidence.source"), key=f"{prefix}_source", placeholder="https://")
    note_vi = st.text_input(t("evidence.note_vi"), key=f"{prefix}_note_vi")
    note_en = st.text_input(t("evidence.note_en"), key=f"{prefix}_note_en")
    return {
        "kind": kind,
        "recorded_on": day,
        "value": value if kind == "value" else None,
        "unit": unit.strip(),
        "fit": fit,
        "source_url": source.strip(),
        "note_vi": note_vi.strip(),
        "note_en": note_en.strip(),
    }


def _build(target_id: str, fields: dict) -> ProgressRecord | None:
    try:
        return ProgressRecord(target_id=target_id, **fields)
    except pydantic.ValidationError as exc:
        st.error(
            common.t("evidence.invalid") + "\n\n" + "\n".join(f"- {common.md(m)}" for m in _problems(exc))
        )
        return None


def _add_form(actor: Actor, target_id: str, label: Callable[[str], str]) -> None:
    t = common.translator()
    st.subheader(t("evidence.add_title"))
    st.caption(f"{t('common.target')}: {label(target_id)}")
    chosen = target_id
    with st.form("targets_add_evidence", clear_on_submit=False):
        fields = _record_fields("evidence_add")
        submitted = st.form_submit_button(t("evidence.add"), type="primary")
    if not submitted:
        return
    record = _build(chosen, fields)
    if record is None:
        return
    try:
        record_id = committee.add_evidence(common.store(), actor, record)
    except MetricsError as exc:
        common.error_box(exc)
        return
    common.refresh_version()
    st.success(t("evidence.added", id=record_id, target=chosen))


def _correct_form(actor: Actor, target_id: str) -> None:
    t = common.translator()
    lang = common.lang()
    st.subheader(t("evidence.correct_title"))
    mine = [
        e
        for e in sv.evidence(common.version())
        if e.target_id == target_id and e.created_by == actor.name and e.status == "active"
    ]
    if not mine:
        st.caption(t("evidence.correct_none"))
        return
    by_id = {e.record_id: e for e in mine}
    with st.form("targets_correct_evidence"):
        record_id = st.selectbox(
            t("evidence.correct_pick"),
            list(by_id),
            format_func=lambda i: f"{i} — {fmt.date(by_id[i].recorded_on, lang)} — {by_id[i].source_url}",
            key="evidence_correct_pick",
            placeholder=common.choose(),
        )
        action = _choice(
            st.radio,
            t("evidence.action"),
            ("correct", "withdraw"),
            "evidence.action_",
            key="evidence_correct_action",
        )
        fields = _record_fields("evidence_fix")
        reason = st.text_input(t("evidence.reason"), key="evidence_correct_reason")
        submitted = st.form_submit_button(t("evidence.apply"))
    if not submitted:
        return
    if not reason.strip():
        st.error(t("evidence.reason_required"))
        return
    try:
        if action == "withdraw":
            committee.withdraw_evidence(common.store(), actor, record_id, reason)
            message = t("evidence.withdrawn", id=record_id)
        else:
            record = _build(target_id, fields)
            if record is None:
                return
            new_id = committee.correct_evidence(common.store(), actor, record_id, record, reason)
            message = t("evidence.corrected", id=new_id, old=record_id)
    except MetricsError as exc:
        common.error_box(exc)
        return
    common.refresh_version()
    st.success(message)
