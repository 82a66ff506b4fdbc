"""Local accounts in the database: add, remove, change role, set password, sign in.

Rules (who may, password policy, hashing) come from metrics.auth; this module stores them.
Every change and every sign-in attempt (successful or not) writes a row to the audit log.
Changes to accounts go through `Store.transaction` like any other write. Sign-in events are
written under the same write lock but do not bump the data version: signing in changes no data,
so it must not empty everybody's query caches.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import threading

from metrics import auth
from metrics.auth import ANONYMOUS, Account, Actor
from metrics.errors import MetricsError
from metrics.store.connection import Store

_COLUMNS = "name, role, password_hash <> '' AS has_password, created_at, created_by, last_sign_in, failed_attempts, locked_until"

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
ACCOUNT_ACTIONS = ("user_add", "user_remove", "user_set_role", "user_set_password")


def _now() -> dt.datetime:
    """Naive UTC, the form every timestamp this module writes is kept in."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _account(row: tuple) -> Account:
    keys = ("name", "role", "has_password", "created_at", "created_by", "last_sign_in")
    values = dict(zip(keys, row[:6], strict=True))
    return Account(**values, failed_attempts=int(row[6]), locked_until=row[7])


def _role_of(store: Store, name: str) -> auth.Role | None:
    """The account's role; None without an account (or with a role this version does not know,
    which then grants nothing more than having no account)."""
    with store.reader() as cur:
        rows = cur.execute("SELECT role FROM users WHERE name = ?", [name]).fetchall()
    role = rows[0][0] if rows else None
    return role if role is not None and auth.is_role(role) else None


def current_actor(store: Store, actor: Actor) -> Actor:
    """The actor with the role its account has now. A signed-in actor holds a role only while its
    account does: demoted, it has the new role; removed, it is ANONYMOUS (a password sign-in) or
    has the configured default role (an identity-provider sign-in). System actors (the CLI, the
    seed, code) are returned as they are."""
    if actor.origin == "system":
        return actor
    role = _role_of(store, actor.name)
    if role is None:
        if actor.origin == "password":
            return ANONYMOUS
        role = actor.fallback_role
    return actor if role == actor.role else dataclasses.replace(actor, role=role)


def authorise(store: Store, actor: Actor, needed: auth.Role) -> Actor:
    """require_role on the actor's current role (re-read from the accounts); the fresh actor."""
    fresh = current_actor(store, actor)
    auth.require_role(fresh, needed)
    return fresh


def list_accounts(store: Store, actor: Actor) -> list[Account]:
    """Every account (never a hash): administrators only."""
    authorise(store, actor, "admin")
    with store.reader() as cur:
        rows = cur.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name").fetchall()  # noqa: S608 - fixed
    return [_account(r) for r in rows]


def get_account(store: Store, name: str) -> Account | None:
    with store.reader() as cur:
        rows = cur.execute(
            f"SELECT {_COLUMNS} FROM users WHERE name = ?",  # noqa: S608 - fixed column list
            [str(name).strip().lower()],
        ).fetchall()
    return _account(rows[0]) if rows else None


def _admins(cur) -> int:
    return cur.execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchall()[0][0]


def _exists(cur, name: str) -> tuple | None:
    rows = cur.execute("SELECT role FROM users WHERE name = ?", [name]).fetchall()
    return rows[0] if rows else None


def add_account(store: Store, actor: Actor, name: str, role: str, password: str | None = None) -> Account:
    """A new account. Without a password it can only sign in through the identity provider."""
    actor = authorise(store, actor, "admin")
    name = auth.normalise_name(name)
    role = auth.parse_role(role)
    pw_hash = ""
    if password is not None:
        auth.check_password_policy(password, name)
        pw_hash = auth.hash_password(password)
    detail = {"name": name, "role": role, "local_password": bool(pw_hash)}
    with store.transaction(actor.name, "user_add", detail) as cur:
        if _exists(cur, name):
            raise MetricsError("account_exists", name=name)
        cur.execute(
            "INSERT INTO users (name, role, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
            [name, role, pw_hash, _now(), actor.name],
        )
    account = get_account(store, name)
    assert account is not None
    return account


