"""Chart images for the PDF: a report `Chart` -> plotly figure -> PNG through kaleido and Chromium.

One kaleido session (one browser, kept warm between reports) renders every chart of a report. Anything that goes wrong (no
Chromium, a crash, a hang) yields None for the chart, and the PDF shows the chart's table instead
with a note: a report is never lost because a picture could not be drawn.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from metrics.reports import style
from metrics.reports.model import Chart

log = logging.getLogger(__name__)

WIDTH, HEIGHT, SCALE = 1100, 520, 2
# Kaleido's per-image timeout, our waits for the browser to start and for a whole report's charts.
IMAGE_TIMEOUT_S = 30
START_TIMEOUT_S = 60
BATCH_TIMEOUT_S = 120
# The warm browser closes after this long without a report.
IDLE_S = 300


def _hex(colour: str) -> str:
    return f"#{colour}"


def to_figure(chart: Chart, lang: str = "vi", font_family: str = style.FONT_FAMILY) -> go.Figure:
    fig = go.Figure()
    roles = [s.role for s in chart.series]
    colours = [s.colour or c for s, c in zip(chart.series, style.series_colours(roles), strict=True)]
    if chart.kind == "line":
        for s, colour in zip(chart.series, colours, strict=True):
            fig.add_trace(
                go.Scatter(
                    x=chart.categories,
                    y=s.values,
                    name=s.name,
                    mode="lines+markers" if s.role in ("country", "peer") else "lines",
                    line={
                        "color": _hex(colour),
                        "width": 3 if s.role == "country" else 2,
                        "dash": "dash" if s.dashed else "solid",
                    },
                    marker={"size": 8},
                    connectgaps=False,
                )
            )
        fig.update_xaxes(type="category")
    else:
        horizontal = chart.kind == "barh"
        for s, colour in zip(chart.series, colours, strict=True):
            bar_colours = [
                _bar_colour(chart, cat, v, colour) for cat, v in zip(chart.categories, s.values, strict=True)
            ]
            text = [_label(v, chart.number_format, lang) for v in s.values]
            fig.add_trace(
                go.Bar(
                    x=s.values if horizontal else chart.categories,
                    y=chart.categories if horizontal else s.values,
                    orientation="h" if horizontal else "v",
                    name=s.name,
                    marker={"color": bar_colours},
                    text=text,
                    textposition="auto" if chart.colour_by_sign else "outside",
                    cliponaxis=False,
                )
            )
        if horizontal:
            fig.update_yaxes(autorange="reversed", type="category")
        else:
            fig.update_xaxes(type="category")
    if chart.y_reversed:
        fig.update_yaxes(autorange="reversed")
    value_axis = fig.update_xaxes if chart.kind == "barh" else fig.update_yaxes
    value_axis(
        title_text=chart.y_title, gridcolor=_hex(style.RULE), zerolinecolor=_hex(style.MUTED), showgrid=True
    )
    if chart.number_format == "0":
        # Ranks: whole numbers only on the axis.
        values = [v for s in chart.series for v in s.values if v is not None]
        span = (max(values) - min(values)) if values else 0
        value_axis(tickmode="linear", dtick=max(1, _nice_step(span / 6)), tickformat="d")
    fig.update_layout(
        template="simple_white",
        font={"family": font_family, "size": 15, "color": _hex(style.TEXT)},
        margin={"l": 70, "r": 40, "t": 30, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        showlegend=len(chart.series) > 1,
        width=WIDTH,
        height=HEIGHT,
        bargap=0.3,
        # Decimal comma in Vietnamese, as everywhere else in the report.
        separators=",." if lang == "vi" else ".,",
    )
    return fig


def _nice_step(raw: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if raw <= step:
            return step
    return int(raw)


def _bar_colour(chart: Chart, category: str, value: float | None, default: str) -> str:
    if chart.colour_by_sign and value is not None:
        return _hex(style.sign_colour(value))
    if chart.highlight and category == chart.highlight:
        return _hex(style.ACCENT)
    return _hex(style.PEER if chart.highlight else default)


def _label(value: float | None, number_format: str, lang: str) -> str:
    if value is None:
        return ""
    decimals = len(number_format.split(".")[1]) if "." in number_format else 0
    text = f"{value:.{decimals}f}".replace("-", "−")
    return text.replace(".", ",") if lang == "vi" else text


class _WarmBrowser:
    """One kaleido (one Chromium) on a background event loop, shared by every report of the process.

    The first report starts it (a few seconds); later reports reuse it, so a PDF after the app's
    first one costs the drawing only. It closes after IDLE_S seconds without use and at exit. Any
    failure closes it and is retried once with a fresh browser; after that the charts come back as
    None and the PDF shows tables.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None  # a kaleido.Kaleido (the library has no type information)
        self._starting: concurrent.futures.Future | None = None  # the browser on its way up
        self._timer: threading.Timer | None = None
        self._drawn = False  # the running browser's page has drawn a report's charts
        self._keep = True  # False: close the browser once its images are drawn (see warm_up)
        self._closing: concurrent.futures.Future | None = None  # a browser closing in the background
        atexit.register(self.shutdown)

    def render(self, figures: list[go.Figure]) -> list[bytes | None]:
        with self._lock:
            for attempt in (1, 2):
                try:
                    loop = self._loop
                    if self._kaleido is None or loop is None:
                        loop = self._open()
                    future = asyncio.run_coroutine_threadsafe(self._render_all(figures), loop)
                    images = future.result(timeout=BATCH_TIMEOUT_S)
                    if self._keep:
                        self._arm_idle_timer()
                    else:
                        self._close_in_background()
                    return images
                except Exception as exc:  # no browser, crash, hang: retry, then tables
                    log.warning("chart images failed (attempt %d): %r", attempt, exc)
                    self._close()
            return [None] * len(figures)

    def warm_up(self, keep: bool = True) -> None:
        """Start the browser now, without waiting for it: a PDF is on its way (its model is being
        built), and Chromium's start-up then overlaps that work instead of following it.

        keep=False: a process that writes this one report (the CLI). The browser then closes as
        soon as the report's images are drawn, in the background while the PDF is laid out,
        instead of at exit, where the process would wait for it."""
        with self._lock:
            self._keep = keep
            if self._loop is None:
                self._begin()
                self._arm_idle_timer()  # a browser warmed up for nothing still closes

    def shutdown(self) -> None:
        with self._lock:
            closing, self._closing = self._closing, None
            if closing is not None:
                with contextlib.suppress(Exception):
                    closing.result(timeout=20)
            self._close()

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def _begin(self) -> None:
        """The event loop on its thread and the browser's start submitted to it (not awaited)."""

        async def start():
            # mathjax=False: never fetch MathJax from a CDN (the server may be offline).
            k = _kaleido_class()(n=1, timeout=IMAGE_TIMEOUT_S, mathjax=False)
            await k.open()
            return k

        loop = self._loop = asyncio.new_event_loop()

        def run() -> None:
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="report-charts", daemon=True)
        self._thread.start()
        self._starting = asyncio.run_coroutine_threadsafe(start(), loop)

    def _open(self) -> asyncio.AbstractEventLoop:
        """The running browser's loop: started here, or by warm_up, waited for here."""
        if self._loop is None or self._starting is None:
            self._begin()
        assert self._loop is not None and self._starting is not None
        self._kaleido = self._starting.result(timeout=START_TIMEOUT_S)
        self._starting = None
        return self._loop

    async def _render_all(self, figures: list[go.Figure]) -> list[bytes | None]:
        if self._drawn:  # the page drew an earlier report's charts: a fresh page for this one
            await self._kaleido.fresh_pages()
        self._drawn = True
        out: list[bytes | None] = []
        for fig in figures:
            try:
                out.append(await self._kaleido.calc_fig(fig, opts={"format": "png", "scale": SCALE}))
            except Exception as exc:  # one bad chart must not cost the others
                log.warning("chart image failed: %r", exc)
                out.append(None)
        return out

    def _arm_idle_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(IDLE_S, self._close_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _close_if_idle(self) -> None:
        if self._lock.acquire(blocking=False):  # busy rendering: not idle
            try:
                self._close()
            finally:
                self._lock.release()

    def _close_in_background(self) -> None:
        """Close the browser without waiting for it (shutdown waits, at exit); the next report
        would start another."""
        loop, k = self._loop, self._kaleido
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._loop = self._thread = self._kaleido = self._starting = None
        self._drawn, self._keep = False, True
        if loop is None or k is None:
            return
        self._closing = asyncio.run_coroutine_threadsafe(k.close(), loop)
        self._closing.add_done_callback(lambda _: loop.call_soon_threadsafe(loop.stop))

    def _close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        loop, k, starting = self._loop, self._kaleido, self._starting
        self._loop = self._thread = self._kaleido = self._starting = None
        self._drawn = False
        if loop is None:
            return
        if k is None and starting is not None:  # warmed up, never used: close what started
            with contextlib.suppress(Exception):
                k = starting.result(timeout=START_TIMEOUT_S)
        if k is not None:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(timeout=20)
        loop.call_soon_threadsafe(loop.stop)


def _kaleido_class() -> type:
    """kaleido.Kaleido, except that its page is reloaded once per report instead of after every
    image. Kaleido reloads the page (plotly.js parsed again: about 0.4 s of the browser's CPU) each
    time it hands a tab back; a report's five charts then cost five reloads, most of their drawing
    time. The images do not need it (kaleido's `Plotly.toImage` of a figure spec draws in a div of
    its own and purges it); the page is still renewed, by `fresh_pages`, before the next report's
    charts in a warm browser. `_return_kaleido_tab` is kaleido's (1.5.0, pinned in
    requirements.txt); tests/test_reports_speed.py checks that the images are the same."""
    import kaleido  # local: only PDF reports need a browser

    class _ReportKaleido(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab: Any) -> None:
            await self.tabs_ready.put(tab)  # no reload: see above

        async def fresh_pages(self) -> None:
            """Reload every page (tab), as kaleido does after each image."""
            tabs = [self.tabs_ready.get_nowait() for _ in range(self.tabs_ready.qsize())]
            try:
                await asyncio.gather(*(tab.reload() for tab in tabs))
            finally:
                for tab in tabs:
                    self.tabs_ready.put_nowait(tab)

    return _ReportKaleido


_browser = _WarmBrowser()


def render_png(charts: Sequence[Chart], lang: str = "vi") -> dict[str, bytes | None]:
    """PNG bytes per chart id, in one kaleido session; None where an image could not be made."""
    if not charts:
        return {}
    images = _browser.render([to_figure(c, lang) for c in charts])
    return {c.chart_id: img for c, img in zip(charts, images, strict=True)}


def warm_up(keep: bool = True) -> None:
    """Start the browser in the background for a PDF about to be written (see _WarmBrowser);
    keep=False closes it once the PDF's images are drawn (a process writing one report)."""
    _browser.warm_up(keep)


def shutdown() -> None:
    """Close the warm browser now (tests, benchmarks, or a server going down)."""
    _browser.shutdown()
