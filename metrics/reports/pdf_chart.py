"""A report `Chart` drawn in the PDF as vector graphics: lines, bars, axes and text in the report's
own fonts, crisp at any zoom, its words selectable and searchable.

Why not a picture: the charts were PNGs drawn by plotly in a headless Chromium (kaleido), which cost
a PDF about 2.5 s of CPU to start the browser, made the PDF depend on a browser on the server, and
drew the text in whatever fonts that machine had. The PPTX draws the same `Chart` natively too.

Two steps, so nothing is half-drawn: `layout()` turns a chart into a list of shapes in millimetres
(pure: every position is computed, and tests read them), then `paint()` puts them on the page. A
chart whose layout fails raises before anything is drawn, and the PDF shows its table instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from metrics.present import format as fmt
from metrics.reports import style
from metrics.reports.model import Chart, nfc

# (text, size in pt, bold) -> width in mm, from the document's own fonts.
Measure = Callable[[str, float, bool], float]

TICK_PT = 7.5
LABEL_PT = 7.0
LEGEND_PT = 7.5
PT_MM = 0.3528  # one point in millimetres
LEGEND_ROW = 4.6
CATEGORY_LABEL_MAX = 48.0  # mm: a longer country or category name is cut with an ellipsis
GAP = 0.3  # share of a category's band left empty between bar groups (as the app's charts)


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float = 0.3
    dashed: bool = False


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    colour: str
    label: str = ""  # what the box stands for (a category's bar), for tests and debugging


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    colour: str


@dataclass(frozen=True)
class Text:
    x: float  # the anchor: left edge, centre or right edge by `align`
    y: float  # the baseline
    text: str
    size: float
    colour: str = style.TEXT
    align: str = "L"  # L, C or R
    vertical: bool = False  # read bottom to top (the value axis' title)
    bold: bool = False


Shape = Line | Box | Dot | Text


@dataclass(frozen=True)
class Axis:
    """A value axis: its range, its ticks, and which end is at the top (or the right)."""

    lo: float
    hi: float
    ticks: tuple[float, ...]
    decimals: int
    reversed: bool = False  # ranks: 1 at the top

    def at(self, value: float, start: float, length: float) -> float:
        """The position of `value` on a span from `start` (the bottom or the left) of `length`;
        a vertical span grows downwards on the page, so the caller passes start = bottom and a
        negative length."""
        share = (value - self.lo) / (self.hi - self.lo)
        return start + length * ((1 - share) if self.reversed else share)


@dataclass
class Plot:
    """The shapes of one chart and where its plotting area lies (for tests)."""

    shapes: list[Shape] = field(default_factory=list)
    area: tuple[float, float, float, float] = (0, 0, 0, 0)  # x, y, w, h


def nice_step(span: float, target: int = 5, whole: bool = False) -> float:
    """A tick step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals."""
    if span <= 0:
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power * 1.0000001:
            step = m * power
            break
    if whole:
        step = max(1.0, round(step)) if step >= 1 else 1.0
    return step


def value_axis(values: Sequence[float], *, include_zero: bool, whole: bool, reversed_: bool) -> Axis:
    """The axis of `values`: whole ticks for ranks and counts shown as "0", zero kept for bars."""
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, whole=whole)
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    if not include_zero:
        # a little air beyond the data, so the first and last points are not on the frame
        if start == lo:
            start -= step / 2 if not whole else step
        if end == hi:
            end += step / 2 if not whole else step
    ticks = []
    k = math.ceil(start / step - 1e-9)
    while k * step <= end + 1e-9:
        ticks.append(round(k * step, 10))
        k += 1
    decimals = 0  # as many places as the step needs (2.5 -> 1, 0.25 -> 2), none for whole ticks
    while not whole and decimals < 4 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    return Axis(lo=start, hi=end, ticks=tuple(ticks), decimals=decimals, reversed=reversed_)


def _decimals(number_format: str) -> int:
    return len(number_format.split(".")[1]) if "." in number_format else 0


def value_text(value: float, number_format: str, lang: str) -> str:
    """A bar's value as the report writes numbers (decimal comma in Vietnamese, a true minus)."""
    text = fmt.num(value, lang, _decimals(number_format))
    return text.replace("-", fmt.MINUS)


def _fit(text: str, width: float, size: float, measure: Measure) -> str:
    if measure(text, size, False) <= width:
        return text
    while text and measure(text + "…", size, False) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _series_colours(chart: Chart) -> list[str]:
    roles = [s.role for s in chart.series]
    return [s.colour or c for s, c in zip(chart.series, style.series_colours(roles), strict=True)]


