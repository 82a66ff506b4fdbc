"""Figure builders: the words given appear (title, axes, source), the theme and palette are applied,
rank axes point the right way, breaks and thresholds are drawn, Vietnamese gets a decimal comma."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from metrics import charts

LABELS = charts.Labels(title="Việt Nam tụt hạng", x="Kỳ", y="Hạng", source="Nguồn: Oxford Insights")


def _rank_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"edition_year": [2021, 2022, 2023, 2025], "rank": [62, 55, 59, 45], "hover": ["a", "b", "c", "d"]}
    )


def _annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def _common_checks(fig: go.Figure, lang: str = "vi") -> None:
    assert fig.layout.title.text == LABELS.title
    assert "Nguồn: Oxford Insights" in _annotations(fig)
    assert fig.layout.separators == (",." if lang == "vi" else ".,")
    assert list(fig.layout.template.layout.colorway) == charts.COLORWAY
    assert fig.layout.template.layout.font.size >= 16  # projector


def test_okabe_ito_palette_is_the_colorway():
    assert set(charts.COLORWAY) <= set(charts.OKABE_ITO.values())
    assert charts.FOCUS == "#D55E00"


def test_rank_history_reversed_axis_thresholds_and_breaks():
    fig = charts.rank_history(
        _rank_frame(),
        LABELS,
        "vi",
        thresholds={"Top 60": 60, "Top 50": 50},
        breaks=[(2024.5, "Khung mới")],
        hover_col="hover",
    )
    _common_checks(fig)
    low, high = fig.layout.yaxis.range
    assert low > high  # rank 1 at the top
    assert low >= 62
    assert fig.layout.xaxis.title.text == "Kỳ" and fig.layout.yaxis.title.text == "Hạng"
    hlines = [s.y0 for s in fig.layout.shapes if s.y0 == s.y1 and s.yref == "y"]
    assert sorted(hlines) == [50, 60]
    vlines = [s.x0 for s in fig.layout.shapes if s.x0 == s.x1]
    assert vlines == [2024.5]
    # the break and the target lines are named in the legend under the plot, not over the data
    named = {s.name for s in fig.layout.shapes if s.showlegend}
    assert named == {"Khung mới", "Top 60", "Top 50"}
    legend = fig.layout.template.layout.legend
    assert fig.layout.showlegend and legend.yref == "container" and legend.y == 0
    assert list(fig.data[0].text) == ["62", "55", "59", "45"]


def test_series_breaks_between_editions():
    assert charts.series_breaks([2019, 2020, 2024, 2025], ["a", "b", "b", "c"]) == [2019.5, 2024.5]
    assert charts.series_breaks([2021, 2022], ["x", "x"]) == []


def test_score_projection_draws_bands_to_the_target_year():
    history = pd.DataFrame(
        {"edition_year": [2022, 2023, 2024], "score": [50, 54, 56], "threshold": [55, 56, 57]}
    )
    proj = {
        "start_year": 2024,
        "target_year": 2030,
        "start_country": 56,
        "country_score": 66,
        "country_low": 60,
        "country_high": 72,
        "start_threshold": 57,
        "threshold": 63,
        "threshold_low": 61,
        "threshold_high": 65,
    }
    fig = charts.score_projection(
        history,
        LABELS,
        "en",
        country_name="Viet Nam",
        threshold_name="T50",
        projection=proj,
        projection_names=("VN trend", "T50 trend"),
    )
    _common_checks(fig, "en")
    bands = [tr for tr in fig.data if tr.fill == "toself"]
    assert len(bands) == 2
    country_band = next(b for b in bands if 72 in b.y)
    assert list(country_band.x) == [2024, 2030, 2030, 2024]
    assert 2030 in fig.layout.xaxis.tickvals
    names = [tr.name for tr in fig.data]
    assert {"Viet Nam", "T50", "VN trend", "T50 trend"} <= set(names)


def test_bump_chart_highlights_the_focus_country_on_top():
    frame = pd.DataFrame(
        {
            "edition_year": [2022, 2022, 2023, 2023],
            "name": ["Việt Nam", "Thái Lan", "Việt Nam", "Thái Lan"],
            "group_rank": [2, 1, 1, 2],
        }
    )
    fig = charts.bump_chart(frame, LABELS, "vi", focus="Việt Nam", target_rank=1, target_label="Top 1")
    _common_checks(fig)
    assert fig.data[-1].name == "Việt Nam"  # drawn last, above others
    assert fig.data[-1].line.width > fig.data[0].line.width
    assert fig.data[-1].line.color == charts.FOCUS
    low, high = fig.layout.yaxis.range
    assert low > high


def test_radar_closes_each_polygon():
    frame = pd.DataFrame(
        {"name": ["Việt Nam", "Malaysia"], "Chính phủ": [70.0, 80.0], "Dữ liệu": [60.0, 65.0]}
    )
    fig = charts.radar(frame, LABELS, "vi", focus="Việt Nam")
    _common_checks(fig)
    vn = next(tr for tr in fig.data if tr.name == "Việt Nam")
    assert list(vn.r) == [70.0, 60.0, 70.0]
    assert list(vn.theta) == ["Chính phủ", "Dữ liệu", "Chính phủ"]


def test_gap_bars_sign_sets_colour_and_pattern():
    frame = pd.DataFrame({"label": ["A", "B", "C"], "gap": [2.0, -3.5, None], "txt": ["+2,0", "-3,5", ""]})
    fig = charts.gap_bars(frame, LABELS, "vi", value_text="txt")
    _common_checks(fig)
    bar = fig.data[0]
    assert list(bar.y) == ["B", "A"]  # reversed so the first row is at the top; missing gaps dropped
    assert list(bar.marker.color) == [charts.NEGATIVE, charts.POSITIVE]
    assert list(bar.marker.pattern.shape) == ["/", ""]
    assert list(bar.text) == ["-3,5", "+2,0"]


@pytest.mark.parametrize("reverse", [True, False])
def test_multi_line_one_trace_per_series(reverse):
    frame = pd.DataFrame(
        {
            "edition_year": [2021, 2022, 2021, 2022],
            "index": ["GAIRI", "GAIRI", "GII", "GII"],
            "pct": [60, 62, 50, 55],
        }
    )
    fig = charts.multi_line(
        frame, LABELS, "en", series_col="index", y_col="pct", reverse_y=reverse, hline=(50, "x")
    )
    _common_checks(fig, "en")
    assert [tr.name for tr in fig.data] == ["GAIRI", "GII"]
    assert (fig.layout.yaxis.autorange == "reversed") is reverse


def test_compare_bars_groups():
    frame = pd.DataFrame({"pillar": ["P1", "P2"], "vn": [1, 2], "top": [3, 4]})
    fig = charts.compare_bars(
        frame, LABELS, "vi", series=[("vn", "VN"), ("top", "Top 4")], category_col="pillar"
    )
    _common_checks(fig)
    assert fig.layout.barmode == "group"
    assert [tr.name for tr in fig.data] == ["VN", "Top 4"]


def test_long_titles_wrap_within_the_figure_from_its_left_edge():
    long = (
        'The widest shortfall is in "Policy Vision" (−30.0 points against the Top 50 in the world threshold)'
    )
    frame = pd.DataFrame({"label": ["a", "b"], "gap": [1.0, -2.0]})
    fig = charts.gap_bars(frame, charts.Labels(title=long, x="x"), "en")
    title = fig.layout.title
    lines = title.text.split("<br>")
    assert len(lines) > 1 and all(len(line) <= charts.TITLE_CHARS for line in lines)
    assert " ".join(lines) == long  # no word lost
    # anchored to the figure, not the plot area that long bar names push to the right
    assert title.xref == "container" and title.x < 0.05
    narrow = charts.gap_bars(frame, charts.Labels(title=long, title_chars=40), "vi")
    assert all(len(line) <= 40 for line in narrow.layout.title.text.split("<br>"))


def test_rank_history_point_labels_from_a_column():
    frame = pd.DataFrame(
        {"edition_year": [2023, 2025], "rank": [59, 45], "label": ["59 (ASEAN: 5)", "45 (ASEAN: 4)"]}
    )
    fig = charts.rank_history(frame, charts.Labels(title="t"), "en", text_col="label", height=380)
    # the long label at the last point only: seven of them overlapped at 390 px
    assert list(fig.data[0].text) == ["59", "45 (ASEAN: 4)"]
    assert fig.layout.height == 380


def test_for_page_takes_the_title_and_source_out_and_keeps_the_plot_area():
    fig = charts.rank_history(
        _rank_frame(), LABELS, "vi", thresholds={"Top 60": 60}, breaks=[(2024.5, "Khung mới")]
    )
    title, page = charts.for_page(fig)
    assert title == LABELS.title
    assert not page.layout.title.text
    assert "Nguồn: Oxford Insights" not in _annotations(page)  # printed under the chart by the page
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert page.layout.height - page.layout.margin.t - page.layout.margin.b == plot + 70
    assert fig.layout.title.text == LABELS.title  # the builder's figure is left as it was


def test_long_names_wrap_on_the_axis_but_keep_their_value():
    long = "Cung cấp dịch vụ chính phủ điện tử"
    frame = pd.DataFrame({"label": [long, "B"], "gap": [1.0, -2.0], "txt": ["+1", "−2"]})
    fig = charts.gap_bars(frame, LABELS, "vi", value_text="txt")
    assert list(fig.data[0].y) == ["B", long]  # the category itself is whole
    assert "<br>" in fig.layout.yaxis.ticktext[1]
    numbers = fig.data[1]  # drawn right of each bar's end or of zero, away from the names
    assert list(numbers.x) == [0.0, 1.0] and numbers.textposition == "middle right"
