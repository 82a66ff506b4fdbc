"""Sign-in, role-filtered menu and protected pages through Streamlit's AppTest."""

from __future__ import annotations

import sys

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import registry
from metrics.auth import ANONYMOUS, CLI_ACTOR, Actor
from metrics.store import open_store
from metrics.store import users as accounts
from tests.conftest import ROOT

PASSWORD = "correct horse battery"
VIEWER = Actor(name="vera", role="viewer")
ANALYST = Actor(name="ana", role="analyst")
ADMIN = Actor(name="adam", role="admin")


@pytest.fixture
def db(fresh_db, monkeypatch):
    store = open_store(fresh_db)
    accounts.add_account(store, CLI_ACTOR, "ana", "analyst", PASSWORD)
    accounts.add_account(store, CLI_ACTOR, "adam", "admin", PASSWORD)
    accounts.add_account(store, CLI_ACTOR, "bob@mic.gov.vn", "analyst")
    store.close()
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    monkeypatch.delenv("AI_DASHBOARD_REQUIRE_SIGN_IN", raising=False)
    return fresh_db


def _app(script: str = "dashboard.py", lang: str = "en", actor: Actor | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.query_params["lang"] = lang
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    return at


def _events(db, action):
    store = open_store(db)
    try:
        return accounts.audit_events(store, CLI_ACTOR, [action])
    finally:
        store.close()


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_sidebar_name").input(name)
    at.text_input(key="signin_sidebar_password").input(password)
    at.button(key="signin_sidebar_submit").click()
    return at.run()


def test_anyone_reads_without_signing_in_and_sees_no_protected_page(db):
    at = _app().run()
    assert not at.exception
    assert at.session_state["actor"] == ANONYMOUS
    assert at.text_input(key="signin_sidebar_password").proto.type == 1  # PASSWORD: masked


def test_sign_in_with_a_local_account_is_audited(db):
    at = _sign_in(_app().run(), "Ana", PASSWORD)
    assert not at.exception
    assert at.session_state["actor"] == Actor(name="ana", role="analyst", origin="password")
    assert any("Signed in as ana (Analyst)" in c.value for c in at.sidebar.caption)
    assert [e["actor"] for e in _events(db, accounts.SIGN_IN)] == ["ana"]


def test_wrong_password_shows_one_message_and_is_audited(db):
    at = _sign_in(_app(lang="vi").run(), "ana", "not the password")
    assert at.session_state["actor"] == ANONYMOUS
    assert [e.value for e in at.sidebar.error] == ["Sai tên tài khoản hoặc mật khẩu."]
    assert len(_events(db, accounts.SIGN_IN_FAILED)) == 1


def test_sign_out(db):
    at = _app(actor=Actor(name="ana", role="analyst")).run()
    at.button(key="sign_out").click()
    at.run()
    assert at.session_state["actor"] == ANONYMOUS
    assert [e["actor"] for e in _events(db, accounts.SIGN_OUT)] == ["ana"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("viewer", {"viewer"}), ("analyst", {"viewer", "analyst"}), ("admin", {"viewer", "analyst", "admin"})],
)
def test_menu_lists_only_the_pages_of_the_role(role, allowed):
    names = {name for name, _path, least in registry.pages_for(role)}
    assert {least for _n, _p, least in registry.pages_for(role)} <= allowed
    assert names == {n for n, _p, least in registry.available_pages() if least in allowed}
    if role == "viewer":
        assert "admin" not in names and "import_data" not in names


@pytest.mark.parametrize("who", [ANONYMOUS, VIEWER, ANALYST])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_admin_page_stops_everyone_but_admins(db, who, lang):
    at = _app("app_pages/admin.py", lang, who).run()
    assert not at.exception
    messages = [m.value for m in [*at.warning, *at.error]]
    assert len(messages) == 1 and ("Quản trị viên" if lang == "vi" else "Administrator") in messages[0]
    assert not at.dataframe and not at.text_input and not at.button  # nothing of the page rendered


def test_admin_manages_accounts_and_reads_the_audit_log(db):
    at = _app("app_pages/admin.py", "en", Actor(name="adam", role="admin")).run()
    assert not at.exception
    accounts_table = at.dataframe[0].value
    assert accounts_table["Account"].tolist() == ["adam", "ana", "bob@mic.gov.vn"]
    at.text_input(key="admin_add_name").input("Carol")
    at.selectbox(key="admin_add_role").select_index(1)  # analyst
    at.text_input(key="admin_add_password").input("another fine secret")
    at.text_input(key="admin_add_again").input("another fine secret")
    at.button(key="admin_add_submit").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Account carol added with role Analyst."]
    assert "carol" in at.dataframe[0].value["Account"].tolist()
    audit = at.dataframe[1].value
    assert audit.iloc[0]["Action"] == "user_add" and audit.iloc[0]["Who"] == "adam"
    at.radio(key="admin_audit_filter").set_value("Sign-ins and failed sign-ins").run()
    assert at.dataframe[1].value.empty


def test_admin_cannot_demote_the_last_admin_from_the_page(db):
    at = _app("app_pages/admin.py", "en", Actor(name="root", role="admin")).run()
    at.selectbox(key="admin_change_account").set_value("adam")
    at.selectbox(key="admin_new_role").select_index(0)  # viewer
    at.button(key="admin_role_submit").click()
    at.run()
    assert [e.value for e in at.error] == [
        "adam is the last administrator; make another account an administrator first."
    ]


def test_sign_in_can_be_required_for_viewers(db, monkeypatch):
    monkeypatch.setenv("AI_DASHBOARD_REQUIRE_SIGN_IN", "true")
    at = _app().run()
    assert not at.exception
    assert [i.value for i in at.info] == ["Please sign in to see the dashboard."]
    assert at.text_input(key="signin_page_password").proto.type == 1
    assert not at.metric and not at.dataframe  # no data page ran
    at.text_input(key="signin_page_name").input("ana")
    at.text_input(key="signin_page_password").input(PASSWORD)
    at.button(key="signin_page_submit").click()
    at.run()
    assert at.session_state["actor"].role == "analyst"
    assert not at.info or "Please sign in" not in at.info[0].value


def test_the_setting_can_come_from_secrets(db):
    at = _app()
    at.secrets["require_sign_in_for_viewers"] = True
    at.run()
    assert [i.value for i in at.info] == ["Please sign in to see the dashboard."]


def test_organisation_sign_in_maps_to_the_account_role(db):
    at = _app()
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-only",
        "client_id": "dashboard",
        "client_secret": "test-only",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
    at.user = {"is_logged_in": True, "email": "Bob@MIC.gov.vn"}
    at.run()
    assert not at.exception
    assert at.session_state["actor"] == Actor(name="bob@mic.gov.vn", role="analyst", origin="oidc")
    [event] = _events(db, accounts.SIGN_IN)
    assert '"method": "oidc"' in event["detail"]


def test_organisation_sign_in_without_an_account_is_a_viewer(db):
    at = _app()
    at.secrets["auth"] = {"client_id": "x", "server_metadata_url": "https://idp.example/x"}
    at.user = {"is_logged_in": True, "email": "eve@mic.gov.vn"}
    at.run()
    assert at.session_state["actor"] == Actor(name="eve@mic.gov.vn", role="viewer", origin="oidc")
