"""Targets: every target with its wording in Vietnamese and English, its yardstick and its status
history; analysts add progress records for counted targets and a target set for a new strategy."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common, evidence_forms
from app_pages import strategy_views as sv
from metrics import charts, i18n, services, target_sets
from metrics.errors import MetricsError, ValidationFailed
from metrics.models import Target
from metrics.present import phrases

t = common.translator()  # bound to this run's language (also inside format_func)
lang = common.lang()
version = common.version()
VN = common.COUNTRY

common.page_header("targets_page.title", "targets_page.intro")
# The strategy in force is the default; an earlier one is one choice away and says it is superseded.
choices = {r.strategy_id: r for r in common.strategy_rows(version)}
strategy_ids = list(choices)
default_id = common.chosen(common.default_strategy(version))  # no strategy: nothing to show
chosen = common.chosen(
    st.selectbox(
        t("strategy.choose"),
        strategy_ids,
        index=strategy_ids.index(st.session_state.get("strategy_choice") or default_id),
        format_func=lambda i: f"{choices[i].decision} — " + t(f"strategy.status_{choices[i].status}"),
        key="targets_strategy",
        placeholder=common.choose(),
    )
)
st.session_state["strategy_choice"] = chosen
row = choices[chosen]
row_name = row.name_vi if lang == "vi" else row.name_en
if row.status == "superseded":
    successor = choices.get(row.superseded_by)
    st.warning(
        common.tm(
            "strategy.superseded_notice",
            name=row_name,
            date=common.date(row.superseded_on),
            successor=successor.decision if successor else row.superseded_by,
        )
    )
else:
    st.info(common.tm("strategy.in_force_notice", name=row_name))
strategies = common.strategies_table(version)
assessments = {a.target_id: a for a in common.assess_targets(version, VN)}
reports = {r.target_id: r for r in common.target_reports(version)}
strategy_name = dict(
    zip(strategies["strategy_id"], strategies["name_vi" if lang == "vi" else "name_en"], strict=True)
)


def goal(x: Target) -> str:
    return common.goal_text(x, lang)


def yardstick(x: Target) -> str:
    if x.kind == "rank":
        text = t(
            "targets_page.yardstick_index",
            index=common.index_name(x.yardstick_index),
            measure=x.yardstick_measure,
        )
        return text + (" — " + t("strategy.proxy_label") if x.yardstick_proxy else "")
    return t("targets_page.yardstick_records")


def status_of(target_id: str) -> str:
    report = reports.get(target_id)
    if report is None:
        return "–"
    badge = common.status_badge(report.status)
    if report.evidence_fit in ("partial", "proxy") and report.status != "superseded":
        badge += f" ({t(f'strategy.fit_{report.evidence_fit}')})"
    return badge


def agency_of(target_id: str) -> str:
    report = reports.get(target_id)
    if report is None or not report.lead_agency:
        return "–"
    return (report.lead_agency_vi if lang == "vi" else report.lead_agency_en) or report.lead_agency


def successor_of(target_id: str) -> str:
    report = reports.get(target_id)
    if report is None or report.succeeded_by is None:
        return ""
    return report.succeeded_by or t("strategy.no_successor")


records = common.targets(version)
columns = {
    t("common.status"): [status_of(x.target_id) for x in records],
    t("targets_page.col_strategy"): [x.strategy_id for x in records],
    "ID": [x.target_id for x in records],
    t("common.horizon"): [str(x.horizon_year) for x in records],
    t("committee.col_kind"): [t(f"committee.kind_{x.kind}") for x in records],
    t("targets_page.col_goal"): [goal(x) for x in records],
    t("targets_page.col_text_vi"): [x.text_vi for x in records],
    # the English wording is a translation: on the English page only
    **({t("targets_page.col_text_en"): [x.text_en for x in records]} if lang == "en" else {}),
    t("targets_page.col_yardstick"): [yardstick(x) for x in records],
    t("strategy.lead_agency"): [agency_of(x.target_id) for x in records],
    t("strategy.evidence_col"): [
        reports[x.target_id].evidence_count if x.target_id in reports else 0 for x in records
    ],
    t("common.source"): [x.source_url for x in records],
}
if row.status == "superseded":
    columns[t("strategy.successor_col")] = [successor_of(x.target_id) for x in records]
table = pd.DataFrame(columns)
st.markdown(
    "#### "
    + common.tm(
        "targets_page.headline",
        n=len(records),
        strategies=len(strategies),
        good=sum(1 for a in assessments.values() if a.status in ("achieved", "met_now", "on_track")),
        no_data=sum(1 for a in assessments.values() if a.status == "no_data"),
    )
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height=common.rows_height(len(table)),
    column_config={t("common.source"): st.column_config.LinkColumn()},
    key="targets_table",
)
common.download(table, "targets", "targets_table_download", xlsx=True)

# --- one target: its status history --------------------------------------------------------------------
st.subheader(t("targets_page.history_title"))
ids = [x.target_id for x in records]
by_id = {x.target_id: x for x in records}
target_id = common.chosen(
    st.selectbox(
        t("common.target"),
        ids,
        format_func=lambda i: f"{goal(by_id[i])} — {by_id[i].horizon_year} ({i})",
        key="targets_select",
        placeholder=common.choose(),
    )
)
x = by_id[target_id]
st.markdown(
    f"> {common.md(x.text_vi)}\n>\n> *{common.md(x.text_en)}*"
    if lang == "en"
    else f"> {common.md(x.text_vi)}"
)
if x.kind == "rank":
    history = [h for h in common.status_history(version, target_id, VN) if h.as_of_edition is not None]
    hframe = pd.DataFrame(
        {
            "edition_year": [h.as_of_edition for h in history],
            "rank": [h.current_rank for h in history],
            "of": [h.of for h in history],
            "score": [h.score for h in history],
            "threshold": [h.threshold for h in history],
            "gap": [h.gap for h in history],
            "status": [h.status for h in history],
        }
    )
    info = common.index_info(version, x.yardstick_index)
    unit = info.unit(lang)  # AI articles count articles, not points of a scale
    in_units = phrases.unit_or_points(unit, lang)
    shown = pd.DataFrame(
        {
            t("common.edition"): hframe["edition_year"].astype(str),
            t("common.rank"): [
                common.rank_of(r, o) for r, o in zip(hframe["rank"], hframe["of"], strict=True)
            ],
            # Each edition's score on its own scale (GAIRI 2019: 0-10), or a count in its unit.
            phrases.value_heading(unit, lang): [
                phrases.index_value(h.score, info.scale_max.get(h.as_of_edition), unit, lang) for h in history
            ],
            t("targets_page.col_threshold"): [
                phrases.index_number(v, unit, lang) for v in hframe["threshold"]
            ],
            t("targets_page.col_gap", unit=in_units): [
                phrases.index_number(v, unit, lang, signed=True) for v in hframe["gap"]
            ],
            t("common.status"): [common.status_badge(s) for s in hframe["status"]],
        }
    ).iloc[::-1]
    st.caption(common.tm("targets_page.history_note"))
    st.dataframe(shown, hide_index=True, width="stretch", key="targets_history")
    # Gaps are in points of each edition's scale: chart only the editions on the latest one's scale.
    scale = info.scale_max
    gaps = hframe.dropna(subset=["gap"])
    if not gaps.empty:
        latest_scale = scale.get(int(gaps["edition_year"].iloc[-1]))
        same = [scale.get(int(e)) == latest_scale for e in gaps["edition_year"]]
        left_out = [str(int(e)) for e, keep in zip(gaps["edition_year"], same, strict=True) if not keep]
        gaps = gaps[same]
    else:
        left_out = []
    if not gaps.empty:
        source = common.source_line(x.yardstick_index, gaps["edition_year"].tolist())
        last = gaps.iloc[-1]
        fig = charts.gap_bars(
            pd.DataFrame(
                {
                    "label": gaps["edition_year"].astype(str),
                    "gap": gaps["gap"],
                    "text": [phrases.index_number(g, unit, lang, 1, signed=True) for g in gaps["gap"]],
                }
            ),
            charts.Labels(
                title=t(
                    "targets_page.gap_title_inside" if last["gap"] >= 0 else "targets_page.gap_title_outside",
                    edition=int(last["edition_year"]),
                    gap=phrases.index_number(abs(float(last["gap"])), unit, lang, 1),
                    unit=in_units,
                ),
                x=t("targets_page.gap_axis", unit=in_units),
                y=t("common.edition"),
                source=common.source_line(x.yardstick_index, gaps["edition_year"].tolist(), url=False),
            ),
            lang,
            value_text="text",
        )
        common.chart(fig, hframe, f"targets_gap_{target_id}", source)
        if left_out:
            st.caption(common.tm("targets_page.gap_scale_note", editions=", ".join(left_out)))
elif target_id in reports:
    status = reports[target_id].status
    st.markdown(status_of(target_id) + " — " + t(f"status_help.{status}"))

# --- its evidence, with sources (withdrawn and corrected records on request) --------------------------
st.subheader(t("evidence.title"))
show_withdrawn = st.toggle(t("evidence.show_withdrawn"), key="targets_show_withdrawn")
evidence = [e for e in sv.evidence(version, include_withdrawn=True) if e.target_id == target_id]
shown_evidence = [e for e in evidence if show_withdrawn or e.status == "active"]
if not shown_evidence:
    agency = agency_of(target_id)
    st.info(
        common.tm("strategy.no_evidence_agency", agency=agency)
        if agency != "–"
        else common.tm("strategy.no_evidence_nobody")
    )
else:
    st.dataframe(
        sv.evidence_frame(shown_evidence),
        hide_index=True,
        width="stretch",
        column_config={t("common.source"): st.column_config.LinkColumn()},
        key="targets_evidence",
    )

# --- analysts: add progress records and target sets ---------------------------------------------------
st.divider()
actor = common.current_actor()
if not common.can("analyst"):
    st.caption(common.tm("targets_page.analyst_only"))
    st.stop()

evidence_forms.render(actor, target_id, lambda i: f"{goal(by_id[i])} — {by_id[i].horizon_year} ({i})")

st.subheader(t("targets_page.add_set_title"))
st.markdown(common.tm("targets_page.add_set_help", strategies=", ".join(strategy_name)))
targets = common.targets_table(version)  # the CSV columns of a target set, as the store holds them
template = targets[targets["strategy_id"] == targets["strategy_id"].iloc[0]].head(3)
common.download(template, "targets_template", "targets_template_download")
upload = common.file_uploader(t("targets_page.upload"), ["csv"], "targets_upload")


def show_problems(problems) -> None:
    """Every problem at once, each with its row, column, value and reason in the user's language."""
    st.error(
        common.tm("targets_page.problems_title", n=len(problems))
        + "\n\n"
        + "\n".join(f"- {common.md(i18n.problem_message(p, lang))}" for p in problems)
    )


if upload is not None:
    every_target = set(services.q.targets(common.store())["target_id"])
    signed = {r.strategy_id: r.signed_on for r in choices.values()}
    agencies = set(services.q.agencies(common.store())["agency_id"])
    parsed, problems = target_sets.parse_target_set(
        upload.getvalue(), upload.name, every_target, signed, lang, agencies
    )
    if problems:
        show_problems(problems)
    elif parsed:
        st.dataframe(pd.DataFrame([p.model_dump() for p in parsed]), hide_index=True, key="targets_preview")
        if st.button(t("targets_page.add_set", n=len(parsed)), type="primary", key="targets_add_set"):
            try:
                added = services.add_targets(common.store(), actor, parsed)  # all or nothing
                common.refresh_version()
                st.success(common.tm("targets_page.set_added", n=added))
            except ValidationFailed as exc:
                st.warning(common.tm("targets_page.set_failed"))
                show_problems(exc.problems)
            except MetricsError as exc:
                common.error_box(exc)
                st.warning(common.tm("targets_page.set_failed"))
