"""Helpers every page shares: the cached store, the language, translated text, status badges.

Kept here (not in metrics/) because it imports Streamlit; metrics/ never does.
"""

from __future__ import annotations

import argparse
import sys

import streamlit as st

from metrics import i18n, services
from metrics.errors import MetricsError
from metrics.store import Store, default_db_path, open_store

STATUS_ICON = {"met": "✅", "not_met": "❌", "no_data": "⚪"}


def db_path() -> str:
    """--db after `--` on the streamlit command line, else $AI_DASHBOARD_DB, else var/dashboard.duckdb."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.db or str(default_db_path())


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    # One root connection per process; services take a cursor per unit of work.
    return open_store(path)


def store() -> Store:
    try:
        return _store(db_path())
    except MetricsError as exc:
        st.error(i18n.error_message(exc.code, lang(), **exc.params))
        st.stop()


def lang() -> str:
    return st.session_state.get("lang", i18n.DEFAULT_LANG)


def t(key: str, **params) -> str:
    return i18n.t(key, lang(), **params)


def language_switch() -> str:
    """Sidebar radio; the choice lives in session state and the URL (?lang=en), so it survives
    page changes and reloads."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", i18n.DEFAULT_LANG)
        st.session_state["lang"] = wanted if wanted in i18n.LANGS else i18n.DEFAULT_LANG
    st.sidebar.radio(
        i18n.t("app.language", st.session_state["lang"]),
        options=list(i18n.LANGS),
        format_func=lambda code: i18n.t(f"app.lang_name_{code}", code),
        key="lang",
        horizontal=True,
    )
    st.query_params["lang"] = st.session_state["lang"]
    return st.session_state["lang"]


@st.cache_data(show_spinner=False)
def rank_history(data_version: int, index_id: str, iso3: str, group_id: str) -> list[services.RankRow]:
    return services.rank_history(store(), index_id, iso3, group_id)


@st.cache_data(show_spinner=False)
def target_statuses(data_version: int, iso3: str) -> list[services.TargetStatus]:
    return services.target_statuses(store(), iso3)


@st.cache_data(show_spinner=False)
def index_info(data_version: int, index_id: str) -> dict:
    frame = services.q.editions(store(), index_id)
    return {
        "editions": frame["edition_year"].tolist(),
        "publisher": frame["publisher"].iloc[0] if not frame.empty else "",
        "name_en": frame["index_name_en"].iloc[0] if not frame.empty else index_id,
        "name_vi": frame["index_name_vi"].iloc[0] if not frame.empty else index_id,
        "short_name": frame["short_name"].iloc[0] if not frame.empty else index_id,
        "source_urls": dict(zip(frame["edition_year"], frame["source_url"], strict=True)),
    }


def status_badge(status: str) -> str:
    # Icon and word together: status never rests on colour alone.
    return f"{STATUS_ICON[status]} {t(f'status.{status}')}"
