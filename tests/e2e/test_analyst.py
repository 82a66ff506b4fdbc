"""An analyst in a real browser: signs in from the sidebar, finds the Import page (which a viewer's
menu does not list), uploads a file with problems and sees every problem at once, imports the real
GAIRI 2023 spreadsheet as a new version, then rolls the edition back to the version it replaced."""

from __future__ import annotations

import re

import pytest

from tests.conftest import FIXTURES
from tests.e2e.conftest import ANALYST
from tests.e2e.test_browser import _shoot, _wait_idle

pytestmark = pytest.mark.e2e

BAD_CSV = (
    "Country,Year,Measure,Value\nViet Nam,2023,total,54.48\nAtlantis,2023,total,50\nThailand,2023,total,abc\n"
)


def _sign_in(page, server: str) -> None:
    page.goto(f"{server}/?lang=en")
    _wait_idle(page)
    assert page.get_by_role("link", name="Import").count() == 0  # a viewer's menu has no Import
    page.get_by_text("Sign in", exact=True).first.click()
    name, password = ANALYST
    page.get_by_label("Account name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {name}").wait_for()


def _open_import(page) -> None:
    page.get_by_role("link", name="Import").click()  # client-side: the session (and sign-in) stays
    page.get_by_role("heading", name="Import data").wait_for()
    _wait_idle(page)


def _upload(page, name: str, data: bytes, mime: str) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    page.wait_for_timeout(500)
    _wait_idle(page)


def test_analyst_sees_every_problem_then_imports_a_publisher_file(analyst_server, page):
    _sign_in(page, analyst_server)
    _open_import(page)

    _upload(page, "bad.csv", BAD_CSV.encode(), "text/csv")
    # Both problems at once: the reader's (not a number) and the import's own (unknown country).
    # The problem table is drawn on a canvas, so the summary line is what the DOM can show.
    summary = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "Problems (2)" in summary, summary
    assert page.get_by_role("button", name="Confirm the import").is_disabled()
    _shoot(page, "import_problems_en")

    workbook = (FIXTURES / "raw" / "oxford_insights_gairi_2023_public-indicator-data.xlsx").read_bytes()
    _upload(
        page, "gairi_2023.xlsx", workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    edition = page.get_by_role("spinbutton", name="Edition year")
    edition.fill("2023")
    edition.press("Enter")
    _wait_idle(page)
    confirm = page.get_by_role("button", name="Confirm the import")
    confirm.wait_for()
    assert confirm.is_enabled()
    _shoot(page, "import_preview_en")
    confirm.click()
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    success.wait_for(timeout=60_000)
    match = re.search(r"2023\D+(\d+)", success.inner_text())
    assert match, success.inner_text()
    version = match.group(1)
    _shoot(page, "import_done_en")

    # History tab: the seed's GAIRI 2023 version is no longer current; roll back to it.
    page.get_by_role("tab", name=re.compile("ersion")).click()
    _wait_idle(page)
    chosen = page.get_by_role("combobox", name="Version to make current again").input_value()
    seed_version = re.fullmatch(r"(\d+) · GAIRI 2023 · data/observations\.csv", chosen)
    assert seed_version, chosen
    assert int(seed_version.group(1)) < int(version)
    page.get_by_text("I understand that the current version").click()
    page.get_by_role("button", name="Roll back").click()
    notice = page.locator('[data-testid="stAlertContentSuccess"]').first
    notice.wait_for()
    assert f"Version {seed_version.group(1)} (GAIRI 2023) is current again" in notice.inner_text()
    _shoot(page, "import_rollback_en")
