"""The dashboard in a real browser: every page in both languages without an exception box, the
language switch that survives navigation, a filter and a CSV download whose content is checked
against the database. Screenshots of every page land in tests/artifacts/screenshots/ (git-ignored);
the Vietnamese Overview is also copied to docs/screenshots/overview.png for the README."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from app_pages.registry import available_pages
from metrics import i18n
from metrics.store import queries as q
from tests.conftest import ROOT
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.conftest import wait_idle as _wait_idle

pytestmark = pytest.mark.e2e

PUBLIC = [name for name, _path, role in available_pages() if role == "viewer"]
README_SHOT = ROOT / "docs" / "screenshots" / "overview.png"


def _open(page, server: str, name: str, lang: str) -> None:
    path = "" if name == "overview" else name
    page.goto(f"{server}/{path}?lang={lang}")
    _wait_idle(page)


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(900, m ? m.scrollHeight : 900); }"
    )
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders_without_an_exception(server, page, lang):
    for name in PUBLIC:
        _open(page, server, name, lang)
        assert page.locator('[data-testid="stException"]').count() == 0, f"{name} ({lang}) shows an exception"
        title = page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert title.strip(), name
        # no raw i18n key in the visible text (a missing translation shows its key)
        text = page.locator('[data-testid="stMain"]').inner_text()
        for prefix in (
            "ui.",
            "overview.",
            "rankings.",
            "asean.",
            "pillars.",
            "whatif.",
            "indices.",
            "data_page.",
        ):
            assert f" {prefix}" not in f" {text}", f"{name} ({lang}) shows an untranslated key {prefix}…"
        if name == "overview" and lang == "vi":
            page.screenshot(path=str(SCREENSHOTS / "overview_vi_viewport.png"))
        _shoot(page, f"{name}_{lang}")
    # the whole page: the chart that proves the scorecard sits below the first screen
    if lang == "vi" and _changed(SCREENSHOTS / "overview_vi.png", README_SHOT):
        README_SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SCREENSHOTS / "overview_vi.png", README_SHOT)


def _changed(new, old) -> bool:
    """Whether the README screenshot is missing or the page now looks different (a stray pixel of
    anti-aliasing does not count, so a test run does not dirty the tree for nothing)."""
    if not old.exists():
        return True
    from PIL import Image, ImageChops

    a, b = Image.open(new).convert("L"), Image.open(old).convert("L")
    if a.size != b.size:
        return True
    histogram = ImageChops.difference(a, b).histogram()
    mean = sum(level * count for level, count in enumerate(histogram)) / max(sum(histogram), 1)
    return mean > 0.05


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
    page.locator('[data-testid="stSidebarNav"]').get_by_text(i18n.t("nav.rankings", "en"), exact=True).click()
    page.wait_for_url("**/rankings**")
    _wait_idle(page)
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
