"""A role holds only while it is granted: every service re-reads a signed-in actor's role, the
services that read secrets take the actor, passwords are judged for strength and sign-in is
throttled per client as well as per account."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics import auth, services
from metrics.auth import ANONYMOUS, CLI_ACTOR
from metrics.errors import MetricsError, PermissionDenied
from metrics.models import ProgressRecord
from metrics.store import backup, open_store, queries
from metrics.store import users as accounts

PASSWORD = "correct horse battery"


@pytest.fixture
def db(fresh_db):
    store = open_store(fresh_db)
    accounts.add_account(store, CLI_ACTOR, "ana", "analyst", PASSWORD)
    accounts.add_account(store, CLI_ACTOR, "adam", "admin", PASSWORD)
    yield store
    store.close()


def _record(store) -> ProgressRecord:
    counted = queries.targets(store)
    target_id = counted.loc[counted["kind"] != "rank", "target_id"].iloc[0]
    return ProgressRecord(target_id=target_id, recorded_on=dt.date(2026, 1, 1), value=3)


def _records(store) -> int:
    with store.reader() as cur:
        return cur.execute("SELECT count(*) FROM progress_records").fetchall()[0][0]


def test_a_demoted_account_loses_write_rights_at_its_next_call(db):
    session = accounts.authenticate(db, "ana", PASSWORD)  # what the browser session keeps
    services.add_progress_record(db, session, _record(db))
    before = _records(db)
    accounts.set_role(db, CLI_ACTOR, "ana", "viewer")
    with pytest.raises(PermissionDenied):
        services.add_progress_record(db, session, _record(db))
    assert _records(db) == before
    assert accounts.current_actor(db, session).role == "viewer"


def test_a_removed_account_is_anonymous_and_cannot_write(db):
    session = accounts.authenticate(db, "ana", PASSWORD)
    accounts.remove_account(db, CLI_ACTOR, "ana")
    assert accounts.current_actor(db, session) == ANONYMOUS
    before = _records(db)
    with pytest.raises(PermissionDenied):
        services.add_progress_record(db, session, _record(db))
    assert _records(db) == before


def test_a_demoted_admin_cannot_read_accounts_audit_or_make_backups(db, tmp_path):
    admin = accounts.authenticate(db, "adam", PASSWORD)
    assert [a.name for a in accounts.list_accounts(db, admin)] == ["adam", "ana"]
    accounts.add_account(db, CLI_ACTOR, "eve", "admin", PASSWORD)
    accounts.set_role(db, CLI_ACTOR, "adam", "analyst")
    calls = {
        "accounts": lambda: accounts.list_accounts(db, admin),
        "audit": lambda: accounts.audit_events(db, admin),
        "backup": lambda: backup.backup(db, admin, tmp_path / "b.duckdb"),
        "check": lambda: backup.check_store(db, admin),
        "add account": lambda: accounts.add_account(db, admin, "mallory", "admin", PASSWORD),
    }
    for name, call in calls.items():
        with pytest.raises(PermissionDenied):
            call()
        assert not (tmp_path / "b.duckdb").exists(), name


@pytest.mark.parametrize(
    "who", [ANONYMOUS, auth.Actor(name="vera", role="viewer"), auth.Actor(name="a", role="analyst")]
)
def test_secret_reading_services_refuse_everyone_but_administrators(db, tmp_path, who):
    for call in (
        lambda: accounts.list_accounts(db, who),
        lambda: accounts.audit_events(db, who),
        lambda: backup.backup(db, who, tmp_path / "b.duckdb"),
        lambda: backup.check_store(db, who),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not (tmp_path / "b.duckdb").exists()


def test_identity_provider_actor_without_account_keeps_the_default_role_with_one_gets_its_role(db):
    visitor = accounts.identity_provider_sign_in(db, "bob@mic.gov.vn", default_role="viewer")
    assert visitor.role == "viewer"
    accounts.add_account(db, CLI_ACTOR, "bob@mic.gov.vn", "analyst")
    assert accounts.current_actor(db, visitor).role == "analyst"
    accounts.remove_account(db, CLI_ACTOR, "bob@mic.gov.vn")
    assert accounts.current_actor(db, visitor).role == "viewer"


@pytest.mark.parametrize(
    "password", ["1234567890", "password12", "qwertyuiop", "Password1!", "ana-password1"]
)
def test_common_and_guessable_passwords_are_refused(db, password):
    with pytest.raises(MetricsError) as err:
        accounts.add_account(db, CLI_ACTOR, "carol", "viewer", password)
    assert err.value.code in {"password_too_guessable", "password_too_weak"}
    assert accounts.get_account(db, "carol") is None


def test_a_passphrase_is_accepted(db):
    accounts.add_account(db, CLI_ACTOR, "carol", "viewer", "violet tractor singing harbour")
    assert accounts.get_account(db, "carol").has_password


def test_one_client_trying_many_accounts_is_throttled_then_let_through_after_the_window(db):
    now = dt.datetime(2026, 1, 1, 12, 0)
    for n in range(auth.CLIENT_MAX_FAILURES):
        with pytest.raises(MetricsError) as err:
            accounts.authenticate(db, f"user{n}", "wrong guess!", now=now, client="203.0.113.9")
        assert err.value.code == "sign_in_failed"
    # Even the right password of an unlocked account is refused from that client now...
    with pytest.raises(MetricsError) as err:
        accounts.authenticate(db, "ana", PASSWORD, now=now, client="203.0.113.9")
    assert err.value.code == "sign_in_throttled"
    assert accounts.get_account(db, "ana").failed_attempts == 0  # ...without locking ana's account
    # ...but not from another client, and not from this one once the window has passed.
    assert accounts.authenticate(db, "ana", PASSWORD, now=now, client="198.51.100.7").role == "analyst"
    later = now + dt.timedelta(minutes=auth.CLIENT_WINDOW_MINUTES, seconds=1)
    assert accounts.authenticate(db, "ana", PASSWORD, now=later, client="203.0.113.9").role == "analyst"
    reasons = [e["detail"] for e in accounts.audit_events(db, CLI_ACTOR, [accounts.SIGN_IN_FAILED], limit=1)]
    assert "client_throttled" in reasons[0]
