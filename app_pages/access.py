"""Sign-in and access control for the Streamlit app (the UI side of metrics.auth).

- `resolve_actor(store)`: who is using this session. An organisation sign-in (Streamlit's OIDC
  `st.login()`, when an [auth] section is configured in .streamlit/secrets.toml) maps to the local
  account with the same e-mail (its role) or to `oidc_default_role`; a local sign-in is kept in
  st.session_state["actor"]; everyone else is ANONYMOUS (a viewer). The role is re-read from the
  accounts on every run, so a demoted or removed account loses its rights at its next click.
- `sidebar(store, actor)`: the sign-in form, or "signed in as" with a sign-out button.
- `require_page_role(role)`: called at the top of every protected page. Hiding a page from the
  menu is not authorisation; this check (and require_role in the services) is.
- `require_sign_in_for_viewers()`: the setting (secrets or $AI_DASHBOARD_REQUIRE_SIGN_IN).
"""

from __future__ import annotations

import functools
import os

import streamlit as st

from app_pages import common
from metrics import i18n
from metrics.auth import ANONYMOUS, Actor, Role, has_role, parse_flag
from metrics.errors import MetricsError
from metrics.store import Store
from metrics.store import users as accounts

ACTOR_KEY = "actor"
REQUIRE_ENV = "AI_DASHBOARD_REQUIRE_SIGN_IN"
OIDC_ROLE_ENV = "AI_DASHBOARD_OIDC_DEFAULT_ROLE"


def _lang() -> str:
    return st.session_state.get("lang", i18n.DEFAULT_LANG)


def _t(key: str, **params) -> str:
    return i18n.t(key, _lang(), **params)


@functools.cache
def _secrets_paths() -> tuple[str, ...]:
    """Where Streamlit looks for secrets (its `secrets.files` option, fixed for the process)."""
    return tuple(st.get_option("secrets.files"))


def _no_secrets() -> bool:
    """True when no secrets are loaded and none are on disk. Streamlit parses its secrets once when
    a file exists, but with no file it probes the disk again on every access, under its config lock
    and its secrets lock: five lookups a run, about 7% of a served process's samples under a burst
    of 20 sessions (py-spy). Secrets already loaded (a file, or AppTest's `at.secrets`) are read as
    before."""
    if getattr(st.secrets, "_secrets", None) is not None:
        return False
    return not any(os.path.exists(path) for path in _secrets_paths())


def _secret(key: str, default=None):
    """A top-level value of .streamlit/secrets.toml, or `default` when there is no such file/key."""
    if _no_secrets():
        return default
    try:
        if not st.secrets.load_if_toml_exists() and key not in st.secrets:
            return default
        return st.secrets.get(key, default)
    except Exception:  # no secrets file, or one that does not parse: the defaults apply
        return default


def require_sign_in_for_viewers() -> bool:
    """False by default: viewers read without signing in. The environment variable wins."""
    env = os.environ.get(REQUIRE_ENV)
    if env is not None and env.strip():
        return parse_flag(env)
    return parse_flag(_secret("require_sign_in_for_viewers", False))


def _oidc_default_role() -> str:
    return os.environ.get(OIDC_ROLE_ENV) or str(_secret("oidc_default_role", "viewer"))


def oidc_provider() -> str | None:
    """'' for a single provider configured directly in [auth], its name for [auth.<name>],
    None when no identity provider is configured."""
    section = _secret("auth", None)
    if not section:
        return None
    if "client_id" in section or "server_metadata_url" in section:
        return ""
    named = [k for k, v in section.items() if hasattr(v, "keys")]
    return named[0] if named else None


def _oidc_user() -> dict:
    try:
        info = st.user.to_dict()
    except Exception:  # st.user unavailable (no auth configured)
        return {}
    return info if info.get("is_logged_in") else {}


def current_actor() -> Actor:
    actor = st.session_state.get(ACTOR_KEY, ANONYMOUS)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def resolve_actor(store: Store) -> Actor:
    """The session's Actor, stored in st.session_state["actor"]."""
    actor = current_actor()
    if oidc_provider() is not None:
        user = _oidc_user()
        email = str(user.get("email") or user.get("preferred_username") or "")
        if email and actor.name != email.strip().lower():
            try:
                actor = accounts.identity_provider_sign_in(store, email, default_role=_oidc_default_role())
            except MetricsError as exc:
                st.sidebar.error(i18n.error_message(exc.code, _lang(), **exc.params))
                actor = ANONYMOUS
            st.session_state["signed_in_with"] = "oidc"
    actor = refresh(store, actor)
    st.session_state[ACTOR_KEY] = actor
    return actor


def refresh(store: Store, actor: Actor) -> Actor:
    """The actor with its account's role now; a removed password account is signed out (with a
    note on the next run). Stored in the session."""
    fresh = accounts.current_actor(store, actor)
    if fresh != actor:
        if fresh == ANONYMOUS:
            st.session_state.pop("signed_in_with", None)
            st.session_state["access_notice"] = "access.account_removed"
        else:
            st.session_state["access_notice"] = "access.role_changed"
            st.session_state["access_notice_role"] = fresh.role
    st.session_state[ACTOR_KEY] = fresh
    return fresh


