"""Import (analysts): upload a publisher spreadsheet or a prepared table, see the detected mapping and
what it would change, fix unknown country names, confirm; the version history with compare and
rollback. Every write goes through metrics.ingest.pipeline / metrics.store.imports, which check the
role again."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import i18n
from metrics.auth import ANONYMOUS, has_role
from metrics.errors import MetricsError, ValidationFailed
from metrics.ingest import mapping, pipeline
from metrics.ingest.source import Layout
from metrics.store import imports as store_imports
from metrics.store import queries as q
from metrics.store import restore_points

t = common.translator()
lang = common.lang()
actor = common.current_actor() or st.session_state.get("actor", ANONYMOUS)
if not has_role(actor, "analyst"):
    st.title(t("import.title"))
    st.warning(t("import.need_analyst"))
    st.stop()

store = common.store()
NEW = "__new__"
IGNORE = mapping.IGNORE
ROLES = ("country", "iso_code", "year", "measure", "value", "rank")


def _problem_rows(problems) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("import.col.row"): "" if p.row is None else str(p.row),
                t("import.col.column"): p.column or "",
                t("import.col.value"): p.value or "",
                t("import.col.message"): i18n.error_message(p.code, lang, **p.params),
            }
            for p in problems
        ]
    )


def _scale(e) -> str:
    return f"{common.num(e.scale_min, 0)}–{common.num(e.scale_max, 0)}"


class _Progress:
    """A progress bar fed by the pipeline's (fraction, stage) callbacks."""

    def __init__(self) -> None:
        self.bar = st.progress(0.0, text=t("import.stage.reading"))

    def __call__(self, fraction: float, stage: str) -> None:
        self.bar.progress(min(max(fraction, 0.0), 1.0), text=t(f"import.stage.{stage}"))

    def done(self) -> None:
        self.bar.empty()


# --- the form ----------------------------------------------------------------------------------


def _form() -> tuple[bytes | None, str, pipeline.ImportOptions]:
    indices = q.indices(store)
    names = dict(zip(indices["index_id"], indices["name_vi" if lang == "vi" else "name_en"], strict=True))
    ids = [*indices["index_id"], NEW]
    c1, c2 = st.columns([1, 2])
    with c1:
        index_choice = st.selectbox(
            t("import.index"),
            ids,
            index=ids.index(common.DEFAULT_INDEX) if common.DEFAULT_INDEX in ids else 0,
            format_func=lambda i: t("import.index_new") if i == NEW else f"{names[i]} ({i})",
            key="import_index",
            placeholder=common.choose(),
        )
    with c2:
        uploaded = common.file_uploader(
            t("import.upload"), ["xlsx", "csv", "tsv", "txt"], "import_file", help=t("import.upload_help")
        )
    new: dict[str, str | None] = {}
    if index_choice == NEW:
        n1, n2, n3, n4, n5 = st.columns([1, 2, 2, 1, 1])
        new["index_id"] = n1.text_input(t("import.new_id"), key="import_new_id").strip().upper()
        new["name"] = n2.text_input(t("import.new_name"), key="import_new_name").strip()
        new["name_vi"] = n3.text_input(t("import.new_name_vi"), key="import_new_name_vi").strip() or None
        new["unit"] = n4.text_input(t("import.new_unit"), key="import_new_unit").strip()
        new["publisher"] = n5.text_input(t("import.new_publisher"), key="import_new_publisher").strip()
    c3, c4, c5 = st.columns([1, 2, 2])
    edition = c3.number_input(
        t("import.edition"),
        min_value=1990,
        max_value=2100,
        value=None,
        step=1,
        help=t("import.edition_help"),
        key="import_edition",
    )
    source_url = c4.text_input(t("import.source_url"), key="import_source_url").strip()
    licence = c5.text_input(t("import.licence"), key="import_licence").strip()
    c6, c7 = st.columns([1, 2])
    sheet = c6.text_input(t("import.sheet"), key="import_sheet").strip() or None
    layouts: list[Layout] = ["auto", "publisher", "tidy"]
    layout = c7.radio(
        t("import.layout"),
        layouts,
        format_func=lambda v: t(f"import.layout_{v}"),
        horizontal=True,
        key="import_layout",
    )
    options = pipeline.ImportOptions(
        index_id=new.get("index_id") if index_choice == NEW else index_choice,
        edition_year=int(edition) if edition is not None else None,
        source_url=source_url,
        licence=licence,
        sheet=sheet,
        name=new.get("name") or None,
        name_vi=new.get("name_vi"),
        unit=new.get("unit") or None,
        publisher=new.get("publisher") or "",
        layout=layout or "auto",  # a radio with a default index always holds a choice
    )
    if uploaded is None:
        return None, "", options
    data = uploaded.getvalue()
    file_key = hashlib.sha256(data).hexdigest()[:16]
    if st.session_state.get("import_choices_for") != file_key:
        # The analyst's column choices belong to one file.
        st.session_state["import_choices_for"] = file_key
        st.session_state["import_column_map"] = {}
    options.column_map = dict(st.session_state["import_column_map"])
    options.allow_no_headline = bool(st.session_state.get(f"import_allow_no_headline_{file_key}"))
    return data, uploaded.name, options


