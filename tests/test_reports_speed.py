"""The PDF writer's shortcuts change nothing in the file: widths remembered per document, charts
drawn while the pages are laid out, the browser started while the model is built."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading

import pytest

from metrics.reports import ReportOptions, build_report, figures, pdf
from metrics.reports.model import Chart, ReportModel

MEETING = dt.date(2026, 1, 15)


def _no_images(charts: list[Chart], lang: str) -> dict[str, bytes | None]:
    return {c.chart_id: None for c in charts}


def _stable(data: bytes) -> bytes:
    """The PDF without what differs between two writes of one model (its dates and file id)."""
    data = re.sub(rb"/CreationDate \([^)]*\)", b"", data)
    return re.sub(rb"/ID \[[^\]]*\]", b"", data)


@pytest.fixture(scope="module")
def model(store) -> ReportModel:
    return build_report(store, ReportOptions(lang="vi", meeting_date=MEETING))


def test_remembered_widths_lay_out_the_same_pdf(model, monkeypatch):
    remembered = pdf.write(model, _no_images)
    monkeypatch.setattr(pdf, "_memoise_widths", lambda fonts: None)
    measured = pdf.write(model, _no_images)
    assert _stable(remembered) == _stable(measured)
    assert len(remembered) > 50_000  # a whole report, tables and all


def test_charts_are_drawn_on_another_thread_and_their_failure_is_the_writers(model):
    threads: list[threading.Thread] = []

    def render(charts: list[Chart], lang: str) -> dict[str, bytes | None]:
        threads.append(threading.current_thread())
        return _no_images(charts, lang)

    pdf.write(model, render)
    assert threads and threads[0] is not threading.main_thread()

    def broken(charts: list[Chart], lang: str) -> dict[str, bytes | None]:
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError, match="renderer bug"):
        pdf.write(model, broken)


class _FakeKaleido:
    def __init__(self) -> None:
        self.drawn = 0

    async def calc_fig(self, fig, opts):
        self.drawn += 1
        return b"png"

    async def close(self) -> None:
        return None


def test_a_browser_warmed_up_is_the_one_that_draws(monkeypatch):
    browser = figures._WarmBrowser()
    fake = _FakeKaleido()
    begun: list[int] = []

    def begin(self) -> None:  # what _begin does, with a fake browser in place of Chromium
        begun.append(1)
        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, daemon=True)
        self._thread.start()

        async def start():
            return fake

        self._starting = asyncio.run_coroutine_threadsafe(start(), loop)

    monkeypatch.setattr(figures._WarmBrowser, "_begin", begin)
    browser.warm_up()
    browser.warm_up()  # a second warm-up while it starts: still one browser
    assert begun == [1] and not browser.running
    assert browser.render([figures.go.Figure()]) == [b"png"]
    assert begun == [1] and browser.running and fake.drawn == 1
    browser.shutdown()
    assert not browser.running


def test_the_data_pack_is_built_only_for_an_xlsx(store):
    from metrics.auth import CLI_ACTOR
    from metrics.report_export import export_report

    options = ReportOptions(lang="en", meeting_date=MEETING, sections=("headline",))
    assert export_report(store, CLI_ACTOR, options, ("pptx",)).model.data_pack == []
    with_pack = export_report(store, CLI_ACTOR, options, ("pptx", "xlsx"))
    assert with_pack.model.data_pack and set(with_pack.files) == {"pptx", "xlsx"}


def test_one_reports_images_are_kaleidos_own_without_a_reload_per_image(model, monkeypatch):
    """The page is reloaded once per report, not after every image, and the images are the bytes
    kaleido makes when it reloads after each one (a kaleido whose tab hand-back is renamed would
    leave the override unused: the reload count says so)."""
    import kaleido
    from kaleido._kaleido_tab import _KaleidoTab

    figs = [figures.to_figure(c, model.lang) for s in model.sections for c in s.charts][:3]
    assert len(figs) == 3
    reloads: list[int] = []
    reload = _KaleidoTab.reload

    async def counted(self):
        reloads.append(1)
        await reload(self)

    monkeypatch.setattr(_KaleidoTab, "reload", counted)

    async def draw(cls: type, batches: int) -> list[list[bytes]]:
        k = cls(n=1, timeout=figures.IMAGE_TIMEOUT_S, mathjax=False)
        await k.open()
        try:
            out = []
            for batch in range(batches):
                if batch:
                    await k.fresh_pages()
                out.append(
                    [await k.calc_fig(f, opts={"format": "png", "scale": figures.SCALE}) for f in figs]
                )
            return out
        finally:
            await k.close()

    [stock] = asyncio.run(draw(kaleido.Kaleido, 1))
    assert len(reloads) == len(figs)  # kaleido's own: one reload per image
    reloads.clear()
    first, second = asyncio.run(draw(figures._kaleido_class(), 2))
    assert len(reloads) == 1  # ours: one, between the two reports
    assert first == stock and second == stock


def test_table_cells_copied_from_the_first_of_their_look_are_the_cells_python_pptx_makes():
    from lxml import etree
    from pptx import Presentation
    from pptx.util import Inches

    from metrics.reports import pptx as deck
    from metrics.reports import style

    texts = ["Việt Nam", "a\nb", "bell\x07 tab\t", "", "=1+1", "Việt Nam"]
    looks = [(11, True, style.WHITE, style.PRIMARY), (10, False, style.TEXT, style.LIGHT)]
    slide = Presentation().slides.add_slide(Presentation().slide_layouts[6])

    def table(fill) -> list[bytes]:
        grid = slide.shapes.add_table(len(texts), len(looks), 0, 0, Inches(4), Inches(4)).table
        for i, text in enumerate(texts):
            for j, look in enumerate(looks):
                fill(grid.cell(i, j), text, *look)
        return [etree.tostring(grid.cell(i, j)._tc) for i in range(len(texts)) for j in range(len(looks))]

    cells = deck._Cells()
    assert table(cells.fill) == table(deck._cell)
    assert b"bell_x0007_ tab\t" in b"".join(table(cells.fill))


def test_data_pack_cells_shared_between_equal_values_are_the_cells_made_afresh():
    from metrics.reports.datapack import _columns

    values = ["Việt Nam", "Vie\u0302\u0323t Nam", "", 1, True, 1.0, 0.0, -0.0, None, float("nan"), 2024]
    for value in values:
        for fmt, url in (("", ""), ("0", "https://example.org/a")):
            fresh = _columns._datum(value, fmt, url)
            assert _columns.datum(value, fmt, url) == fresh
            assert type(_columns.datum(value, fmt, url).value) is type(fresh.value)
    assert _columns.datum("x") is _columns.datum("x")  # shared
    assert _columns.datum(1).value is not True and _columns.datum(True).value is True
    assert _columns.datum(-0.0).text == "-0.0" and _columns.datum(0.0).text == "0.0"


def test_a_browser_for_one_report_closes_once_its_images_are_drawn(monkeypatch):
    """keep=False (the CLI): the browser is closing when render returns, and shutdown (at exit)
    waits for it; a later report starts a browser that is kept warm again."""
    closed: list[int] = []
    started: list[_FakeKaleido] = []

    class Closing(_FakeKaleido):
        async def close(self) -> None:
            await asyncio.sleep(0.2)  # render must not wait for this
            closed.append(1)

    def begin(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, daemon=True)
        self._thread.start()
        started.append(Closing())

        async def start():
            return started[-1]

        self._starting = asyncio.run_coroutine_threadsafe(start(), loop)

    monkeypatch.setattr(figures._WarmBrowser, "_begin", begin)
    browser = figures._WarmBrowser()
    browser.warm_up(keep=False)
    assert browser.render([figures.go.Figure()]) == [b"png"]
    assert not browser.running and closed == []  # closing, not waited for
    browser.shutdown()
    assert closed == [1]
    assert browser.render([figures.go.Figure()]) == [b"png"]  # a new browser, kept warm
    assert len(started) == 2 and browser.running
    browser.shutdown()
    assert closed == [1, 1] and not browser.running
