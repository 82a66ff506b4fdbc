"""Report: pick the language, the "as of" edition, the peer group and the sections; generate the
meeting report once (button), preview its headline and scorecard, download PPTX, PDF and XLSX.

Generated on demand and cached per (data version, options): a rerun never rebuilds a report.
"""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from app_pages import access, common
from metrics import i18n, report_export
from metrics.auth import Actor, may_export, report_export_setting
from metrics.errors import MetricsError
from metrics.present import vocabulary
from metrics.reports import FORMATS, MIME
from metrics.reports.build import usable_editions
from metrics.reports.model import SECTION_IDS, ReportKind, ReportModel, ReportOptions
from metrics.store import queries as q

t = common.t
version = common.version()
KEY = "report_generated"  # session: (cache key, seconds) of the last generated report


@st.cache_data(show_spinner=False, max_entries=8)
def generate(
    data_version: common.Version, options_json: str, _actor: Actor
) -> tuple[dict, dict[str, bytes], dict[str, tuple[str, dict]]]:
    """The model (as a dict, for the preview), the bytes of every format that rendered and the
    error (code, params) of each that did not, built once per data version and options. The
    page checks the actor before every call; the service checks it when it builds."""
    options = ReportOptions.model_validate_json(options_json)
    done = report_export.export_report(common.store(), _actor, options)
    failed = {fmt: (exc.code, exc.params) for fmt, exc in done.failures.items()}
    return done.model.model_dump(mode="json"), done.files, failed


@st.cache_data(show_spinner=False)
def usable_report_editions(data_version: common.Version, index_id: str) -> list[int]:
    return usable_editions(common.store(), index_id)


@st.cache_data(show_spinner=False)
def peer_groups(data_version: common.Version) -> list[str]:
    return q.peer_groups(common.store())["group_id"].tolist()


common.page_header("report.page.title", "report.page.intro")
actor = access.refresh(common.store(), access.current_actor())
setting = report_export_setting()
if not may_export(actor, setting):
    st.warning(t(f"error.export_denied_{setting}"), icon=":material/lock:")
    st.stop()
info = common.index_info(version, common.DEFAULT_INDEX)
index_short = info.short(common.lang())  # its short name in the language ("Bài báo AI")
editions = list(info.editions)[::-1]
# The default is the latest edition with Viet Nam's total (an edition imported without totals can
# produce no headline); choosing another is refused by the report with a translated message.
usable = usable_report_editions(version, common.DEFAULT_INDEX)
default_as_of = usable[-1] if usable else editions[0]

left, right = st.columns(2)
with left:
    report_lang = st.radio(
        t("report.page.language"),
        options=list(i18n.LANGS),
        index=list(i18n.LANGS).index(common.lang()),
        format_func=lambda code: i18n.t(f"app.lang_name_{code}", code),
        horizontal=True,
        key="report_lang",
    )
    as_of = st.selectbox(
        t("report.page.as_of", index=index_short),
        editions,
        index=editions.index(default_as_of),
        key="report_as_of",
        format_func=str,
        placeholder=common.choose(),
    )
    groups = peer_groups(version)
    group = st.selectbox(
        t("report.page.group"),
        groups,
        index=groups.index(common.DEFAULT_GROUP) if common.DEFAULT_GROUP in groups else 0,
        key="report_group",
        placeholder=common.choose(),
    )
with right:
    meeting_date = st.date_input(
        t("report.page.meeting_date"), value=dt.date.today(), key="report_meeting_date", format="DD/MM/YYYY"
    )
    section_names = {
        s: t(f"report.section.{s}", group=group, edition=index_short)
        if s != "changes"
        else t("report.section.changes_none")
        for s in SECTION_IDS
    }
    # The options are the translated names, mapped back to their code: the widget's value is the
    # reader's wording too, never an English code.
    kinds: tuple[ReportKind, ...] = ("meeting", "closing_review")
    kind_by_name = {t(f"report.page.kind_{k}"): k for k in kinds}
    report_kind = kind_by_name[
        common.chosen(
            st.radio(t("report.page.kind"), options=list(kind_by_name), horizontal=True, key="report_kind")
        )
    ]
    sections = st.multiselect(
        t("report.page.sections"),
        options=list(SECTION_IDS),
        default=list(SECTION_IDS),
        format_func=section_names.__getitem__,
        key="report_sections",
        placeholder=common.choose(many=True),
        disabled=report_kind == "closing_review",
    )

options = ReportOptions(
    lang=common.chosen(report_lang),
    kind=report_kind,
    as_of=int(as_of),
    group_id=group,
    sections=tuple(sections),
    meeting_date=meeting_date,
)
cache_key = (version, options.model_dump_json())

if st.button(t("report.page.generate"), type="primary", key="report_generate", disabled=not sections):
    started = time.perf_counter()
    try:
        with st.spinner(t("report.page.generating")):
            generate(*cache_key, actor)
    except MetricsError as exc:
        common.error_box(exc)
        st.stop()
    st.session_state[KEY] = (cache_key, time.perf_counter() - started)

generated = st.session_state.get(KEY)
if generated is None:
    st.stop()
if generated[0] != cache_key:
    st.info(t("report.page.stale"))
    st.stop()

# Cached: this returns the report generated by the button, it does not rebuild it.
model_dict, files, failed = generate(*cache_key, actor)
model = ReportModel.model_validate(model_dict)
st.success(t("report.page.ready", seconds=common.num(generated[1], 1)))

names = {"pptx": "download_pptx", "pdf": "download_pdf", "xlsx": "download_xlsx"}
stem = f"report-{model.index_id}{model.as_of_edition}-{model.lang}-{model.meeting_date.isoformat()}"
for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
    with column:
        if fmt in failed:
            code, params = failed[fmt]
            st.error(i18n.error_message(code, common.lang(), **params))
            continue
        st.download_button(
            t(f"report.page.{names[fmt]}"),
            data=files[fmt],
            file_name=f"{stem}.{fmt}",
            mime=MIME[fmt],
            key=f"report_download_{fmt}",
            width="stretch",
        )

st.subheader(t("report.page.preview"))
md = common.md  # text from the data (target wordings) shown literally, never as markdown
st.markdown(f"**{md(model.title)}**  \n{md(model.meeting_line)} · {md(model.as_of_line)}")
for opening in ("strategy_headline", "closing_review"):
    section = model.section(opening)
    if section is not None and section.lead:
        st.markdown(f"#### {md(section.lead)}")
headline = model.section("headline")
if headline is not None:
    if headline.lead:
        st.markdown(f"#### {md(headline.lead)}")
    for bullet in headline.bullets:
        # The report's own words (its language may differ from the app's).
        status = bullet.status
        badge = f"{vocabulary.look(status).icon} **{md(bullet.status_label)}**" if status else "•"
        st.markdown(f"- {badge} — {md(bullet.text)}")
scorecard = model.section("scorecard")
if scorecard is not None and scorecard.tables:
    table = scorecard.tables[0]
    frame = pd.DataFrame([[c.text for c in row] for row in table.rows], columns=table.columns)
    st.dataframe(frame, hide_index=True, width="stretch")
st.caption(model.footer)