def remove_account(store: Store, actor: Actor, name: str) -> None:
    actor = authorise(store, actor, "admin")
    name = str(name).strip().lower()
    if name == actor.name:
        raise MetricsError("cannot_change_own_account", name=name)
    with store.transaction(actor.name, "user_remove", {"name": name}) as cur:
        found = _exists(cur, name)
        if not found:
            raise MetricsError("account_not_found", name=name)
        if found[0] == "admin" and _admins(cur) <= 1:
            raise MetricsError("last_admin", name=name)
        cur.execute("DELETE FROM users WHERE name = ?", [name])


def set_role(store: Store, actor: Actor, name: str, role: str) -> None:
    actor = authorise(store, actor, "admin")
    name = str(name).strip().lower()
    role = auth.parse_role(role)
    if name == actor.name:
        raise MetricsError("cannot_change_own_account", name=name)
    with store.transaction(actor.name, "user_set_role", {"name": name, "role": role}) as cur:
        found = _exists(cur, name)
        if not found:
            raise MetricsError("account_not_found", name=name)
        if found[0] == "admin" and role != "admin" and _admins(cur) <= 1:
            raise MetricsError("last_admin", name=name)
        cur.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])


def set_password(store: Store, actor: Actor, name: str, password: str) -> None:
    """A new password (an admin's reset, or the person's own change); also unlocks the account."""
    name = str(name).strip().lower()
    actor = current_actor(store, actor)
    if actor.name != name or actor == ANONYMOUS:
        auth.require_role(actor, "admin")
    auth.check_password_policy(password, name)
    pw_hash = auth.hash_password(password)
    with store.transaction(actor.name, "user_set_password", {"name": name}) as cur:
        if not _exists(cur, name):
            raise MetricsError("account_not_found", name=name)
        cur.execute(
            "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE name = ?",
            [pw_hash, name],
        )


# --- sign-in --------------------------------------------------------------------------------


def _event(store: Store, actor: str, action: str, detail: dict):
    """A write of account state plus its audit row, all or nothing, without a data-version bump."""
    return store.transaction(actor, action, detail, bump_data_version=False)


