"""`python -m metrics strategies` and `evidence add|list|correct|withdraw` (in-process:
tests/cli_runner.py) against a real database: roles checked as on the pages, every write audited with the old and the
new record, bad input refused in the user's language with nothing written."""

from __future__ import annotations

import json

from metrics import services_strategy as strategies
from metrics.auth import Actor
from metrics.store import open_store
from metrics.store import queries as q
from metrics.store import users as accounts
from tests.cli_runner import Ran, run_cli

ADMIN = Actor(name="cli", role="admin")


def run(*args: str, db) -> Ran:
    return run_cli(*args, db=db)


def _accounts(db_path) -> None:
    db = open_store(db_path)
    accounts.add_account(db, ADMIN, "ana", "analyst", "a long enough passphrase 1")
    accounts.add_account(db, ADMIN, "vic", "viewer", "a long enough passphrase 2")
    db.close()


def test_strategies_json_says_which_is_in_force(fresh_db):
    out = run("strategies", "--json", db=fresh_db)
    assert out.returncode == 0, out.stderr
    rows = {r["strategy_id"]: r for r in json.loads(out.stdout)}
    assert set(rows["QD1671_2026"]) == {
        "strategy_id",
        "name_en",
        "name_vi",
        "decision",
        "kind",
        "signed_on",
        "status",
        "superseded_by",
        "superseded_on",
        "is_default",
        "target_count",
        "source_url",
    }
    assert (rows["QD127_2021"]["status"], rows["QD127_2021"]["superseded_by"]) == (
        "superseded",
        "QD1671_2026",
    )
    assert (rows["QD1671_2026"]["is_default"], rows["QD1671_2026"]["target_count"]) == (True, 34)
    table = run("strategies", "--lang", "vi", db=fresh_db)
    assert "Đã được thay thế" in table.stdout and "QD1671_2026 *" in table.stdout