def _legend(chart: Chart, colours: list[str], x: float, y: float, w: float, measure: Measure) -> list[Shape]:
    """One entry per series (a sample of its line or bar, then its name), wrapped to width `w`."""
    shapes: list[Shape] = []
    cx, cy = x, y
    for s, colour in zip(chart.series, colours, strict=True):
        name = _fit(s.name, w - 10, LEGEND_PT, measure)
        entry = 8 + measure(name, LEGEND_PT, False) + 5
        if cx > x and cx + entry > x + w:
            cx, cy = x, cy + LEGEND_ROW
        mid = cy - LEGEND_PT * PT_MM * 0.35
        if chart.kind == "line":
            shapes.append(Line(((cx, mid), (cx + 6, mid)), colour, _line_width(s.role), s.dashed))
            if _has_markers(s.role):
                shapes.append(Dot(cx + 3, mid, 0.8, colour))
        else:
            shapes.append(Box(cx, mid - 1.3, 2.6, 2.6, colour))
        shapes.append(Text(cx + 8, cy, name, LEGEND_PT, style.TEXT))
        cx += entry
    return shapes


def _legend_rows(chart: Chart, w: float, measure: Measure) -> int:
    if len(chart.series) < 2:
        return 0
    rows, cx = 1, 0.0
    for s in chart.series:
        entry = 8 + measure(_fit(s.name, w - 10, LEGEND_PT, measure), LEGEND_PT, False) + 5
        if cx > 0 and cx + entry > w:
            rows, cx = rows + 1, 0.0
        cx += entry
    return rows


def _line_width(role: str) -> float:
    return 0.6 if role == "country" else 0.4


def _has_markers(role: str) -> bool:
    return role in ("country", "peer")


def _values(chart: Chart) -> list[float]:
    return [v for s in chart.series for v in s.values if v is not None and math.isfinite(v)]


def layout(chart: Chart, w: float, h: float, lang: str, measure: Measure) -> Plot:
    """The chart's shapes in a box of w x h mm with its top-left corner at (0, 0)."""
    if chart.kind == "barh":
        return _barh(chart, w, h, lang, measure)
    return _columns(chart, w, h, lang, measure)


def _columns(chart: Chart, w: float, h: float, lang: str, measure: Measure) -> Plot:
    """A line chart or vertical bars: categories along the bottom, values up the left."""
    bars = chart.kind == "bar"
    whole = chart.number_format == "0"
    axis = value_axis(_values(chart), include_zero=bars, whole=whole, reversed_=chart.y_reversed)
    ticks = [fmt.num(t, lang, axis.decimals).replace("-", fmt.MINUS) for t in axis.ticks]
    colours = _series_colours(chart)
    left = max((measure(t, TICK_PT, False) for t in ticks), default=0) + 2.5
    if chart.y_title:
        left += TICK_PT * PT_MM + 2.5
    top, right = 5.0, 4.0
    legend_rows = _legend_rows(chart, w - left - right, measure)
    bottom = 7.0 + (legend_rows * LEGEND_ROW + 2 if legend_rows else 0)
    ax, ay, aw, ah = left, top, w - left - right, h - top - bottom
    plot = Plot(area=(ax, ay, aw, ah))
    out = plot.shapes
    base = ay + ah
    for t, text in zip(axis.ticks, ticks, strict=True):
        y = axis.at(t, base, -ah)
        out.append(Line(((ax, y), (ax + aw, y)), style.RULE, 0.2))
        out.append(Text(ax - 1.5, y + TICK_PT * PT_MM * 0.35, text, TICK_PT, style.MUTED, "R"))
    out.append(Line(((ax, ay), (ax, base)), style.MUTED, 0.25))
    if chart.y_title:
        out.append(Text(1.0 + TICK_PT * PT_MM, ay + ah / 2, chart.y_title, TICK_PT, style.MUTED, "C", True))
    n = max(len(chart.categories), 1)
    band = aw / n
    # every k-th category label, so that labels never overlap
    widest = max((measure(c, TICK_PT, False) for c in chart.categories), default=0) + 1.5
    every = max(1, math.ceil(widest / band))
    for i, cat in enumerate(chart.categories):
        if i % every == 0:
            out.append(Text(ax + band * (i + 0.5), base + 4.2, cat, TICK_PT, style.MUTED, "C"))
    zero = axis.at(min(max(0.0, axis.lo), axis.hi), base, -ah)
    if bars:
        out.extend(_vertical_bars(chart, colours, axis, ax, base, band, ah, zero, lang, measure))
    else:
        out.extend(_lines(chart, colours, axis, ax, base, band, ah))
    if axis.lo < 0 < axis.hi:
        out.append(Line(((ax, zero), (ax + aw, zero)), style.MUTED, 0.3))
    out.extend(_legend(chart, colours, ax, base + 9.5, aw, measure) if legend_rows else [])
    return plot