def sign_in_form(store: Store, where=None, key: str = "signin") -> None:
    """Local account name + password. On success the Actor is stored and the app reruns."""
    where = where or st.sidebar
    provider = oidc_provider()
    if provider is not None:
        if where.button(_t("signin.oidc_button"), key=f"{key}_oidc", icon=":material/badge:"):
            st.login(provider) if provider else st.login()
        where.caption(_t("signin.oidc_caption"))
    with where.form(key=f"{key}_form", clear_on_submit=True):
        st.markdown(f"**{_t('signin.title')}**")
        name = st.text_input(_t("signin.name"), key=f"{key}_name", max_chars=64)
        password = st.text_input(_t("signin.password"), type="password", key=f"{key}_password", max_chars=256)
        submitted = st.form_submit_button(_t("signin.submit"), key=f"{key}_submit")
    if submitted:
        try:
            actor = accounts.authenticate(store, name, password, client=_client())
        except MetricsError as exc:
            where.error(i18n.error_message(exc.code, _lang(), **exc.params))
            return
        st.session_state[ACTOR_KEY] = actor
        st.session_state["signed_in_with"] = "password"
        st.rerun()


TRUSTED_PROXIES_ENV = "AI_DASHBOARD_TRUSTED_PROXIES"
_DEFAULT_PROXIES = "127.0.0.1,::1"


def client_key(peer: str | None, headers: dict[str, str], trusted: str = _DEFAULT_PROXIES) -> str:
    """Who is signing in, for the per-client throttle.

    The connection's peer address, except when that peer is a trusted reverse proxy (nginx on the
    same machine in the served layout; Streamlit reports a local peer as None): then the
    X-Real-IP header the proxy sets from the real client address. A header from anyone else is
    ignored, so a client cannot pick its own key by sending one."""
    proxies = {p.strip() for p in trusted.split(",") if p.strip()}
    if peer and peer not in proxies:
        return peer
    forwarded = {k.lower(): v for k, v in headers.items()}.get("x-real-ip", "").strip()
    return forwarded[:64] if forwarded else (peer or "local")


def _client() -> str:
    try:
        peer = st.context.ip_address
        headers = dict(st.context.headers)
    except Exception:  # no request context (tests)
        return ""
    return client_key(peer, headers, os.environ.get(TRUSTED_PROXIES_ENV) or _DEFAULT_PROXIES)


def sidebar(store: Store, actor: Actor) -> None:
    """Who is signed in (and sign-out), or the sign-in form with a one-line explanation."""
    box = st.sidebar.container(key="access_box")
    notice = st.session_state.pop("access_notice", None)
    if notice:
        role = st.session_state.pop("access_notice_role", "viewer")
        box.warning(_t(notice, role=_t(f"role.{role}")), icon=":material/manage_accounts:")
    if actor != ANONYMOUS:
        box.caption(_t("signin.signed_in_as", name=actor.name, role=_t(f"role.{actor.role}")))
        if box.button(_t("signin.sign_out"), key="sign_out", icon=":material/logout:"):
            accounts.record_sign_out(store, actor)
            st.session_state.pop(ACTOR_KEY, None)
            if st.session_state.pop("signed_in_with", None) == "oidc":
                st.logout()
            st.rerun()
        return
    with box.expander(_t("signin.title"), icon=":material/login:"):
        st.caption(_t("signin.viewer_note"))
        sign_in_form(store, where=st, key="signin_sidebar")


def require_page_role(role: Role) -> Actor:
    """At the top of a protected page: the Actor when allowed; otherwise a message and st.stop().
    The role is re-read from the accounts here too (a page can run without dashboard.py first)."""
    actor = refresh(common.store(), current_actor())
    if not has_role(actor, role):
        needed = _t(f"role.{role}")
        if actor == ANONYMOUS:
            st.warning(_t("access.denied_anonymous", needed=needed), icon=":material/lock:")
        else:
            st.error(
                _t("access.denied_page", needed=needed, role=_t(f"role.{actor.role}")), icon=":material/lock:"
            )
        st.stop()
    return actor


@st.cache_resource(show_spinner=False)
def guard_uploads() -> bool:
    """Make the server keep an uploaded file only for a session whose actor may import.

    Streamlit's upload endpoint accepts a file from any session holding the XSRF token, even
    with no uploader on screen, and keeps it in memory until the session ends. This wraps the
    runtime's upload manager (once per process): a file sent by an anonymous or viewer session is
    dropped as soon as the request ends. The request body itself is still bounded by
    server.maxUploadSize and, in the served layout, by nginx (docs/OPERATIONS.md §5).
    False when the runtime is not there (AppTest, bare mode)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

        runtime = Runtime.instance()
        manager = runtime.uploaded_file_mgr
        sessions = runtime._session_mgr
    except Exception:  # no runtime (tests, bare mode): nothing to guard
        return False
    if not isinstance(manager, MemoryUploadedFileManager):  # the one Streamlit's server makes
        raise TypeError(f"cannot guard the uploads of a {type(manager).__name__}")
    original = manager.add_file

    def add_file(session_id: str, file) -> None:
        info = sessions.get_session_info(session_id)
        state = info.session.session_state if info is not None else None
        actor = state[ACTOR_KEY] if state is not None and ACTOR_KEY in state else ANONYMOUS
        if isinstance(actor, Actor) and has_role(actor, "analyst"):
            original(session_id=session_id, file=file)

    manager.add_file = add_file  # type: ignore[method-assign]  # the wrapper is the point
    return True