def _source(data: bytes, file_name: str, options: pipeline.ImportOptions, progress) -> pipeline.SourceFile:
    """The file read once per (content, reading options); kept in the session for the confirm.
    read_source runs the upload guard (size, type by content, zip bombs) before any parser."""
    key = (
        hashlib.sha256(data).hexdigest(),
        file_name,
        options.sheet,
        options.layout,
        bool(options.name),
        options.index_id,
        tuple(sorted(options.column_map.items())),
    )
    cached = st.session_state.get("import_source")
    if cached is not None and cached[0] == key:
        return cached[1]
    source = pipeline.read_source(data, file_name, options, progress=progress, store=store)
    st.session_state["import_source"] = (key, source)
    return source


# --- the preview ---------------------------------------------------------------------------------


def _show_mapping(source: pipeline.SourceFile, plan: pipeline.ImportPlan) -> None:
    st.subheader(t("import.mapping"))
    st.caption(
        common.tm(
            "import.cli.file",
            file=plan.file_name,
            reader=t(f"import.reader.{plan.reader}"),
            sha=plan.sha256[:12],
        )
    )
    rows = [
        {t("import.col.role"): t(f"import.role.{role}"), t("import.col.column"): source.columns[role]}
        for role in ROLES
        if source.columns.get(role)
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="import_mapping_table")
    mapping = plan.mapping
    if mapping.get("sheets"):
        st.caption(common.tm("import.mapping_sheets", sheets=", ".join(mapping["sheets"])))
    if source.measure_columns:
        measures = sorted(set(source.measure_columns) - {"total"})
        if measures:
            # "header as written → measure id": the analyst checks each column went where it should.
            pairs = [f"{source.measure_columns[m]} → {m}" for m in measures]
            st.caption(common.tm("import.mapping_measures", measures=", ".join(pairs)))
    ignored = mapping.get("ignored_columns") or []
    if ignored:
        st.caption(common.tm("import.mapping_ignored", columns=", ".join(ignored)))
    if mapping.get("delimiter"):
        # A text file: what the analyst checks first when numbers look wrong (54,48 read as 5448?).
        comma = mapping.get("decimal_comma")  # None: each number column decides for itself
        decimal = "decimal_each" if comma is None else ("decimal_comma" if comma else "decimal_point")
        delimiter = mapping["delimiter"]
        st.caption(
            t(
                "import.mapping_text",
                encoding=mapping.get("encoding") or "?",
                delimiter=t("import.delimiter_tab") if delimiter == "\t" else f"“{delimiter}”",
                decimal=t(f"import.{decimal}"),
            )
        )
    if source.years:
        st.caption(t("import.years_in_file", years=", ".join(str(y) for y in source.years)))
    elif source.edition_hint:
        st.caption(
            common.tm("import.edition_hint", source=source.edition_hint_from or "", year=source.edition_hint)
        )


def _map_key(plan: pipeline.ImportPlan, label: str) -> str:
    return f"import_map_{plan.sha256[:8]}_{hashlib.sha256(label.encode()).hexdigest()[:10]}"