def _lines(
    chart: Chart, colours: list[str], axis: Axis, ax: float, base: float, band: float, ah: float
) -> list[Shape]:
    """Each series as lines between neighbouring values, broken where a value is missing (a gap
    is not bridged: an edition without a figure stays visible as one); a point alone is a dot."""
    out: list[Shape] = []
    for s, colour in zip(chart.series, colours, strict=True):
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(s.values):
            if v is None or not math.isfinite(v):
                runs.append([])
                continue
            runs[-1].append((ax + band * (i + 0.5), axis.at(v, base, -ah)))
        for run in runs:
            if len(run) > 1:
                out.append(Line(tuple(run), colour, _line_width(s.role), s.dashed))
            for x, y in run:
                if _has_markers(s.role) or len(run) == 1:
                    out.append(Dot(x, y, 0.9 if s.role == "country" else 0.7, colour))
    return out


def _vertical_bars(
    chart: Chart,
    colours: list[str],
    axis: Axis,
    ax: float,
    base: float,
    band: float,
    ah: float,
    zero: float,
    lang: str,
    measure: Measure,
) -> list[Shape]:
    out: list[Shape] = []
    k = max(len(chart.series), 1)
    width = band * (1 - GAP) / k
    for j, (s, colour) in enumerate(zip(chart.series, colours, strict=True)):
        for i, (cat, v) in enumerate(zip(chart.categories, s.values, strict=True)):
            if v is None or not math.isfinite(v):
                continue
            x = ax + band * i + band * GAP / 2 + width * j
            y = axis.at(v, base, -ah)
            out.append(
                Box(x, min(y, zero), width, abs(zero - y), style.bar_colour(chart, cat, v, colour), cat)
            )
            label = value_text(v, chart.number_format, lang)
            ly = y - 1.2 if v >= 0 else y + LABEL_PT * PT_MM + 1.0
            out.append(Text(x + width / 2, ly, label, LABEL_PT, style.TEXT, "C"))
    return out


def _barh(chart: Chart, w: float, h: float, lang: str, measure: Measure) -> Plot:
    """Horizontal bars: the first category at the top (a ranking reads downwards), values along
    the bottom, each bar's value written beyond its end."""
    whole = chart.number_format == "0"
    axis = value_axis(_values(chart), include_zero=True, whole=whole, reversed_=False)
    ticks = [fmt.num(t, lang, axis.decimals).replace("-", fmt.MINUS) for t in axis.ticks]
    colours = _series_colours(chart)
    names = [_fit(c, CATEGORY_LABEL_MAX, TICK_PT, measure) for c in chart.categories]
    labels = [
        value_text(v, chart.number_format, lang) for s in chart.series for v in s.values if v is not None
    ]
    left = max((measure(n, TICK_PT, False) for n in names), default=0) + 2.5
    right = max((measure(t, LABEL_PT, False) for t in labels), default=0) + 3
    top = 2.0
    legend_rows = _legend_rows(chart, w - left - right, measure)
    bottom = 7.0 + (5.0 if chart.y_title else 0) + (legend_rows * LEGEND_ROW + 2 if legend_rows else 0)
    ax, ay, aw, ah = left, top, w - left - right, h - top - bottom
    plot = Plot(area=(ax, ay, aw, ah))
    out = plot.shapes
    base = ay + ah
    for t, text in zip(axis.ticks, ticks, strict=True):
        x = axis.at(t, ax, aw)
        out.append(Line(((x, ay), (x, base)), style.RULE, 0.2))
        out.append(Text(x, base + 4.2, text, TICK_PT, style.MUTED, "C"))
    out.append(Line(((ax, base), (ax + aw, base)), style.MUTED, 0.25))
    if chart.y_title:
        out.append(Text(ax + aw / 2, base + 9.0, chart.y_title, TICK_PT, style.MUTED, "C"))
    n = max(len(chart.categories), 1)
    band = ah / n
    k = max(len(chart.series), 1)
    thick = band * (1 - GAP) / k
    zero = axis.at(0.0, ax, aw)
    for i, name in enumerate(names):
        out.append(
            Text(ax - 1.5, ay + band * (i + 0.5) + TICK_PT * PT_MM * 0.35, name, TICK_PT, style.TEXT, "R")
        )
    for j, (s, colour) in enumerate(zip(chart.series, colours, strict=True)):
        for i, (cat, v) in enumerate(zip(chart.categories, s.values, strict=True)):
            if v is None or not math.isfinite(v):
                continue
            y = ay + band * i + band * GAP / 2 + thick * j
            x = axis.at(v, ax, aw)
            out.append(
                Box(min(x, zero), y, abs(x - zero), thick, style.bar_colour(chart, cat, v, colour), cat)
            )
            label = value_text(v, chart.number_format, lang)
            mid = y + thick / 2 + LABEL_PT * PT_MM * 0.35
            if v >= 0:
                out.append(Text(x + 1.0, mid, label, LABEL_PT, style.TEXT, "L"))
            else:
                out.append(Text(x - 1.0, mid, label, LABEL_PT, style.TEXT, "R"))
    out.extend(
        _legend(chart, colours, ax, base + bottom - legend_rows * LEGEND_ROW, aw, measure)
        if legend_rows
        else []
    )
    return plot


