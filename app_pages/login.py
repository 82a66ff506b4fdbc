"""Sign-in page: the only page shown when the server requires everyone to sign in."""

from __future__ import annotations

import streamlit as st

from app_pages import access, common

st.title(common.t("signin.title"))
st.info(common.t("signin.required"), icon=":material/lock:")
access.sign_in_form(common.store(), where=st, key="signin_page")
