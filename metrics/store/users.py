"""Local accounts in the database: add, remove, change role, set password, sign in.

Rules (who may, password policy, hashing) come from metrics.auth; this module stores them.
Every change and every sign-in attempt (successful or not) writes a row to the audit log.
Changes to accounts go through `Store.transaction` like any other write. Sign-in events are
written under the same write lock but do not bump the data version: signing in changes no data,
so it must not empty everybody's query caches.
"""

from __future__ import annotations

import datetime as dt

from metrics import auth
from metrics.auth import Account, Actor
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


def list_accounts(store: Store) -> list[Account]:
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
    auth.require_role(actor, "admin")
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
    auth.require_role(actor, "admin")
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
    auth.require_role(actor, "admin")
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
    if actor.name != name:
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


def authenticate(
    store: Store, name: str, password: str, *, now: dt.datetime | None = None, client: str = ""
) -> Actor:
    """The Actor for a correct name and password; MetricsError otherwise, after an audit row.

    The same message for an unknown name and a wrong password, and the same work (one Argon2
    verification) either way, so neither the text nor the timing tells which names exist.
    After MAX_FAILED_ATTEMPTS failures in a row the account is locked for LOCKOUT_MINUTES,
    even for the right password.
    """
    now = now or _now()
    raw = str(name)[:80]
    try:
        key = auth.normalise_name(name)
    except MetricsError:
        key = ""
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
    new_hash = auth.hash_password(password) if auth.needs_rehash(stored_hash) else stored_hash
    with _event(store, key, SIGN_IN, {**detail, "method": "password"}) as w:
        w.execute(
            "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in = ?, password_hash = ?"
            " WHERE name = ?",
            [now, new_hash, key],
        )
    return Actor(name=key, role=role)


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
    role = account.role if account else auth.parse_role(default_role)
    with _event(store, key, SIGN_IN, {"name": key, "method": "oidc", "account": bool(account)}) as w:
        if account:
            w.execute("UPDATE users SET last_sign_in = ? WHERE name = ?", [_now(), key])
    return Actor(name=key, role=role)


def record_sign_out(store: Store, actor: Actor) -> None:
    with _event(store, actor.name, SIGN_OUT, {"name": actor.name}):
        pass


SIGN_IN_ACTIONS = (SIGN_IN, SIGN_IN_FAILED, SIGN_OUT)


def audit_events(
    store: Store, actions: list[str] | None = None, limit: int = 500, *, exclude: list[str] | None = None
) -> list[dict]:
    """Newest first; `actions` keeps only those actions, `exclude` drops those (None: no filter)."""
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
