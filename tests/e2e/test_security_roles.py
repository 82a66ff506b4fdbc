"""A role holds only while it is granted, in two real browser sessions on one real server.

An analyst signs in and saves a progress record; an administrator, in another browser context,
demotes the account to viewer; the analyst's very next click (the same, still-open form) saves
nothing and the page says why. Then the administrator removes the account and the open session is
signed out at its next click."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import _serve, sign_in
from tests.e2e.test_browser import _wait_idle

pytestmark = pytest.mark.e2e

ANALYST = ("sec_analyst", "violet tractor singing harbour")
ADMIN = ("sec_admin", "copper lantern drifting north")


def _add(db, name: str, role: str, password: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "metrics", "users", "add", name, "--role", role, "--password-stdin", "--db", str(db)],
        input=password + "\n", text=True, cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def roles_server(seeded_db_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e_roles") / "roles.duckdb"
    shutil.copy(seeded_db_file, path)
    _add(path, ANALYST[0], "analyst", ANALYST[1])
    _add(path, ADMIN[0], "admin", ADMIN[1])
    yield from _serve(path, tmp_path_factory)


def _context(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _open(page, link: str, heading: str) -> None:
    # an administrator's menu is longer than the ten links Streamlit shows before "View N more"
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if page.get_by_role("link", name=link).count() == 0 and more.count() and "more" in more.inner_text():
        more.click()
    page.get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading).first.wait_for()
    _wait_idle(page)


SAVED = re.compile(r"Evidence record \d+ added to ")


def _save_record(page, url: str) -> None:
    """The Targets page's evidence form: a value record (the default kind) with its source."""
    form = page.locator('[data-testid="stForm"]').first  # "Add evidence"; the correct form follows
    form.get_by_role("spinbutton", name="Value").fill("12")
    form.get_by_role("textbox", name=re.compile(r"^Source URL")).fill(url)
    form.get_by_role("button", name="Add evidence").click()
    page.wait_for_timeout(500)
    _wait_idle(page)


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    _wait_idle(page)


def test_demoted_then_removed_account_loses_its_rights_at_the_next_click(roles_server, browser):
    analyst_ctx, analyst = _context(browser)
    admin_ctx, admin = _context(browser)
    try:
        sign_in(analyst, roles_server, *ANALYST)
        _open(analyst, "Targets", "Targets")
        _save_record(analyst, "https://example.org/first")
        first = analyst.get_by_text(SAVED).inner_text()  # the seed's evidence may come before it

        sign_in(admin, roles_server, *ADMIN)
        _open(admin, "Administration", "Administration")
        _choose(admin, "Account", ANALYST[0])
        _choose(admin, "New role", "Viewer")
        admin.get_by_role("button", name="Change role").click()
        admin.get_by_text(f"{ANALYST[0]} is now Viewer.").wait_for()

        # The analyst's form is still on screen; pressing it again is the next click.
        _save_record(analyst, "https://example.org/second")
        # The click's run is over once the page says the role changed; only then read the notices
        # (read sooner, a notice of the earlier run can vanish between listing and reading it).
        analyst.get_by_text("Analysts (once signed in) can add progress records").wait_for()
        analyst.get_by_text("An administrator changed your role").wait_for()
        analyst.get_by_text(f"Signed in as {ANALYST[0]} (Viewer)").wait_for()
        _wait_idle(analyst)
        saved = [t.inner_text() for t in analyst.get_by_text(SAVED).all()]
        assert set(saved) <= {first}, saved  # no second record (only, at most, the first one's notice)

        # Removed: signed out at the next click.
        _choose(admin, "Account", ANALYST[0])
        admin.get_by_text("I confirm removing this account").click()
        admin.get_by_role("button", name="Remove account").click()
        admin.get_by_text(f"Account {ANALYST[0]} removed.").wait_for()
        analyst.get_by_role("link", name="Overview").click()
        _wait_idle(analyst)
        analyst.get_by_text("you are signed out").wait_for()
        assert analyst.get_by_text(f"Signed in as {ANALYST[0]}").count() == 0
        assert analyst.get_by_role("link", name="Import").count() == 0
    finally:
        analyst_ctx.close()
        admin_ctx.close()
