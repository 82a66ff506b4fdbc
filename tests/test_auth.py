"""Roles, password hashing and local accounts in the database (metrics.auth, metrics.store.users)."""

from __future__ import annotations

import datetime as dt
import io
import json

import argon2
import pytest
from argon2 import PasswordHasher

from metrics import auth
from metrics.auth import ANONYMOUS, CLI_ACTOR, Actor
from metrics.cli import main
from metrics.errors import MetricsError, PermissionDenied
from metrics.store import Store, open_store, users
from tests.conftest import PRODUCT_PASSWORD_HASHING

PASSWORD = "correct horse battery"
ADMIN = Actor(name="root-admin", role="admin")


@pytest.fixture
def mem() -> Store:
    store = open_store(":memory:", seed=False)
    yield store
    store.close()


def _events(store: Store, action: str) -> list[dict]:
    return [e | {"detail": json.loads(e["detail"])} for e in users.audit_events(store, CLI_ACTOR, [action])]


# --- pure rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        ("viewer", "viewer", True),
        ("viewer", "analyst", False),
        ("analyst", "analyst", True),
        ("analyst", "admin", False),
        ("admin", "analyst", True),
        ("admin", "admin", True),
    ],
)
def test_roles_are_ordered(role, needed, allowed):
    actor = Actor(name="x", role=role)
    assert auth.has_role(actor, needed) is allowed
    if allowed:
        auth.require_role(actor, needed)
    else:
        with pytest.raises(PermissionDenied) as err:
            auth.require_role(actor, needed)
        assert err.value.params == {"needed": needed, "role": role, "actor": "x"}


def test_anonymous_is_a_viewer_and_the_cli_an_admin():
    assert ANONYMOUS.role == "viewer" and CLI_ACTOR.role == "admin"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("Alice", "alice"), ("  nguyen.van.a@mic.gov.vn ", "nguyen.van.a@mic.gov.vn"), ("an_b-2", "an_b-2")],
)
def test_account_names_are_normalised(raw, stored):
    assert auth.normalise_name(raw) == stored


@pytest.mark.parametrize("bad", ["", "a", "x y", "<script>", "anonymous", "CLI", "seed", "a" * 65, "tên"])
def test_unusable_account_names_are_refused(bad):
    with pytest.raises(MetricsError) as err:
        auth.normalise_name(bad)
    assert err.value.code == "invalid_account_name"


@pytest.mark.parametrize(
    ("password", "name", "code"),
    [
        ("short", "alice", "password_too_short"),
        ("aaaaaaaaaaaa", "alice", "password_too_weak"),
        ("Alice12345", "alice12345", "password_too_weak"),
        ("x1y2" * 70, "alice", "password_too_long"),
        ("correct horse battery", "alice", None),
    ],
)
def test_password_policy(password, name, code):
    if code is None:
        auth.check_password_policy(password, name)
        return
    with pytest.raises(MetricsError) as err:
        auth.check_password_policy(password, name)
    assert err.value.code == code


def test_hash_is_argon2id_salted_and_verifies_only_the_right_password():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first.startswith("$argon2id$") and first != second  # salted
    assert PASSWORD not in first
    assert auth.verify_password(first, PASSWORD)
    assert not auth.verify_password(first, PASSWORD + "x")
    assert not auth.verify_password(None, PASSWORD)
    assert not auth.verify_password("", PASSWORD)
    assert not auth.verify_password("not-a-hash", PASSWORD)


