"""Every public page at desktop (1440x900) and phone (390x844) width, in both languages, in Debian's
Chromium: no exception box, a title, no untranslated key in the text; on the phone nothing runs off
the screen and no chart text sits on another (checked on the elements' boxes in the DOM: chart
titles, legends, axis titles, tick and point labels, notes; tables kept inside the screen, where
they scroll). One server, each page visited once per size and language: at desktop width through
the menu after the first, at phone width from its address. The Vietnamese Overview at desktop width is shot whole and
refreshes the README's docs/screenshots/overview.png when the page looks different; `make
screenshots` shoots every page into tests/artifacts/screenshots/phone/ (git-ignored)."""

from __future__ import annotations

import re
import shutil

import pytest

from app_pages.registry import available_pages
from metrics import i18n
from tests.conftest import ROOT
from tests.e2e.conftest import ALL_SCREENSHOTS, SCREENSHOTS, go, wait_idle, wait_quiet

pytestmark = pytest.mark.e2e

PUBLIC = [name for name, _path, role in available_pages() if role == "viewer"]
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
README_SHOT = ROOT / "docs" / "screenshots" / "overview.png"
OUT = SCREENSHOTS / "phone"

# For each chart: its box, and the boxes of the texts drawn in it; for the page: its width, the
# chart titles (page text right above each chart) and the tables' boxes.
LAYOUT_JS = """
() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {x: r.left, y: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const texts = (chart, sel, kind) => [...chart.querySelectorAll(sel)]
      .filter(e => e.getBoundingClientRect().width > 0 && (e.textContent || '').trim())
      .map(e => ({kind, text: (e.textContent || '').trim().slice(0, 60), ...box(e)}));
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((c, i) => {
    const svg = c.querySelector('.main-svg');
    const items = [
      ...texts(c, '.gtitle', 'title'), ...texts(c, '.legend .traces', 'legend'),
      ...texts(c, '.g-xtitle', 'xtitle'), ...texts(c, '.g-ytitle', 'ytitle'),
      ...texts(c, '.annotation-text-g', 'note'), ...texts(c, '.cartesianlayer .xtick text', 'xtick'),
      ...texts(c, '.cartesianlayer .ytick text', 'ytick'), ...texts(c, '.textpoint text', 'point'),
      ...texts(c, '.angularaxistick text', 'spoke'),
    ];
    const above = c.closest('[data-testid="stElementContainer"]')?.previousElementSibling;
    const title = above ? above.querySelector('[data-testid="stMarkdownContainer"] p') : null;
    return {i, box: box(svg || c), items,
            title: title ? {text: title.textContent.slice(0, 60), ...box(title), sw: title.scrollWidth, cw: title.clientWidth} : null};
  });
  const tables = [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(e => box(e));
  return {width: document.documentElement.scrollWidth, charts, tables};
}
"""


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (
        min(a["r"], b["r"]) - max(a["x"], b["x"]) > slack
        and min(a["b"], b["b"]) - max(a["y"], b["y"]) > slack
    )


def layout_problems(found: dict, width: int) -> list[str]:
    """What a reader of a `width` px screen could not read: text cut at the chart's or the screen's
    edge, two texts on top of each other, a table wider than the screen."""
    out: list[str] = []
    if found["width"] > width + 1:
        out.append(f"the page is {found['width']} px wide on a {width} px screen")
    for chart in found["charts"]:
        frame = chart["box"]
        title = chart["title"]
        if title is None:
            out.append(f"chart {chart['i']}: no title above it")
        elif title["r"] > width + 1 or title["sw"] > title["cw"] + 1:
            out.append(f"chart {chart['i']}: title cut: {title['text']!r}")
        items = chart["items"]
        for item in items:
            if (
                item["x"] < frame["x"] - 2
                or item["r"] > frame["r"] + 2
                or item["r"] > width + 1
                or item["x"] < -1
            ):
                out.append(f"chart {chart['i']}: {item['kind']} {item['text']!r} cut at the edge")
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                # a legend row's entries are laid out by plotly itself; ticks of one axis never share a box
                if a["kind"] == b["kind"] == "legend":
                    continue
                if _overlap(a, b):
                    out.append(
                        f"chart {chart['i']}: {a['kind']} {a['text']!r} overlaps {b['kind']} {b['text']!r}"
                    )
    for i, table in enumerate(found["tables"]):
        if table["x"] < -1 or table["r"] > width + 1:
            out.append(f"table {i}: {table['x']:.0f}..{table['r']:.0f} px, wider than the screen")
    return out