class _ClientThrottle:
    """Failed sign-ins per client in a sliding window, in this process's memory.

    Per-account lockout stops guessing one account's password; this stops one client trying many
    accounts. Kept in memory (one server process owns the database), so a restart forgets it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], collections.deque[dt.datetime]] = {}

    def _recent(self, key: tuple[str, str], now: dt.datetime) -> collections.deque[dt.datetime]:
        window = dt.timedelta(minutes=auth.CLIENT_WINDOW_MINUTES)
        times = self._failures.setdefault(key, collections.deque())
        while times and (times[0] <= now - window or times[0] > now):
            times.popleft()
        return times

    def wait_minutes(self, store: Store, client: str, now: dt.datetime) -> int:
        """0 when the client may try; otherwise the minutes until its oldest failure expires."""
        with self._lock:
            times = self._recent((store.path, client), now)
            if len(times) < auth.CLIENT_MAX_FAILURES:
                return 0
            left = times[0] + dt.timedelta(minutes=auth.CLIENT_WINDOW_MINUTES) - now
            return max(1, int(left.total_seconds() // 60) + 1)

    def failed(self, store: Store, client: str, now: dt.datetime) -> None:
        with self._lock:
            self._recent((store.path, client), now).append(now)


CLIENT_THROTTLE = _ClientThrottle()


def authenticate(
    store: Store, name: str, password: str, *, now: dt.datetime | None = None, client: str = ""
) -> Actor:
    """The Actor for a correct name and password; MetricsError otherwise, after an audit row.

    The same message for an unknown name and a wrong password, and the same work (one Argon2
    verification) either way, so neither the text nor the timing tells which names exist.
    After MAX_FAILED_ATTEMPTS failures in a row the account is locked for LOCKOUT_MINUTES,
    even for the right password. A client (`client`: who is asking, as the app identifies it;
    "" counts as one unknown client) with CLIENT_MAX_FAILURES failures in CLIENT_WINDOW_MINUTES
    is refused before any password is checked, whatever account it names.
    """
    now = now or _now()
    raw = str(name)[:80]
    try:
        key = auth.normalise_name(name)
    except MetricsError:
        key = ""
    client = str(client)[:100]
    wait = CLIENT_THROTTLE.wait_minutes(store, client, now)
    if wait:
        with _event(
            store,
            key or raw,
            SIGN_IN_FAILED,
            {"name": key or raw, "client": client, "reason": "client_throttled"},
        ):
            pass
        raise MetricsError("sign_in_throttled", minutes=wait)
    try:
        return _authenticate(store, key, raw, password, now, client)
    except MetricsError:
        CLIENT_THROTTLE.failed(store, client, now)
        raise


def _authenticate(store: Store, key: str, raw: str, password: str, now: dt.datetime, client: str) -> Actor:
    with store.reader() as cur:
        rows = cur.execute(
            "SELECT role, password_hash, failed_attempts, locked_until FROM users WHERE name = ?", [key]
        ).fetchall()
    stored_hash = rows[0][1] if rows else None
    ok = auth.verify_password(stored_hash, password)  # always one verification
    detail = {"name": key or raw, "client": client}
    if not rows:
        with _event(store, key or raw, SIGN_IN_FAILED, {**detail, "reason": "unknown_account"}):
            pass
        raise MetricsError("sign_in_failed")
    role, _, _, locked_until = rows[0]
    if locked_until is not None and locked_until > now:
        with _event(store, key, SIGN_IN_FAILED, {**detail, "reason": "locked"}):
            pass
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise MetricsError("account_locked", minutes=minutes)
    if not ok:
        reason = "no_local_password" if not stored_hash else "bad_password"
        until = now + dt.timedelta(minutes=auth.LOCKOUT_MINUTES)
        with _event(store, key, SIGN_IN_FAILED, {**detail, "reason": reason}) as w:
            # Counted in SQL under the write lock, so simultaneous attempts cannot undercount.
            _failed, locked = w.execute(
                "UPDATE users SET failed_attempts = failed_attempts + 1,"
                " locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END"
                " WHERE name = ? RETURNING failed_attempts, locked_until",
                [auth.MAX_FAILED_ATTEMPTS, until, key],
            ).fetchall()[0]
        if locked is not None and locked > now:
            raise MetricsError("account_locked", minutes=auth.LOCKOUT_MINUTES)
        raise MetricsError("sign_in_failed")
    assert stored_hash is not None  # ok: the account exists and its password verified
    new_hash = auth.hash_password(password) if auth.needs_rehash(stored_hash) else stored_hash
    with _event(store, key, SIGN_IN, {**detail, "method": "password"}) as w:
        w.execute(
            "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in = ?, password_hash = ?"
            " WHERE name = ?",
            [now, new_hash, key],
        )
    return Actor(name=key, role=role, origin="password")


def identity_provider_sign_in(store: Store, email: str, *, default_role: str = "viewer") -> Actor:
    """The Actor for someone the organisation's identity provider signed in (OIDC).

    The role is that of the local account with the same name as the e-mail address; without one,
    `default_role` (viewer unless the administrator configured otherwise). Audit-logged.
    """
    try:
        key = auth.normalise_name(email)
    except MetricsError:
        raise MetricsError("sign_in_failed") from None
    account = get_account(store, key)
    fallback = auth.parse_role(default_role)
    role = account.role if account else fallback
    with _event(store, key, SIGN_IN, {"name": key, "method": "oidc", "account": bool(account)}) as w:
        if account:
            w.execute("UPDATE users SET last_sign_in = ? WHERE name = ?", [_now(), key])
    return Actor(name=key, role=role, origin="oidc", fallback_role=fallback)


def record_sign_out(store: Store, actor: Actor) -> None:
    with _event(store, actor.name, SIGN_OUT, {"name": actor.name}):
        pass


SIGN_IN_ACTIONS = (SIGN_IN, SIGN_IN_FAILED, SIGN_OUT)


def audit_events(
    store: Store,
    actor: Actor,
    actions: list[str] | None = None,
    limit: int = 500,
    *,
    exclude: list[str] | None = None,
) -> list[dict]:
    """Newest first; `actions` keeps only those actions, `exclude` drops those (None: no filter).
    Administrators only: the log names every account and client."""
    authorise(store, actor, "admin")
    limit = max(1, min(int(limit), 10_000))
    with store.reader() as cur:
        rows = cur.execute(
            "SELECT event_id, occurred_at, actor, action, detail FROM audit_log"
            " WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], action))"
            " AND (?::VARCHAR[] IS NULL OR NOT list_contains(?::VARCHAR[], action))"
            " ORDER BY event_id DESC LIMIT ?",
            [actions, actions, exclude, exclude, limit],
        ).fetchall()
    keys = ("event_id", "occurred_at", "actor", "action", "detail")
    return [dict(zip(keys, r, strict=True)) for r in rows]