class _CountingHasher:
    def __init__(self, real: PasswordHasher) -> None:
        self.real, self.verified = real, []

    def verify(self, stored: str, password: str) -> bool:
        self.verified.append(stored)
        return self.real.verify(stored, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_sign_in_costs_one_verification_whether_or_not_the_account_exists(mem, monkeypatch):
    users.add_account(mem, ADMIN, "alice", "analyst", PASSWORD)
    counting = _CountingHasher(auth._hasher())
    monkeypatch.setattr(auth, "_HASHER", counting)
    for name in ("nobody", "alice", "a b"):  # unknown, wrong password, not even a valid name
        with pytest.raises(MetricsError):
            users.authenticate(mem, name, "guess-guess")
    # One Argon2 verification each time: the time taken does not tell which names exist.
    assert len(counting.verified) == 3
    assert counting.verified[0] == counting.verified[2] == auth._DUMMY_HASH != counting.verified[1]


def test_the_product_hashes_with_rfc_9106_low_memory_and_its_equaliser_costs_the_same():
    """As metrics.auth has them, before tests/conftest.py gives the test processes a cheaper cost:
    the hasher follows RFC 9106's low-memory profile, and the hash verified for an unknown account
    has the same parameters (so it takes as long as a real account's) and is the documented one."""
    hasher, dummy = PRODUCT_PASSWORD_HASHING
    profile = argon2.profiles.RFC_9106_LOW_MEMORY
    costs = (profile.time_cost, profile.memory_cost, profile.parallelism)
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == costs
    found = argon2.extract_parameters(dummy)
    assert (found.time_cost, found.memory_cost, found.parallelism) == costs
    assert found.type is argon2.Type.ID and not hasher.check_needs_rehash(dummy)
    assert hasher.verify(dummy, "not a password: timing equaliser")


# --- accounts in the database -----------------------------------------------------------------


def test_add_list_set_role_remove(mem):
    account = users.add_account(mem, ADMIN, "Alice", "analyst", PASSWORD)
    assert (account.name, account.role, account.has_password) == ("alice", "analyst", True)
    users.add_account(mem, ADMIN, "bob@mic.gov.vn", "viewer")  # identity-provider only
    assert [(a.name, a.has_password) for a in users.list_accounts(mem, ADMIN)] == [
        ("alice", True),
        ("bob@mic.gov.vn", False),
    ]
    users.set_role(mem, ADMIN, "ALICE", "admin")
    assert users.get_account(mem, "alice").role == "admin"
    users.remove_account(mem, ADMIN, "bob@mic.gov.vn")
    assert [a.name for a in users.list_accounts(mem, ADMIN)] == ["alice"]
    actions = [e["action"] for e in users.audit_events(mem, ADMIN)]
    assert actions == ["user_remove", "user_set_role", "user_add", "user_add"]


def test_the_hash_is_stored_never_the_password(mem):
    users.add_account(mem, ADMIN, "alice", "analyst", PASSWORD)
    with mem.reader() as cur:
        stored = cur.execute("SELECT password_hash FROM users").fetchall()[0][0]
        log = cur.execute("SELECT string_agg(detail, ' ') FROM audit_log").fetchall()[0][0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PASSWORD not in log


@pytest.mark.parametrize("who", [ANONYMOUS, Actor(name="ana", role="analyst")])
def test_only_admins_manage_accounts(mem, who):
    users.add_account(mem, ADMIN, "alice", "analyst", PASSWORD)
    for call in (
        lambda: users.add_account(mem, who, "mallory", "admin", PASSWORD),
        lambda: users.set_role(mem, who, "alice", "admin"),
        lambda: users.remove_account(mem, who, "alice"),
        lambda: users.set_password(mem, who, "alice", "another password 1"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert [(a.name, a.role) for a in users.list_accounts(mem, ADMIN)] == [("alice", "analyst")]


def test_account_rules(mem):
    users.add_account(mem, ADMIN, "alice", "admin", PASSWORD)
    codes = []
    for call in (
        lambda: users.add_account(mem, ADMIN, "Alice", "viewer", PASSWORD),
        lambda: users.remove_account(mem, ADMIN, "alice"),
        lambda: users.set_role(mem, ADMIN, "alice", "viewer"),
        lambda: users.remove_account(mem, ADMIN, "nobody"),
        lambda: users.set_role(mem, ADMIN, "alice", "owner"),
        lambda: users.remove_account(mem, Actor(name="alice", role="admin"), "alice"),
        lambda: users.add_account(mem, ADMIN, "carol", "viewer", "short"),
    ):
        with pytest.raises(MetricsError) as err:
            call()
        codes.append(err.value.code)
    assert codes == [
        "account_exists",
        "last_admin",
        "last_admin",
        "account_not_found",
        "unknown_role",
        "cannot_change_own_account",
        "password_too_short",
    ]
    assert [(a.name, a.role) for a in users.list_accounts(mem, ADMIN)] == [("alice", "admin")]


# --- sign-in ------------------------------------------------------------------------------------


def test_sign_in_returns_the_actor_and_is_audited_without_bumping_the_data_version(mem):
    users.add_account(mem, ADMIN, "alice", "analyst", PASSWORD)
    before = mem.data_version()
    actor = users.authenticate(mem, " Alice ", PASSWORD, client="test")
    assert actor == Actor(name="alice", role="analyst", origin="password")
    assert mem.data_version() == before  # caches of every viewer survive a sign-in
    [event] = _events(mem, users.SIGN_IN)
    assert event["actor"] == "alice" and event["detail"]["method"] == "password"
    assert users.get_account(mem, "alice").last_sign_in is not None


@pytest.mark.parametrize(("name", "reason"), [("alice", "bad_password"), ("nobody", "unknown_account")])
def test_failed_sign_ins_say_the_same_thing_and_are_audited(mem, name, reason):
    users.add_account(mem, ADMIN, "alice", "analyst", PASSWORD)
    with pytest.raises(MetricsError) as err:
        users.authenticate(mem, name, "wrong password!")
    assert err.value.code == "sign_in_failed" and err.value.params == {}
    [event] = _events(mem, users.SIGN_IN_FAILED)
    assert event["detail"]["reason"] == reason and event["detail"]["name"] == name


def test_identity_provider_only_accounts_cannot_use_a_password(mem):
    users.add_account(mem, ADMIN, "bob@mic.gov.vn", "analyst")
    with pytest.raises(MetricsError) as err:
        users.authenticate(mem, "bob@mic.gov.vn", "")
    assert err.value.code == "sign_in_failed"
    assert _events(mem, users.SIGN_IN_FAILED)[0]["detail"]["reason"] == "no_local_password"


def test_repeated_failures_lock_the_account_then_it_unlocks(mem):
    users.add_account(mem, ADMIN, "alice", "analyst", PASSWORD)
    now = dt.datetime(2026, 1, 1, 9, 0)
    codes = []
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(MetricsError) as err:
            users.authenticate(mem, "alice", "wrong password!", now=now)
        codes.append(err.value.code)
    assert codes == ["sign_in_failed"] * (auth.MAX_FAILED_ATTEMPTS - 1) + ["account_locked"]
    # Locked: even the right password is refused, and that attempt is logged too.
    with pytest.raises(MetricsError) as err:
        users.authenticate(mem, "alice", PASSWORD, now=now + dt.timedelta(minutes=1))
    assert err.value.code == "account_locked" and err.value.params["minutes"] == auth.LOCKOUT_MINUTES
    assert _events(mem, users.SIGN_IN_FAILED)[0]["detail"]["reason"] == "locked"
    later = now + dt.timedelta(minutes=auth.LOCKOUT_MINUTES + 1)
    assert users.authenticate(mem, "alice", PASSWORD, now=later).role == "analyst"
    assert users.get_account(mem, "alice").failed_attempts == 0


def test_an_admin_password_reset_unlocks(mem):
    users.add_account(mem, ADMIN, "alice", "analyst", PASSWORD)
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(MetricsError):
            users.authenticate(mem, "alice", "wrong password!")
    assert users.get_account(mem, "alice").locked_until is not None
    users.set_password(mem, ADMIN, "alice", "a brand new secret")
    assert users.authenticate(mem, "alice", "a brand new secret").name == "alice"


def test_a_weak_old_hash_is_upgraded_at_sign_in(mem):
    users.add_account(mem, ADMIN, "alice", "analyst", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with mem.reader() as cur:
        cur.execute("UPDATE users SET password_hash = ? WHERE name = 'alice'", [weak])
    users.authenticate(mem, "alice", PASSWORD)
    with mem.reader() as cur:
        upgraded = cur.execute("SELECT password_hash FROM users").fetchall()[0][0]
    assert upgraded != weak and not auth.needs_rehash(upgraded)


def test_identity_provider_sign_in_takes_the_account_role_or_viewer(mem):
    users.add_account(mem, ADMIN, "bob@mic.gov.vn", "analyst")
    assert users.identity_provider_sign_in(mem, "Bob@MIC.gov.vn").role == "analyst"
    assert users.identity_provider_sign_in(mem, "eve@mic.gov.vn") == Actor(
        name="eve@mic.gov.vn", origin="oidc"
    )
    assert [e["detail"]["method"] for e in _events(mem, users.SIGN_IN)] == ["oidc", "oidc"]


# --- command line -------------------------------------------------------------------------------


def test_users_commands(fresh_db, monkeypatch, capsys):
    db = str(fresh_db)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "Alice", "--role", "admin", "--password-stdin", "--db", db]) == 0
    assert main(["users", "add", "bob", "--role", "viewer", "--no-password", "--db", db]) == 0
    assert main(["users", "set-role", "bob", "analyst", "--db", db]) == 0
    assert main(["users", "list", "--json", "--db", db]) == 0
    out = capsys.readouterr().out
    listed = json.loads(out[out.index("[") :])
    assert [(a["name"], a["role"], a["has_password"]) for a in listed] == [
        ("alice", "admin", True),
        ("bob", "analyst", False),
    ]
    assert "password_hash" not in out and "$argon2" not in out
    assert main(["users", "remove", "alice", "--db", db]) == 1  # the last administrator stays
    assert "last administrator" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "add", "carol", "--role", "viewer", "--password-stdin", "--db", db]) == 1
    assert main(["users", "remove", "bob", "--db", db, "--lang", "vi"]) == 0
    assert "Đã xóa tài khoản bob" in capsys.readouterr().out
    store = open_store(fresh_db)
    assert users.authenticate(store, "alice", PASSWORD).role == "admin"
    store.close()