def _show_column_choices(plan: pipeline.ImportPlan) -> None:
    """Every column (or measure name) with the measure it feeds; the analyst may pick another
    measure of the index, the total included, or leave it out. A change reads the file again."""
    if not plan.columns:
        return
    names = {c["measure_id"]: c["name_vi" if lang == "vi" else "name_en"] for c in plan.measure_choices}
    open_it = any(f["how"] in ("new", "ignored", "chosen") for f in plan.columns) or any(
        p.code == "headline_missing" for p in plan.problems
    )
    chosen = st.session_state.setdefault("import_column_map", {})

    def label_of(measure: str) -> str:
        if measure == IGNORE:
            return t("import.map.ignore")
        return f"{names[measure]} ({measure})" if measure in names else t("import.map.new", measure=measure)

    with st.expander(t("import.map.title"), expanded=open_it):
        st.caption(t("import.map.help"))
        for feed in plan.columns:
            column, current = feed["column"], feed["measure_id"]
            options = [IGNORE, *names] + ([current] if current not in names and current != IGNORE else [])
            c1, c2 = st.columns([3, 2])
            picked = c1.selectbox(
                t("import.map.choose", column=column),
                options,
                index=options.index(current),
                format_func=label_of,
                key=_map_key(plan, column),
                placeholder=common.choose(),
            )
            c2.caption(t(f"import.how.{feed['how']}"))
            if picked != current:
                if picked in names or picked == IGNORE:
                    chosen[column] = picked
                else:
                    chosen.pop(column, None)
                st.rerun()


def _show_headline_choice(plan: pipeline.ImportPlan) -> None:
    key = f"import_allow_no_headline_{st.session_state.get('import_choices_for', '')}"
    if any(p.code == "headline_missing" for p in plan.problems) or st.session_state.get(key):
        st.checkbox(t("import.headline.allow"), key=key)


def _show_summary(plan: pipeline.ImportPlan) -> None:
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("import.summary_rows"), common.num(plan.row_count, 0))
    m2.metric(t("import.summary_names"), common.num(plan.names_count, 0))
    m3.metric(t("import.summary_matched"), common.num(plan.countries_matched, 0))
    m4.metric(t("import.summary_unmatched"), common.num(plan.names_unmatched, 0))
    st.subheader(t("import.editions"))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("import.col.edition"): str(e.edition_year),
                    t("import.col.action"): t(f"import.action.{e.action}"),
                    t("import.col.framework"): f"{e.framework} / {e.series}",
                    t("import.col.scale"): t(f"import.scale_source.{e.scale_source}", scale=_scale(e)),
                    t("import.col.rows"): common.num(e.row_count, 0),
                    t("import.col.countries"): common.num(e.country_count, 0),
                }
                for e in plan.editions
            ]
        ),
        hide_index=True,
        key="import_editions_table",
    )
    for e in plan.editions:
        if e.methodology_break:
            st.warning(
                t(
                    "import.break",
                    edition=e.edition_year,
                    previous_framework=e.previous_framework,
                    framework=e.framework,
                )
            )


def _show_problems(plan: pipeline.ImportPlan) -> None:
    if plan.problems:
        st.error(t("import.problems", count=len(plan.problems)))
        st.dataframe(_problem_rows(plan.problems), hide_index=True, key="import_problems_table")
        _alias_forms([p for p in plan.problems if p.code == "country_unmatched"])
    if plan.warnings:
        st.warning(t("import.warnings", count=len(plan.warnings)))
        st.dataframe(_problem_rows(plan.warnings), hide_index=True, key="import_warnings_table")
    elif not plan.problems:
        st.caption(t("import.no_warnings"))
    if plan.names_by_alias:
        with st.expander(t("import.names_by_alias")):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("import.col.name"): r["name"],
                            t("import.col.iso3"): r["iso3"],
                            t("import.col.country"): common.country(r["iso3"]),
                        }
                        for r in plan.names_by_alias
                    ]
                ),
                hide_index=True,
                key="import_alias_table",
            )


def _alias_forms(unknown) -> None:
    """For each unknown name: pick the country it means (closest first) and keep it as an alias."""
    if not unknown:
        return
    st.subheader(t("import.unknown"))
    st.caption(t("import.unknown_help"))
    names = common.country_names(common.version(), lang)
    everyone = sorted(names, key=lambda c: names[c])
    for i, p in enumerate(unknown[:20]):
        closest = [c[0] for c in p.params.get("candidates", [])]
        choices = ["", *closest, *[c for c in everyone if c not in closest]]
        c1, c2 = st.columns([3, 1])
        iso3 = c1.selectbox(
            t("import.alias_for", name=p.value),
            choices,
            format_func=lambda c: t("import.alias_choose") if not c else f"{names.get(c, c)} ({c})",
            key=f"import_alias_pick_{i}",
            placeholder=common.choose(),
        )
        if c2.button(t("import.alias_keep"), key=f"import_alias_keep_{i}", disabled=not iso3):
            try:
                pipeline.add_alias(store, actor, p.value, iso3)
            except MetricsError as exc:
                common.error_box(exc)
            else:
                common.refresh_version()
                st.session_state["import_notice"] = t("import.alias_added", alias=p.value, iso3=iso3)
                st.rerun()