def test_evidence_add_list_correct_withdraw_with_roles_and_audit(fresh_db):
    _accounts(fresh_db)
    common = ["--date", "2026-10-01", "--source", "https://mst.gov.vn/a", "--unit", "platforms"]
    refused = run(
        "evidence", "add", "T1671_19", "--value", "2", *common, "--as", "vic", "--lang", "vi", db=fresh_db
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert len(q.progress_records(open_store(fresh_db), "T1671_19")) == 0

    added = run("evidence", "add", "T1671_19", "--value", "2", *common, "--as", "ana", db=fresh_db)
    assert added.returncode == 0, added.stderr
    milestone = run(
        "evidence",
        "add",
        "T1671_19",
        "--kind",
        "milestone",
        "--date",
        "2026-11-01",
        "--source",
        "https://mst.gov.vn/b",
        "--fit",
        "partial",
        "--label",
        "P",
        "--note-en",
        "A third platform announced",
        "--as",
        "ana",
        db=fresh_db,
    )
    assert milestone.returncode == 0, milestone.stderr
    listed = json.loads(run("evidence", "list", "--target", "T1671_19", "--json", db=fresh_db).stdout)
    assert [(r["kind"], r["value"], r["fit"], r["label"], r["created_by"]) for r in listed] == [
        ("value", 2.0, "direct", "V", "ana"),
        ("milestone", None, "partial", "P", "ana"),
    ]
    first = listed[0]["record_id"]

    corrected = run(
        "evidence",
        "correct",
        str(first),
        "--reason",
        "typo: 3, not 2",
        "--value",
        "3",
        *common,
        "--as",
        "ana",
        db=fresh_db,
    )
    assert corrected.returncode == 0, corrected.stderr
    every = json.loads(run("evidence", "list", "--target", "T1671_19", "--all", "--json", db=fresh_db).stdout)
    old = next(r for r in every if r["record_id"] == first)
    new = next(r for r in every if r["replaces"] == first)
    assert (old["status"], old["withdrawn_by"], old["withdrawn_reason"]) == (
        "withdrawn",
        "ana",
        "typo: 3, not 2",
    )
    assert (new["status"], new["value"]) == ("active", 3.0)
    active = json.loads(run("evidence", "list", "--target", "T1671_19", "--json", db=fresh_db).stdout)
    assert sorted(r["record_id"] for r in active) == sorted([new["record_id"], listed[1]["record_id"]])

    db = open_store(fresh_db)
    report = next(r for r in strategies.target_reports(db) if r.target_id == "T1671_19")
    assert (report.value, report.evidence_count, report.value_count) == (3.0, 2, 1)  # the corrected value
    log = q.audit_log(db, 10)
    entry = log[log["action"] == "correct_progress_record"].iloc[0]
    detail = json.loads(entry["detail"])
    assert (entry["actor"], detail["old"]["value"], detail["new"]["value"]) == ("ana", "2.0", 3.0)
    db.close()

    again = run("evidence", "correct", str(first), "--reason", "x", "--value", "4", *common, db=fresh_db)
    assert again.returncode == 1 and "already been withdrawn" in again.stderr

    viewer = run("evidence", "withdraw", str(new["record_id"]), "--reason", "no", "--as", "vic", db=fresh_db)
    assert viewer.returncode == 1
    gone = run(
        "evidence",
        "withdraw",
        str(new["record_id"]),
        "--reason",
        "source retracted",
        "--as",
        "ana",
        db=fresh_db,
    )
    assert gone.returncode == 0, gone.stderr
    db = open_store(fresh_db)
    assert q.audit_log(db, 1)["action"].iloc[0] == "withdraw_progress_record"
    rows = q.progress_records(db, "T1671_19", include_withdrawn=True)
    assert len(rows) == 3 and rows["status"].tolist().count("active") == 1  # nothing deleted
    db.close()


def test_bad_evidence_is_refused_in_the_users_language_and_nothing_is_written(fresh_db):
    before = len(q.progress_records(open_store(fresh_db), include_withdrawn=True))
    no_value = run(
        "evidence",
        "add",
        "T1671_19",
        "--date",
        "2026-10-01",
        "--source",
        "https://a.vn",
        "--lang",
        "vi",
        db=fresh_db,
    )
    assert no_value.returncode == 2 and "Traceback" not in no_value.stderr
    assert "cột «value»: bản ghi giá trị cần một con số" in no_value.stderr
    bad_source = run(
        "evidence",
        "add",
        "T1671_19",
        "--value",
        "1",
        "--date",
        "2026-10-01",
        "--source",
        "ftp://a.vn",
        db=fresh_db,
    )
    assert bad_source.returncode == 2 and "http" in bad_source.stderr
    unknown = run(
        "evidence",
        "add",
        "T_NOPE",
        "--value",
        "1",
        "--date",
        "2026-10-01",
        "--source",
        "https://a.vn",
        db=fresh_db,
    )
    assert unknown.returncode == 1 and "T_NOPE" in unknown.stderr
    bad_date = run(
        "evidence",
        "add",
        "T1671_19",
        "--value",
        "1",
        "--date",
        "soon",
        "--source",
        "https://a.vn",
        "--lang",
        "vi",
        db=fresh_db,
    )
    assert bad_date.returncode == 2 and "cột «recorded_on», giá trị «soon»" in bad_date.stderr
    assert len(q.progress_records(open_store(fresh_db), include_withdrawn=True)) == before


def test_seed_upgrades_a_database_seeded_from_older_data(fresh_db):
    import duckdb

    con = duckdb.connect(str(fresh_db))
    con.execute("DELETE FROM targets WHERE strategy_id = 'NQ57_2024'")
    con.execute("DELETE FROM meta WHERE key = 'default_data_sha256'")
    con.close()
    first = run("seed", db=fresh_db)
    assert first.returncode == 0 and first.stdout.startswith("upgraded:"), first.stderr
    second = run("seed", db=fresh_db)
    assert second.stdout.startswith("already seeded:")
    assert len(strategies.targets(open_store(fresh_db), "NQ57_2024")) == 5
