"""`python -m metrics import | versions | diff | rollback | aliases add` against a real database
file, in-process (tests/cli_runner.py)."""

from __future__ import annotations

import json

import pytest

from metrics.store import open_store
from tests.cli_runner import Ran, run_cli
from tests.test_import_helpers import IMPORTS, RAW, fingerprint

GAIRI_2021 = RAW / "oxford_insights_gairi_2021_public-dataset.xlsx"


def run(*args: str, db) -> Ran:
    return run_cli(*args, db=db)


def _fingerprint(db) -> str:
    store = open_store(db)
    try:
        return fingerprint(store)
    finally:
        store.close()


def test_import_then_versions_diff_and_rollback(fresh_db):
    out = run("import", str(GAIRI_2021), "--index", "GAIRI", "--edition", "2021", "--json", db=fresh_db)
    assert out.returncode == 0, out.stderr
    (result,) = json.loads(out.stdout)
    assert result["status"] == "imported" and result["action"] == "replace"
    (written,) = result["versions"]
    assert result["plan"]["editions"][0]["diff"]["changed_count"] == 0

    again = run("import", str(GAIRI_2021), "--index", "GAIRI", "--edition", "2021", db=fresh_db)
    assert again.returncode == 0 and "Nothing changed." in again.stdout

    listed = json.loads(run("versions", "--index", "GAIRI", "--json", db=fresh_db).stdout)
    mine = next(v for v in listed if v["version_id"] == written["version_id"])
    assert (
        mine["is_current"] and mine["file_name"] == GAIRI_2021.name and mine["imported_by"].startswith("cli:")
    )
    assert mine["replaced_version"] == written["replaced"]

    diff = run("diff", str(written["replaced"]), str(written["version_id"]), "--json", db=fresh_db)
    assert diff.returncode == 0
    assert json.loads(diff.stdout)[0]["changed_count"] == 0

    back = run("rollback", str(written["replaced"]), db=fresh_db)
    assert back.returncode == 0, back.stderr
    assert f"Version {written['replaced']} (GAIRI 2021) is current again" in back.stdout
    twice = run("rollback", str(written["replaced"]), "--lang", "vi", db=fresh_db)
    assert twice.returncode == 1
    assert f"Phiên bản {written['replaced']} đã là phiên bản hiện hành." in twice.stderr


@pytest.mark.parametrize(
    ("lang", "summary", "line"),
    [
        (
            "en",
            "Problems found in the file: 3. Nothing was written",
            "row 3, column “country”, value “Vietnm”: Unknown country name (rows 3). Closest known names: Vietnam (VNM).",
        ),
        (
            "vi",
            "3",
            "Tên quốc gia chưa nhận ra (các dòng 3). Các tên gần nhất: Vietnam (VNM).",
        ),
    ],
)
def test_a_bad_file_exits_2_with_every_problem_and_changes_nothing(fresh_db, lang, summary, line):
    before = _fingerprint(fresh_db)
    out = run(
        "import",
        str(IMPORTS / "several_problems.csv"),
        "--index",
        "GAIRI",
        "--edition",
        "2023",
        "--lang",
        lang,
        db=fresh_db,
    )
    assert out.returncode == 2
    assert summary in out.stderr and line in out.stderr
    assert out.stderr.count("  - ") == 3
    assert _fingerprint(fresh_db) == before


def test_a_bad_file_with_json_lists_the_problems_on_stdout(fresh_db):
    out = run(
        "import",
        str(IMPORTS / "not_a_number.csv"),
        "--index",
        "GAIRI",
        "--edition",
        "2023",
        "--json",
        db=fresh_db,
    )
    assert out.returncode == 2
    (result,) = json.loads(out.stdout)
    assert result["status"] == "invalid"
    assert [(p["code"], p["row"], p["column"], p["value"]) for p in result["problems"]] == [
        ("not_a_number", 3, "value", "sixty")
    ]
    assert result["problems"][0]["message"] == "row 3, column “value”, value “sixty”: Not a number."


def test_dry_run_previews_and_writes_nothing(fresh_db):
    before = _fingerprint(fresh_db)
    out = run(
        "import",
        str(GAIRI_2021),
        "--index",
        "GAIRI",
        "--edition",
        "2021",
        "--dry-run",
        "--lang",
        "vi",
        db=fresh_db,
    )
    assert out.returncode == 0, out.stderr
    assert "Kỳ 2021: thay phiên bản" in out.stdout and "2.237 dòng" in out.stdout
    assert _fingerprint(fresh_db) == before


def test_alias_add_then_the_name_is_read(fresh_db):
    out = run("aliases", "add", "Vietnm", "VNM", db=fresh_db)
    assert out.returncode == 0, out.stderr
    assert "“Vietnm” is now read as VNM." in out.stdout
    ok = run(
        "import",
        str(IMPORTS / "unknown_country.csv"),
        "--index",
        "GAIRI",
        "--edition",
        "2023",
        "--dry-run",
        db=fresh_db,
    )
    assert ok.returncode == 2  # Vietnm and Viet Nam are now the same country: a duplicate, reported
    assert "VNM appears more than once" in ok.stderr
    conflict = run("aliases", "add", "Thailand", "VNM", "--lang", "vi", db=fresh_db)
    assert conflict.returncode == 1 and "đã chỉ THA" in conflict.stderr