def _show_changes(plan: pipeline.ImportPlan) -> None:
    for e in plan.editions:
        if e.diff is None:
            continue
        with st.expander(t("import.changes", edition=e.edition_year), expanded=e.diff.changed_count > 0):
            _diff(e.diff, f"import_diff_{e.edition_year}")


def _diff(diff: store_imports.Diff, key: str) -> None:
    st.markdown(
        t(
            "import.cli.diff",
            changed=common.num(diff.changed_count, 0),
            ranks=common.num(diff.rank_changed_count, 0),
            added=len(diff.added_countries),
            removed=len(diff.removed_countries),
            unchanged=common.num(diff.unchanged_count, 0),
        )
    )
    for label, items in (
        ("import.added_countries", diff.added_countries),
        ("import.removed_countries", diff.removed_countries),
        ("import.added_measures", diff.added_measures),
        ("import.removed_measures", diff.removed_measures),
    ):
        if items:
            st.markdown(f"**{t(label)}:** " + common.md(", ".join(str(i) for i in items)))
    if not diff.changed:
        st.caption(t("import.changes_none"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("import.col.country"): common.country(c.iso3),
                    t("import.col.measure"): c.measure_id,
                    t("import.col.old"): common.num(c.old_value, 4),
                    t("import.col.new"): common.num(c.new_value, 4),
                    t("import.col.old_rank"): "–" if c.old_rank is None else str(c.old_rank),
                    t("import.col.new_rank"): "–" if c.new_rank is None else str(c.new_rank),
                }
                for c in diff.changed
            ]
        ),
        hide_index=True,
        key=key,
    )
    shown = len(diff.changed)
    total = diff.changed_count + diff.rank_changed_count
    if shown < total:
        st.caption(t("import.changes_more", shown=shown, count=common.num(total, 0)))


# --- the tabs ------------------------------------------------------------------------------------


def import_tab() -> None:
    notice = st.session_state.pop("import_notice", None)
    if notice:
        st.success(notice)
    data, file_name, options = _form()
    if data is None:
        return
    progress = _Progress()
    try:
        source = _source(data, file_name, options, progress)
        plan = pipeline.preview(store, actor, source, options, progress)
    except MetricsError as exc:
        _show_failure(exc, progress, "import_read_problems")
        if isinstance(exc, ValidationFailed):
            st.caption(t("import.confirm_blocked"))
        return
    progress.done()
    _show_mapping(source, plan)
    _show_column_choices(plan)
    _show_summary(plan)
    _show_problems(plan)
    _show_headline_choice(plan)
    _show_changes(plan)
    if plan.status == "unchanged":
        st.info(t("import.confirm_unchanged"))
    elif plan.problems:
        st.caption(t("import.confirm_blocked"))
    if st.button(t("import.confirm"), type="primary", disabled=not plan.can_commit, key="import_confirm"):
        _commit(source, options)


def _show_failure(exc: MetricsError, progress: _Progress, table_key: str) -> None:
    """A refused file: every problem in a table (ValidationFailed), else the error's message."""
    progress.done()
    if isinstance(exc, ValidationFailed):
        st.error(i18n.error_message(exc.code, lang, **exc.params))
        st.dataframe(_problem_rows(exc.problems), hide_index=True, key=table_key)
    else:
        common.error_box(exc)


def _commit(source: pipeline.SourceFile, options: pipeline.ImportOptions) -> None:
    progress = _Progress()
    try:
        result = pipeline.commit(store, actor, source, options, progress)
    except MetricsError as exc:
        _show_failure(exc, progress, "import_commit_problems")
        return
    progress.done()
    common.refresh_version()
    st.session_state.pop("import_source", None)
    if result.status == "unchanged":
        st.info(t("import.unchanged"))
        return
    written = "; ".join(
        t("import.imported_version", edition=v["edition_year"], version=v["version_id"])
        for v in result.versions
    )
    st.success(t("import.imported", versions=written))
    points = restore_points.list_points(store.path)
    if points:
        st.caption(t("import.restore_point.taken", path=points[0].path))


