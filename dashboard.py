"""Streamlit entry: page config, language, navigation. Nothing else.

Run with `make run`, or `streamlit run dashboard.py [-- --db PATH]`.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from app_pages.registry import available_pages

st.set_page_config(page_title="AI Strategy Tracker", page_icon="📊", layout="wide")
lang = common.language_switch()
pages = [
    st.Page(path, title=common.t(f"nav.{name}"), url_path=name, default=(name == "overview"))
    for name, path, _role in available_pages()
]
st.navigation(pages).run()
