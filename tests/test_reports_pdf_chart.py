"""The PDF's vector charts (metrics.reports.pdf_chart): where every bar, point and label lands."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from metrics.reports import ReportOptions, build_report, pdf, pdf_chart, style
from metrics.reports.model import Chart, Series, Table
from metrics.reports.pdf_chart import Box, Dot, Line, Text

W, H = pdf.CONTENT_W, pdf.CHART_H


def _measure(text: str, size: float, bold: bool) -> float:
    return len(text) * size * 0.18  # about Noto Sans' average glyph: enough for positions


def _chart(**kw) -> Chart:
    base = {
        "chart_id": "c",
        "title": "t",
        "kind": "line",
        "categories": ["2023", "2024", "2025"],
        "series": [Series(name="Việt Nam", values=[59.0, 51.0, 45.0], role="country")],
        "table": Table(table_id="c", title="", columns=["x"], rows=[]),
    }
    return Chart(**{**base, **kw})


def _texts(plot) -> dict[str, Text]:
    return {s.text: s for s in plot.shapes if isinstance(s, Text)}


def test_a_rank_axis_has_rank_one_at_the_top_and_whole_ticks():
    plot = pdf_chart.layout(_chart(y_reversed=True, number_format="0"), W, H, "vi", _measure)
    [line] = [s for s in plot.shapes if isinstance(s, Line) and len(s.points) == 3]
    ys = [y for _, y in line.points]
    assert ys[0] > ys[1] > ys[2]  # 59, 51, 45: each better rank drawn higher on the page
    ticks = [t for t in _texts(plot).values() if t.align == "R"]
    assert ticks and all(t.text.isdigit() for t in ticks)
    assert sorted(ticks, key=lambda t: t.y)[0].text == min((t.text for t in ticks), key=int)
    # and the same ranks the other way up without y_reversed
    plain = pdf_chart.layout(_chart(number_format="0"), W, H, "vi", _measure)
    [line] = [s for s in plain.shapes if isinstance(s, Line) and len(s.points) == 3]
    assert line.points[0][1] < line.points[2][1]


def test_a_missing_value_breaks_the_line_and_a_lone_value_is_still_drawn():
    series = Series(name="Ngưỡng", values=[10.0, None, 30.0, 40.0], role="threshold")
    plot = pdf_chart.layout(_chart(categories=list("abcd"), series=[series]), W, H, "vi", _measure)
    colour = style.ROLE_COLOURS["threshold"]
    runs = [s.points for s in plot.shapes if isinstance(s, Line) and s.colour == colour]
    assert [len(r) for r in runs] == [2]  # c-d joined; a stands alone: no line bridges b
    dots = [s for s in plot.shapes if isinstance(s, Dot)]
    assert len(dots) == 1 and dots[0].x < runs[0][0][0]  # a threshold has no markers, but a lone point shows


def test_bars_are_as_long_as_their_values_and_viet_nam_is_in_the_accent_colour():
    chart = _chart(
        kind="barh",
        categories=["Singapore", "Việt Nam", "Lào"],
        series=[Series(name="Điểm", values=[76.4, 60.0, 29.9], role="peer")],
        highlight="Việt Nam",
    )
    plot = pdf_chart.layout(chart, W, H, "vi", _measure)
    bars = {b.label: b for b in plot.shapes if isinstance(b, Box)}
    assert bars["Việt Nam"].colour == style.ACCENT
    assert bars["Singapore"].colour == bars["Lào"].colour == style.PEER
    assert bars["Singapore"].w / bars["Lào"].w == pytest.approx(76.4 / 29.9, rel=1e-6)
    assert bars["Singapore"].y < bars["Việt Nam"].y < bars["Lào"].y  # the first category on top
    assert "60,0" in _texts(plot) and "76,4" in _texts(plot)  # values with a decimal comma
    english = _texts(pdf_chart.layout(chart, W, H, "en", _measure))
    assert "60.0" in english


def test_gaps_are_coloured_by_their_sign_and_drawn_from_zero():
    chart = _chart(
        kind="bar",
        categories=["A", "B"],
        series=[Series(name="Khoảng cách", values=[2.5, -1.5])],
        colour_by_sign=True,
    )
    plot = pdf_chart.layout(chart, W, H, "vi", _measure)
    a, b = (next(s for s in plot.shapes if isinstance(s, Box) and s.label == k) for k in "AB")
    assert a.colour == style.POSITIVE and b.colour == style.NEGATIVE
    assert a.y + a.h == pytest.approx(b.y)  # both start at the zero line: A above it, B below
    assert a.h / b.h == pytest.approx(2.5 / 1.5)
    assert "−1,5" in _texts(plot)  # a true minus sign


def test_category_labels_never_overlap_however_many_there_are():
    years = [str(y) for y in range(1990, 2031)]
    chart = _chart(categories=years, series=[Series(name="x", values=[float(i) for i in range(len(years))])])
    plot = pdf_chart.layout(chart, W, H, "vi", _measure)
    labels = sorted((t for t in _texts(plot).values() if t.text in years), key=lambda t: t.x)
    assert 3 < len(labels) < len(years)
    for left, right in itertools.pairwise(labels):
        assert (
            left.x + _measure(left.text, left.size, False) / 2
            < right.x - _measure(right.text, right.size, False) / 2
        )


@pytest.mark.parametrize(
    ("values", "zero", "whole"),
    [
        ([18.4, 76.4], True, False),
        ([45, 76], False, True),
        ([-2200, -10], False, False),
        ([3, 3], False, False),
    ],
)
def test_a_value_axis_covers_its_values_with_evenly_spaced_ticks(values, zero, whole):
    axis = pdf_chart.value_axis(values, include_zero=zero, whole=whole, reversed_=False)
    assert axis.lo <= min(values) and axis.hi >= max(values)
    assert (axis.lo <= 0 <= axis.hi) or not zero
    steps = {round(b - a, 9) for a, b in itertools.pairwise(axis.ticks)}
    assert len(steps) == 1 and 3 <= len(axis.ticks) <= 8
    if whole:
        assert all(float(t).is_integer() for t in axis.ticks)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_chart_of_the_default_report_stays_inside_its_box(store, lang):
    """With the report's own fonts: no shape or word outside the chart's place on the page."""
    model = build_report(
        store, ReportOptions(lang=lang, meeting_date=dt.date(2026, 1, 15)), with_data_pack=False
    )
    doc = pdf._Pdf(model, pdf_chart.layout)
    charts = [c for s in model.sections for c in s.charts]
    assert charts
    for chart in charts:
        plot = pdf_chart.layout(chart, W, H, lang, doc._measure)
        for s in plot.shapes:
            if isinstance(s, Line):
                assert all(-0.01 <= x <= W + 0.01 and -0.01 <= y <= H + 0.01 for x, y in s.points), (
                    chart.chart_id
                )
            elif isinstance(s, Box):
                assert s.x >= -0.01 and s.x + s.w <= W + 0.01 and s.y >= -0.01 and s.y + s.h <= H + 0.01
            elif isinstance(s, Text) and not s.vertical:
                width = doc._measure(s.text, s.size, s.bold)
                left = s.x - {"L": 0, "C": width / 2, "R": width}[s.align]
                assert left >= -0.01 and left + width <= W + 0.5, (chart.chart_id, s.text)
                assert 0 <= s.y <= H + 0.01, (chart.chart_id, s.text)