def history_tab() -> None:
    notice = st.session_state.pop("import_history_notice", None)
    if notice:
        st.success(notice)
    indices = q.indices(store)["index_id"].tolist()
    choice = st.selectbox(
        t("import.history_index"),
        ["", *indices],
        format_func=lambda i: i or t("import.history_all"),
        key="import_history_index",
        placeholder=common.choose(),
    )
    versions = store_imports.list_versions(store, choice or None)
    if versions.empty:
        st.caption(t("import.history_empty"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("import.col.version"): versions["version_id"].astype(str),
                t("import.col.index"): versions["index_id"],
                t("import.col.edition"): versions["edition_year"].astype(str),
                t("import.col.current"): ["✓" if c else "" for c in versions["is_current"]],
                t("import.col.withdrawn"): [
                    r if w else ""
                    for w, r in zip(versions["withdrawn"], versions["withdrawn_reason"], strict=True)
                ],
                t("import.col.file"): versions["file_name"],
                t("import.col.sha256"): versions["sha256"].str[:12],
                t("import.col.rows"): [common.num(n, 0) for n in versions["row_count"]],
                t("import.col.countries"): [common.num(n, 0) for n in versions["country_count"]],
                t("import.col.by"): versions["imported_by"],
                t("import.col.at"): [common.date(d) for d in versions["imported_at"]],
            }
        ),
        hide_index=True,
        key="import_versions_table",
    )
    labels = {
        int(r.version_id): f"{r.version_id} · {r.index_id} {r.edition_year} · {r.file_name}"
        for r in versions.itertuples(index=False)
    }
    ids = list(labels)
    st.subheader(t("import.compare"))
    c1, c2, c3 = st.columns([2, 2, 1])
    old = common.chosen(
        c1.selectbox(
            t("import.compare_old"),
            ids,
            index=min(1, len(ids) - 1),
            format_func=labels.__getitem__,
            key="import_cmp_old",
            placeholder=common.choose(),
        )
    )
    new = common.chosen(
        c2.selectbox(
            t("import.compare_new"),
            ids,
            index=0,
            format_func=labels.__getitem__,
            key="import_cmp_new",
            placeholder=common.choose(),
        )
    )
    if c3.button(t("import.compare_button"), key="import_compare"):
        _diff(store_imports.compare(store, old, new), "import_compare_table")

    _withdraw_section(versions, labels)
    st.subheader(t("import.rollback"))
    older = [
        int(v)
        for v, cur, gone in zip(
            versions["version_id"], versions["is_current"], versions["withdrawn"], strict=True
        )
        if not cur and not gone
    ]
    if not older:
        st.caption(t("import.rollback_none"))
        return
    pick = common.chosen(
        st.selectbox(
            t("import.rollback_pick"),
            older,
            format_func=labels.__getitem__,
            key="import_rollback_pick",
            placeholder=common.choose(),
        )
    )
    sure = st.checkbox(t("import.rollback_sure"), key="import_rollback_sure")
    if st.button(t("import.rollback_button"), disabled=not sure, key="import_rollback"):
        try:
            detail = store_imports.rollback(store, actor, pick)
        except MetricsError as exc:
            common.error_box(exc)
        else:
            common.refresh_version()
            st.session_state["import_history_notice"] = t("import.rolled_back", **detail)
            st.rerun()


def _withdraw_section(versions: pd.DataFrame, labels: dict[int, str]) -> None:
    """Withdraw any version (the only one of a new edition included), with a reason."""
    st.subheader(t("import.withdraw.title"))
    st.caption(t("import.withdraw.help"))
    live = [int(v) for v, gone in zip(versions["version_id"], versions["withdrawn"], strict=True) if not gone]
    if not live:
        st.caption(t("import.withdraw.none"))
        return
    pick = common.chosen(
        st.selectbox(
            t("import.withdraw.pick"),
            live,
            format_func=labels.__getitem__,
            key="import_withdraw_pick",
            placeholder=common.choose(),
        )
    )
    reason = st.text_input(
        t("import.withdraw.reason"), max_chars=store_imports.REASON_MAX_CHARS, key="import_withdraw_reason"
    )
    sure = st.checkbox(t("import.withdraw.sure"), key="import_withdraw_sure")
    if st.button(t("import.withdraw.button"), disabled=not (sure and reason.strip()), key="import_withdraw"):
        try:
            detail = store_imports.withdraw(store, actor, pick, reason)
        except MetricsError as exc:
            common.error_box(exc)
        else:
            common.refresh_version()
            st.session_state["import_history_notice"] = t("import.withdraw.done", **detail)
            st.rerun()


common.page_header("import.title", "import.intro")
tab_import, tab_history = st.tabs([t("import.tab_import"), t("import.tab_history")])
with tab_import:
    import_tab()
with tab_history:
    history_tab()
