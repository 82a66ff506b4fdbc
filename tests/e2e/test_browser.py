"""The dashboard in a real browser: the language switch that survives navigation, a filter and a CSV
download whose content is checked against the database. Every page in both languages, at desktop
and phone width, is walked by tests/e2e/test_phone.py (which also refreshes the README's
screenshot)."""

from __future__ import annotations

import csv
import io

import pytest

from metrics import i18n
from metrics.store import queries as q
from tests.e2e.conftest import ALL_SCREENSHOTS, SCREENSHOTS, go, wait_quiet
from tests.e2e.conftest import wait_idle as _wait_idle

pytestmark = pytest.mark.e2e


def _open(page, server: str, name: str, lang: str) -> None:
    path = "" if name == "overview" else name
    page.goto(f"{server}/{path}?lang={lang}")
    _wait_idle(page)


def _shoot(page, name: str, *, always: bool = False) -> None:
    """A full-page screenshot for `make screenshots` (always: also in a test run, e.g. of a failure)."""
    if not (always or ALL_SCREENSHOTS):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(900, m ? m.scrollHeight : 900); }"
    )
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 40, 6000)})
    wait_quiet(page)  # plotly lays the charts out again at the new size
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def test_language_switch_persists_across_pages(server, page):
    page.goto(server)
    _wait_idle(page)
    h1 = page.locator('[data-testid="stMain"] h1').first
    assert h1.inner_text().strip() == i18n.t("overview.title", "vi")
    page.locator('[data-testid="stSidebar"]').get_by_text(
        i18n.t("app.lang_name_en", "en"), exact=True
    ).click()
    page.wait_for_function(
        "t => document.querySelector('[data-testid=\"stMain\"] h1')?.innerText.trim() === t",
        arg=i18n.t("overview.title", "en"),
    )
    assert "lang=en" in page.url
    go(
        page,
        page.locator('[data-testid="stSidebarNav"]').get_by_text(i18n.t("nav.rankings", "en"), exact=True),
    )
    assert "/rankings" in page.url
    assert h1.inner_text().strip() == i18n.t("rankings.title", "en")
    assert "lang=en" in page.url
    page.reload()
    _wait_idle(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == i18n.t(
        "rankings.title", "en"
    )


def test_filter_then_download_the_csv(server, page, store):
    _open(page, server, "data", "en")
    countries = page.locator('[data-testid="stMultiSelect"]').filter(
        has_text=i18n.t("data_page.countries", "en")
    )
    countries.locator("input").click()
    countries.locator("input").fill("Viet Nam")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expected_title = i18n.t(
        "data_page.table_title", "en", index="GAIRI", edition=2025, rows="1", countries="1"
    )
    page.get_by_text(expected_title).wait_for()
    _wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=i18n.t("ui.download_csv", "en")).first.click()
    download = info.value
    assert download.suggested_filename == "GAIRI_2025.csv"
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert [r["ISO3"] for r in rows] == ["VNM"]
    expected = q.scores(store, "GAIRI", 2025)
    vn = expected[expected["iso3"] == "VNM"].iloc[0]
    assert float(rows[0]["Score"]) == pytest.approx(float(vn["value"]))
    assert int(rows[0]["Published rank"]) == int(vn["published_rank"]) == 45
    assert rows[0]["Country"] == "Viet Nam"
    _shoot(page, "data_filtered_en")