# A missing translation shows its key ("overview.title") where the text should be.
KEYS = frozenset(i18n.catalog("en")) | frozenset(i18n.catalog("vi"))


def _untranslated_keys(text: str) -> list[str]:
    return sorted({word for word in re.findall(r"[a-z_]+(?:\.[a-z0-9_]+)+", text) if word in KEYS})


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


def _open(page, server: str, name: str, lang: str, *, by_menu: bool) -> None:
    """A page loaded from its address, or reached from the menu in the same session (the sidebar
    is open at desktop width); either way, until the DOM is still (plotly draws legends and labels
    after the first frame)."""
    if by_menu:
        go(
            page,
            page.locator('[data-testid="stSidebarNav"]').get_by_text(i18n.t(f"nav.{name}", lang), exact=True),
        )
        return
    page.goto(f"{server}/{'' if name == 'overview' else name}?lang={lang}")
    wait_idle(page)


def _shoot(page, path, width: int, height: int) -> None:
    full = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        f" return Math.max({height}, m ? m.scrollHeight : {height}); }}"
    )
    page.set_viewport_size({"width": width, "height": min(int(full) + 40, 9000)})
    wait_quiet(page)  # plotly lays the charts out again at the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": height})


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_at_desktop_and_phone_width(server, browser, size, lang):
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="vi-VN" if lang == "vi" else "en-GB",
        is_mobile=size == "phone",
        has_touch=size == "phone",
        device_scale_factor=1,
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    OUT.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    try:
        for i, name in enumerate(PUBLIC):
            # Desktop: the first page from its address, then the menu, as a reader moves on (a
            # full load per page took 1-2 s more each); phone: every page from its address, as a
            # link shared to a phone opens it, with the sidebar folded away.
            _open(page, server, name, lang, by_menu=size == "desktop" and i > 0)
            assert f"lang={lang}" in page.url or lang == "vi", f"{name}: the language was lost"
            assert page.locator('[data-testid="stException"]').count() == 0, f"{name} ({lang}, {size})"
            assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip(), f"{name}: no title"
            untranslated = _untranslated_keys(page.locator('[data-testid="stMain"]').inner_text())
            assert not untranslated, f"{name} ({lang}) shows untranslated keys {untranslated}"
            if size == "phone":
                # the checks run at the screen's own size, before the tall screenshot viewport
                bad = layout_problems(page.evaluate(LAYOUT_JS), width)
                if bad:
                    problems[name] = bad
            readme_page = size == "desktop" and lang == "vi" and name == "overview"
            if not (readme_page or ALL_SCREENSHOTS):
                continue
            shot = OUT / f"{name}_{lang}_{size}.png"
            _shoot(page, shot, width, height)
            # the whole page: the chart that proves the scorecard sits below the first screen
            if readme_page and _changed(shot, README_SHOT):
                README_SHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, README_SHOT)
    finally:
        context.close()
    assert not problems, "\n".join(f"{n}: {p}" for n, ps in problems.items() for p in ps[:6])


def test_the_layout_check_sees_a_cut_title_and_an_overlap():
    """The checker itself, on boxes as the DOM reports them."""
    chart = {
        "i": 0,
        "box": {"x": 0, "y": 0, "r": 390, "b": 400},
        "title": {"text": "t", "x": 0, "y": 0, "r": 380, "b": 20, "sw": 600, "cw": 380},
        "items": [
            {"kind": "legend", "text": "a", "x": 10, "y": 300, "r": 100, "b": 320},
            {"kind": "xtitle", "text": "b", "x": 50, "y": 310, "r": 150, "b": 330},
            {"kind": "note", "text": "c", "x": 300, "y": 10, "r": 450, "b": 30},
        ],
    }
    bad = layout_problems({"width": 390, "charts": [chart], "tables": []}, 390)
    assert any("title cut" in p for p in bad)
    assert any("overlaps" in p for p in bad)
    assert any("cut at the edge" in p for p in bad)
    fine = {**chart, "title": {**chart["title"], "sw": 380}, "items": chart["items"][:1]}
    assert layout_problems({"width": 390, "charts": [fine], "tables": []}, 390) == []


def test_the_key_check_sees_a_catalog_key_and_not_a_dotted_word():
    assert _untranslated_keys("Tổng quan overview.title (GAIRI 2025)") == ["overview.title"]
    assert _untranslated_keys("GAIRI 2025, e.g. v1.2, data.csv, www.oxfordinsights.com") == []