def paint(pdf: Any, plot: Plot, x: float, y: float, family: str, fallback: str) -> None:
    """Put the shapes on `pdf` (an fpdf2 FPDF) with the chart's top-left corner at (x, y); a glyph
    `family` lacks (Noto Sans has no minus sign) is drawn in `fallback`."""
    for shape in plot.shapes:
        if isinstance(shape, Line):
            pdf.set_draw_color(*style.rgb(shape.colour))
            pdf.set_line_width(shape.width)
            pdf.set_dash_pattern(dash=1.6, gap=1.0) if shape.dashed else pdf.set_dash_pattern()
            pdf.polyline([(x + px, y + py) for px, py in shape.points])
        elif isinstance(shape, Box):
            pdf.set_fill_color(*style.rgb(shape.colour))
            pdf.rect(x + shape.x, y + shape.y, shape.w, shape.h, style="F")
        elif isinstance(shape, Dot):
            pdf.set_fill_color(*style.rgb(shape.colour))
            pdf.circle(x + shape.x, y + shape.y, shape.r, style="F")
        else:
            _paint_text(pdf, shape, x, y, family, fallback)
    pdf.set_dash_pattern()


def _runs(pdf: Any, text: str, family: str, fallback: str, style_: str) -> list[tuple[str, str]]:
    """(family, text) runs: fpdf2's `text()` does not fall back to another font by itself."""
    pdf.set_font(family, style_)
    have = pdf.current_font.cmap
    if all(ord(ch) in have for ch in text):
        return [(family, text)]
    runs: list[tuple[str, str]] = []
    for ch in text:
        fam = family if ord(ch) in have else fallback
        if runs and runs[-1][0] == fam:
            runs[-1] = (fam, runs[-1][1] + ch)
        else:
            runs.append((fam, ch))
    return runs


def draw_text(
    pdf: Any, x: float, baseline: float, text: str, family: str, fallback: str, style_: str
) -> float:
    """`text` from x on `baseline` at the current size (and colour), each glyph `family` lacks in
    `fallback`; returns its width. The PDF's tables write their lines with it too."""
    size = pdf.font_size_pt
    runs = _runs(pdf, text, family, fallback, style_)
    pos = x
    for fam, part in runs:
        pdf.set_font(fam, style_ if fam == family else "", size)
        pdf.text(pos, baseline, part)
        pos += pdf.get_string_width(part)
    if runs and runs[-1][0] != family:
        pdf.set_font(family, style_, size)
    return pos - x


def _width(pdf: Any, text: str, family: str, fallback: str, style_: str, size: float) -> float:
    total = 0.0
    for fam, part in _runs(pdf, text, family, fallback, style_):
        pdf.set_font(fam, style_ if fam == family else "", size)
        total += pdf.get_string_width(part)
    return total


def _paint_text(pdf: Any, t: Text, x: float, y: float, family: str, fallback: str) -> None:
    style_ = "B" if t.bold else ""
    text = nfc(t.text)
    width = _width(pdf, text, family, fallback, style_, t.size)
    pdf.set_font(family, style_, t.size)
    pdf.set_text_color(*style.rgb(t.colour))
    shift = {"L": 0.0, "C": width / 2, "R": width}[t.align]
    at_x, at_y = x + t.x, y + t.y
    with pdf.rotation(90 if t.vertical else 0, at_x, at_y):
        draw_text(pdf, at_x - shift, at_y, text, family, fallback, style_)
