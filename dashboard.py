"""Streamlit entry: page config, language, sign-in, navigation. Nothing else.

Run with `make run`, or `streamlit run dashboard.py [-- --db PATH]`.
The menu lists the pages the signed-in role may open; each protected page checks the role again
at its top (app_pages.access.require_page_role), and every service that changes data checks it
once more (metrics.auth.require_role).
"""

from __future__ import annotations

import streamlit as st

from app_pages import access, common, registry
from metrics.auth import ANONYMOUS
from metrics.errors import MetricsError
from metrics.store.hardening import restrict_file_access

st.set_page_config(page_title="AI Strategy Tracker", page_icon="📊", layout="wide")
try:
    lang = common.language_switch()
    store = common.store()
    restrict_file_access(store)
    access.guard_uploads()
    actor = access.resolve_actor(store)

    if actor == ANONYMOUS and access.require_sign_in_for_viewers():
        name, path, _role = registry.LOGIN_PAGE
        pages = [st.Page(path, title=common.t(f"nav.{name}"), url_path=name, default=True)]
    else:
        access.sidebar(store, actor)
        pages = [
            st.Page(path, title=common.t(f"nav.{name}"), url_path=name, default=(name == "overview"))
            for name, path, _role in registry.pages_for(actor.role)
        ]
    st.navigation(pages, expanded=True).run()  # every page in the menu, Administration included
except MetricsError as exc:  # the page edge: a project error translated, never a traceback box
    common.error_box(exc)  # (a damaged database: the recovery steps, never DuckDB's raw text)
