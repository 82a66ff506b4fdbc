"""Administration: accounts and roles, the audit log, backups and the database check (admins only)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import access, common
from metrics import i18n
from metrics.auth import ROLES
from metrics.errors import MetricsError
from metrics.ingest.limits import import_limits
from metrics.present import format as fmt
from metrics.store import backup as ops
from metrics.store import restore_points
from metrics.store import users as accounts

actor = access.require_page_role("admin")  # first: nothing below runs for anyone else
store = common.store()
t = common.t

st.title(t("admin.title"))
st.markdown(t("admin.intro"))

flash = st.session_state.pop("admin_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")


def _done(message: str) -> None:
    st.session_state["admin_flash"] = message
    st.rerun()


def _error(exc: MetricsError) -> None:
    st.error(i18n.error_message(exc.code, common.lang(), **exc.params))


def _num(value: float, decimals: int) -> str:
    return fmt.num(value, common.lang(), decimals)


def _role(role: str) -> str:
    return t(f"role.{role}")


def _when(value) -> str:
    return fmt.DASH if fmt.missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


# Labels as options (not format_func): the choice maps back to the stored role name.
ROLE_BY_LABEL = {_role(r): r for r in ROLES}

# --- accounts ----------------------------------------------------------------------------------

st.header(t("admin.accounts"))
listed = accounts.list_accounts(store, actor)
if not listed:
    st.info(t("admin.no_accounts"))
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("admin.col_name"): a.name,
                    t("admin.col_role"): _role(a.role),
                    t("admin.col_local_password"): t("admin.yes") if a.has_password else t("admin.no"),
                    t("admin.col_created_at"): _when(a.created_at),
                    t("admin.col_created_by"): a.created_by,
                    t("admin.col_last_sign_in"): _when(a.last_sign_in),
                    t("admin.col_locked_until"): _when(a.locked_until),
                }
                for a in listed
            ]
        ),
        hide_index=True,
        key="admin_accounts",
    )

add_col, change_col = st.columns(2)
with add_col, st.form("admin_add", clear_on_submit=True):
    st.subheader(t("admin.add_title"))
    name = st.text_input(t("admin.add_name"), key="admin_add_name", max_chars=64)
    role = ROLE_BY_LABEL[
        st.selectbox(
            t("admin.add_role"), list(ROLE_BY_LABEL), key="admin_add_role", placeholder=common.choose()
        )
    ]
    password = st.text_input(t("admin.add_password"), type="password", key="admin_add_password")
    again = st.text_input(t("admin.add_password_again"), type="password", key="admin_add_again")
    if st.form_submit_button(t("admin.add_submit"), key="admin_add_submit"):
        try:
            if password != again:
                raise MetricsError("password_mismatch")
            made = accounts.add_account(store, actor, name, role, password or None)
        except MetricsError as exc:
            _error(exc)
        else:
            _done(t("admin.added", name=made.name, role=_role(made.role)))

with change_col:
    st.subheader(t("admin.change_title"))
    names = [a.name for a in listed]
    if names:
        chosen = st.selectbox(
            t("admin.change_account"), names, key="admin_change_account", placeholder=common.choose()
        )
        with st.form("admin_role"):
            new_label = st.selectbox(
                t("admin.change_role"), list(ROLE_BY_LABEL), key="admin_new_role", placeholder=common.choose()
            )
            new_role = ROLE_BY_LABEL[new_label]
            if st.form_submit_button(t("admin.set_role_submit"), key="admin_role_submit"):
                try:
                    accounts.set_role(store, actor, chosen, new_role)
                except MetricsError as exc:
                    _error(exc)
                else:
                    _done(t("admin.role_set", name=chosen, role=_role(new_role)))
        with st.form("admin_password", clear_on_submit=True):
            new_password = st.text_input(t("admin.new_password"), type="password", key="admin_new_password")
            if st.form_submit_button(t("admin.set_password_submit"), key="admin_password_submit"):
                try:
                    accounts.set_password(store, actor, chosen, new_password)
                except MetricsError as exc:
                    _error(exc)
                else:
                    _done(t("admin.password_set", name=chosen))
        with st.form("admin_remove"):
            confirm = st.checkbox(t("admin.remove_confirm"), key="admin_remove_confirm")
            if st.form_submit_button(t("admin.remove_submit"), key="admin_remove_submit") and confirm:
                try:
                    accounts.remove_account(store, actor, chosen)
                except MetricsError as exc:
                    _error(exc)
                else:
                    _done(t("admin.removed", name=chosen))

# --- audit log ---------------------------------------------------------------------------------

st.header(t("admin.audit_title"))
st.caption(t("admin.audit_caption"))
FILTERS = {
    "all": {},
    "sign_ins": {"actions": list(accounts.SIGN_IN_ACTIONS)},
    "changes": {"exclude": [*accounts.SIGN_IN_ACTIONS, *accounts.ACCOUNT_ACTIONS]},
    "accounts": {"actions": list(accounts.ACCOUNT_ACTIONS)},
}
FILTER_BY_LABEL = {t(f"admin.audit_{k}"): k for k in FILTERS}
which = FILTER_BY_LABEL[
    st.radio(t("admin.audit_filter"), list(FILTER_BY_LABEL), horizontal=True, key="admin_audit_filter")
]
events = accounts.audit_events(store, actor, limit=500, **FILTERS[which])


def _detail(text: str) -> str:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return str(text)
    return ", ".join(f"{k}={v}" for k, v in data.items() if v not in ("", None))


st.dataframe(
    pd.DataFrame(
        [
            {
                t("admin.col_time"): _when(e["occurred_at"]),
                t("admin.col_actor"): e["actor"],
                t("admin.col_action"): e["action"],
                t("admin.col_detail"): _detail(e["detail"]),
            }
            for e in events
        ],
        columns=[t("admin.col_time"), t("admin.col_actor"), t("admin.col_action"), t("admin.col_detail")],
    ),
    hide_index=True,
    key="admin_audit",
)

# --- backup and check ----------------------------------------------------------------------------

st.header(t("admin.ops_title"))
backup_col, check_col = st.columns(2)
with backup_col:
    if st.button(t("admin.backup_submit"), key="admin_backup", icon=":material/backup:"):
        try:
            info = ops.backup(store, actor)
        except MetricsError as exc:
            _error(exc)
        else:
            st.session_state["admin_last_backup"] = info.path
            st.success(
                t(
                    "admin.backup_done",
                    path=info.path,
                    size_mb=_num(info.size_bytes / 2**20, 1),
                    version=info.data_version,
                )
            )
    last = st.session_state.get("admin_last_backup")
    if last and Path(last).exists():
        st.download_button(
            t("admin.backup_download"),
            data=Path(last).read_bytes(),
            file_name=Path(last).name,
            mime="application/octet-stream",
            key="admin_backup_download",
            on_click="ignore",
        )
with check_col:
    if st.button(t("admin.check_submit"), key="admin_check", icon=":material/fact_check:"):
        try:
            report = ops.check_store(store, actor)
        except MetricsError as exc:
            _error(exc)
        else:
            st.success(
                t(
                    "admin.check_ok",
                    observations=_num(report.tables.get("observations", 0), 0),
                    versions=report.current_versions,
                    version=report.data_version,
                )
            )

# --- restore points (one before every import; metrics.store.restore_points) ------------------------

st.subheader(t("admin.restore_points.title"))
st.caption(t("admin.restore_points.caption", keep=import_limits().restore_points_kept))
points = restore_points.list_points(store.path)
if not points:
    st.caption(t("admin.restore_points.none"))
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("admin.restore_points.created"): _when(p.created_at),
                    t("admin.restore_points.data_version"): str(p.data_version),
                    t("admin.restore_points.before"): p.reason,
                    t("admin.restore_points.by"): p.actor,
                    t("admin.restore_points.size"): _num(p.size_bytes / 2**20, 1),
                    t("admin.restore_points.file"): p.path,
                }
                for p in points
            ]
        ),
        hide_index=True,
        key="admin_restore_points",
    )
