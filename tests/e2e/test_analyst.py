"""An analyst in a real browser: signs in from the sidebar, finds the Import page (which a viewer's
menu does not list), uploads a file with problems and sees every problem at once, imports the real
GAIRI 2023 spreadsheet as a new version, then rolls the edition back to the version it replaced."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import FIXTURES
from tests.e2e.conftest import ANALYST, go, sign_in
from tests.e2e.test_browser import _shoot, _wait_idle

pytestmark = pytest.mark.e2e

BAD_CSV = (
    "Country,Year,Measure,Value\nViet Nam,2023,total,54.48\nAtlantis,2023,total,50\nThailand,2023,total,abc\n"
)


def _sign_in(page, server: str) -> None:
    page.goto(f"{server}/?lang=en")
    _wait_idle(page)
    assert page.get_by_role("link", name="Import").count() == 0  # a viewer's menu has no Import
    sign_in(page, server, *ANALYST, load=False)


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


UNKNOWN_TOTAL = "Điểm sẵn sàng AI"


def _edition_2026_csv() -> bytes:
    """GAIRI 2025's totals as a 2026 edition, the total named in words the catalog does not know."""
    import pandas as pd

    data = FIXTURES.parents[1] / "data"
    obs = pd.read_csv(data / "observations.csv")
    names = pd.read_csv(data / "countries.csv").set_index("iso3")["name_en"]
    rows = obs[(obs.index_id == "GAIRI") & (obs.edition_year == 2025) & (obs.measure_id == "total")]
    lines = [f"Country,Year,{UNKNOWN_TOTAL}"]
    lines += [
        f'"{names[iso3]}",2026,{value + 0.5:.4f}' for iso3, value in zip(rows.iso3, rows.value, strict=True)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _choose(page, label: str, option: str) -> None:
    """Pick the option of a Streamlit selectbox whose text starts with `option`. A click may only
    focus the box (the list then opens on the down arrow, as for a keyboard user), and typing
    filters the list, which is virtualised: an option below its fold is not in the DOM."""
    box = page.get_by_role("combobox", name=label)
    listbox = page.locator('[role="listbox"]').first
    choice = page.get_by_role("option", name=re.compile("^" + re.escape(option))).first
    for _ in range(3):
        box.click()
        try:
            listbox.wait_for(timeout=500)
        except PlaywrightTimeout:
            page.keyboard.press("ArrowDown")
        page.keyboard.type(option)
        try:
            choice.wait_for(timeout=5_000)
        except PlaywrightTimeout:  # the list closed on a rerun: open it again
            page.keyboard.press("Escape")
            _wait_idle(page)
            continue
        choice.click()
        _wait_idle(page)
        return
    _shoot(page, "choose_failed", always=True)
    raise AssertionError(f"no option {option!r} in {label!r}")


def _go(page, link: str) -> str:
    """A menu link (client-side: the session and its sign-in stay); the main area's text once the
    page has settled."""
    go(page, page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link, exact=True))
    return page.locator('[data-testid="stMain"]').inner_text()


def _as_seen(page) -> dict:
    """The latest edition on Overview, Rankings and the Report page's "as of" default, read in the
    signed-in session (reports are for signed-in accounts, data/permissions.toml)."""
    overview = re.search(r"Latest data: GAIRI (\d{4})", _go(page, "Overview"))
    rankings_text = _go(page, "Rankings")
    # an edition imported without the publisher's ranks says its rank is "(computed)"
    rankings = re.search(r"to rank \d+ of \d+(?: \(computed\))? \((\d{4}), percentile", rankings_text)
    _go(page, "Report")
    as_of = page.get_by_role("combobox", name=re.compile("Data as of")).input_value()
    assert overview and rankings, f"latest edition not found: {rankings_text[:1500]!r}"
    return {"overview": overview.group(1), "rankings": rankings.group(1), "report": as_of}


def test_analyst_maps_an_unknown_total_confirms_then_withdraws_the_edition(analyst_server, page):
    _sign_in(page, analyst_server)  # once: every page below is reached by the menu, in this session
    before = _as_seen(page)
    assert before == {"overview": "2025", "rankings": "2025", "report": "2025"}

    _open_import(page)
    _upload(page, "gairi_2026_vn.csv", _edition_2026_csv(), "text/csv")
    summary = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "Problems (1)" in summary, summary
    assert page.get_by_role("button", name="Confirm the import").is_disabled()
    _choose(page, f"“{UNKNOWN_TOTAL}” feeds", "Total score (total)")
    confirm = page.get_by_role("button", name="Confirm the import")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Confirm the import')"
        " && !b.disabled)"
    )
    _shoot(page, "import_mapped_en")
    confirm.click()
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    success.wait_for(timeout=60_000)
    version = re.search(r"2026\D+(\d+)", success.inner_text()).group(1)

    # the pages of the same session show the new edition at their next run
    assert _as_seen(page) == {"overview": "2026", "rankings": "2026", "report": "2026"}

    _open_import(page)
    page.get_by_role("tab", name=re.compile("ersion")).click()
    _wait_idle(page)
    _choose(page, "Version to withdraw", f"{version} · GAIRI 2026")
    page.get_by_role("textbox", name="Reason").fill("test import, total mapped by hand")
    page.get_by_role("textbox", name="Reason").press("Enter")
    _wait_idle(page)
    page.get_by_text("I understand that this version's figures").click()
    page.get_by_role("button", name="Withdraw").click()
    notice = page.locator('[data-testid="stAlertContentSuccess"]').first
    notice.wait_for()
    assert f"Version {version} (GAIRI 2026) is withdrawn." in notice.inner_text()
    _shoot(page, "import_withdrawn_en")

    assert _as_seen(page) == before
    # and a new, anonymous session (a full page load) opens on the edition before the import
    page.goto(f"{analyst_server}/?lang=en")
    _wait_idle(page)
    assert "Latest data: GAIRI 2025" in page.locator('[data-testid="stMain"]').inner_text()
