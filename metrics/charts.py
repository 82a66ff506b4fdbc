"""Plotly figure builders: data in, go.Figure out. One theme for every chart of the app and reports.

The builders know no language and no database. The caller passes the words (a title that states
the finding, axis labels, the source line) already translated, and plain data frames or lists.
`lang` only sets the number separators (decimal comma in Vietnamese).

Palette: Okabe-Ito, distinguishable with the common colour-vision deficiencies. Viet Nam is drawn
in vermillion with a thicker line and markers; others in blue/grey tones. Statuses are never shown
by colour alone (pages print an icon and a word beside them).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
COLORWAY = [
    OKABE_ITO[k]
    for k in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "vermillion", "black")
]
FOCUS = OKABE_ITO["vermillion"]  # Viet Nam
OTHER = "#8C8C8C"
POSITIVE = OKABE_ITO["blue"]  # margin (inside the target)
NEGATIVE = OKABE_ITO["vermillion"]  # shortfall
THRESHOLD = OKABE_ITO["black"]
FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, sans-serif"
BASE_FONT = 16  # readable on a meeting-room projector
TITLE_FONT = 21


@dataclass(frozen=True)
class Labels:
    """The words of one chart, already in the user's language."""

    title: str
    x: str = ""
    y: str = ""
    source: str = ""


def separators(lang: str) -> str:
    # plotly's `separators`: first the decimal mark, then the thousands mark.
    return ",." if lang == "vi" else ".,"


def template() -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            font={"family": FONT_FAMILY, "size": BASE_FONT, "color": "#1a1a1a"},
            title={"font": {"size": TITLE_FONT}, "x": 0.0, "xanchor": "left", "y": 0.97},
            colorway=COLORWAY,
            paper_bgcolor="white",
            plot_bgcolor="white",
            hoverlabel={"font": {"size": BASE_FONT}},
            legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0},
            xaxis={"showgrid": False, "linecolor": "#444", "ticks": "outside", "automargin": True},
            yaxis={"gridcolor": "#e5e5e5", "zeroline": False, "linecolor": "#444", "automargin": True},
            margin={"l": 70, "r": 30, "t": 110, "b": 95},
        )
    )


_TEMPLATE = template()


def _finish(fig: go.Figure, labels: Labels, lang: str, height: int = 460) -> go.Figure:
    fig.update_layout(
        template=_TEMPLATE,
        title={"text": labels.title},
        separators=separators(lang),
        height=height,
    )
    fig.update_xaxes(title_text=labels.x)
    fig.update_yaxes(title_text=labels.y)
    if labels.source:
        fig.add_annotation(
            text=labels.source,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-78,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 13, "color": "#555"},
            align="left",
        )
    return fig


def _break_lines(fig: go.Figure, breaks: Iterable[tuple[float, str]]) -> None:
    """A dashed vertical line half-way between the last edition of one series and the first of the next."""
    for x, text in breaks:
        fig.add_vline(x=x, line_dash="dash", line_color="#666", line_width=1.5)
        fig.add_annotation(
            x=x,
            y=1,
            yref="paper",
            text=text,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 13, "color": "#444"},
            bgcolor="rgba(255,255,255,0.8)",
        )


def series_breaks(editions: Sequence[int], series: Sequence[str]) -> list[float]:
    """Positions (between editions) where the methodology series changes."""
    pairs = sorted(zip(editions, series, strict=True))
    return [(a[0] + b[0]) / 2 for a, b in itertools.pairwise(pairs) if a[1] != b[1]]


def rank_history(
    frame: pd.DataFrame,
    labels: Labels,
    lang: str,
    *,
    thresholds: Mapping[str, int] | None = None,
    breaks: Iterable[tuple[float, str]] = (),
    rank_col: str = "rank",
    hover_col: str | None = None,
    name: str = "",
) -> go.Figure:
    """A rank over editions, rank 1 at the top, with horizontal lines at the target ranks.

    frame: edition_year, `rank_col`, optionally `hover_col` (preformatted "59/193 · 70%" text).
    thresholds: label -> rank (e.g. {"Top 60": 60}).
    """
    data = frame.dropna(subset=[rank_col])
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=data["edition_year"],
            y=data[rank_col],
            mode="lines+markers+text",
            name=name,
            line={"color": FOCUS, "width": 4},
            marker={"size": 12, "symbol": "circle"},
            text=data[rank_col].astype(int).astype(str),
            textposition="top center",
            textfont={"size": 15, "color": FOCUS},
            hovertext=data[hover_col] if hover_col else None,
            hoverinfo="text+x" if hover_col else "x+y",
        )
    )
    worst = float(data[rank_col].max()) if not data.empty else 1.0
    for i, (text, rank) in enumerate((thresholds or {}).items()):
        fig.add_hline(
            y=rank,
            line_dash="dot" if i else "dash",
            line_color=THRESHOLD,
            line_width=2,
            annotation_text=text,
            annotation_position="top right",
            annotation_font_size=14,
        )
        worst = max(worst, rank)
    _break_lines(fig, breaks)
    fig.update_yaxes(autorange=False, range=[worst * 1.15 + 1, 0.5])
    if not data.empty:
        fig.update_xaxes(tickmode="array", tickvals=data["edition_year"].tolist())
    fig.update_layout(showlegend=False)
    return _finish(fig, labels, lang)


def score_projection(
    history: pd.DataFrame,
    labels: Labels,
    lang: str,
    *,
    country_name: str,
    threshold_name: str,
    projection: Mapping[str, float] | None = None,
    projection_names: tuple[str, str] = ("", ""),
    breaks: Iterable[tuple[float, str]] = (),
) -> go.Figure:
    """Country score and the threshold score (T_N) over editions, each extended to the target year
    with its band. history: edition_year, score, threshold. projection: start_year, target_year,
    start_score, country_score, country_low, country_high, start_threshold, threshold, threshold_low,
    threshold_high (as in metrics.progress.Projection plus the fitted start points)."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=history["edition_year"],
            y=history["threshold"],
            mode="lines+markers",
            name=threshold_name,
            line={"color": THRESHOLD, "width": 2.5, "dash": "dash"},
            marker={"size": 9, "symbol": "square"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=history["edition_year"],
            y=history["score"],
            mode="lines+markers",
            name=country_name,
            line={"color": FOCUS, "width": 4},
            marker={"size": 11},
        )
    )
    if projection:
        p = projection
        x = [p["start_year"], p["target_year"]]
        for kind, color, fill, name in (
            ("threshold", THRESHOLD, "rgba(0,0,0,0.10)", projection_names[1]),
            ("country", FOCUS, "rgba(213,94,0,0.18)", projection_names[0]),
        ):
            low, high, mid = p.get(f"{kind}_low"), p.get(f"{kind}_high"), p.get(f"{kind}_score", p.get(kind))
            start = p.get(f"start_{kind}")
            if mid is None or start is None:
                continue
            if low is not None and high is not None:
                fig.add_trace(
                    go.Scatter(
                        x=x + x[::-1],
                        y=[start, high, low, start],
                        fill="toself",
                        fillcolor=fill,
                        line={"width": 0},
                        hoverinfo="skip",
                        showlegend=False,
                    )
                )
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=[start, mid],
                    mode="lines+markers",
                    name=name,
                    line={"color": color, "width": 2, "dash": "dot"},
                    marker={"size": [0, 10], "symbol": "diamond-open"},
                )
            )
    _break_lines(fig, breaks)
    years = list(history["edition_year"]) + ([projection["target_year"]] if projection else [])
    if years:
        fig.update_xaxes(tickmode="array", tickvals=sorted(set(int(y) for y in years)))
    return _finish(fig, labels, lang)


def bump_chart(
    frame: pd.DataFrame,
    labels: Labels,
    lang: str,
    *,
    focus: str,
    breaks: Iterable[tuple[float, str]] = (),
    target_rank: int | None = None,
    target_label: str = "",
) -> go.Figure:
    """Ranks within a group over editions, one line per country; `focus` (a name) is highlighted.
    frame: edition_year, name, group_rank."""
    fig = go.Figure()
    names = list(dict.fromkeys(frame.sort_values("group_rank")["name"]))
    others = [n for n in names if n != focus]
    for i, country in enumerate([*others, focus]):
        rows = frame[frame["name"] == country].sort_values("edition_year")
        is_focus = country == focus
        color = (
            FOCUS
            if is_focus
            else COLORWAY[i % len(COLORWAY)]
            if COLORWAY[i % len(COLORWAY)] != FOCUS
            else OTHER
        )
        fig.add_trace(
            go.Scatter(
                x=rows["edition_year"],
                y=rows["group_rank"],
                mode="lines+markers",
                name=country,
                line={"color": color, "width": 5 if is_focus else 2},
                marker={"size": 13 if is_focus else 8},
                opacity=1.0 if is_focus else 0.75,
            )
        )
        if not rows.empty:
            last = rows.iloc[-1]
            fig.add_annotation(
                x=last["edition_year"],
                y=last["group_rank"],
                text=f"<b>{country}</b>" if is_focus else country,
                showarrow=False,
                xanchor="left",
                xshift=10,
                font={"size": 15 if is_focus else 13, "color": color},
            )
    if target_rank is not None:
        fig.add_hrect(
            y0=0.5,
            y1=target_rank + 0.5,
            fillcolor="rgba(0,114,178,0.08)",
            line_width=0,
            annotation_text=target_label,
            annotation_position="bottom left",
            annotation_font_size=13,
        )
    _break_lines(fig, breaks)
    most = int(frame["group_rank"].max()) if not frame.empty else 1
    fig.update_yaxes(autorange=False, range=[most + 0.7, 0.3], tickmode="linear", dtick=1)
    if not frame.empty:
        years = sorted(frame["edition_year"].unique())
        fig.update_xaxes(tickmode="array", tickvals=years, range=[years[0] - 0.3, years[-1] + 0.9])
    fig.update_layout(showlegend=False)
    return _finish(fig, labels, lang, height=520)


def radar(
    frame: pd.DataFrame, labels: Labels, lang: str, *, focus: str, axis_max: float = 100.0
) -> go.Figure:
    """Pillar profile of several countries. frame: one row per country, column `name`, then one
    column per pillar (the column names are the axis labels)."""
    pillars = [c for c in frame.columns if c != "name"]
    fig = go.Figure()
    rows = sorted(frame.to_dict("records"), key=lambda r: r["name"] == focus)  # focus drawn last, on top
    for i, row in enumerate(rows):
        is_focus = row["name"] == focus
        values = [row[p] for p in pillars]
        color = FOCUS if is_focus else [c for c in COLORWAY if c != FOCUS][i % (len(COLORWAY) - 1)]
        fig.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*pillars, pillars[0]],
                name=row["name"],
                line={"color": color, "width": 4 if is_focus else 2, "dash": "solid" if is_focus else "dot"},
                fill="toself" if is_focus else None,
                fillcolor="rgba(213,94,0,0.12)" if is_focus else None,
                marker={"size": 8 if is_focus else 5},
            )
        )
    fig.update_layout(
        polar={
            "radialaxis": {"range": [0, axis_max], "gridcolor": "#ddd"},
            "angularaxis": {"gridcolor": "#ddd"},
        },
        showlegend=True,
    )
    return _finish(fig, labels, lang, height=540)


def gap_bars(frame: pd.DataFrame, labels: Labels, lang: str, *, value_text: str | None = None) -> go.Figure:
    """Horizontal bars of gaps (score minus threshold): margin to the right, shortfall to the left.
    frame: label, gap, optionally `value_text` (preformatted number shown at the bar end).
    Direction is also carried by the sign printed on the bar, not by colour alone."""
    data = frame.dropna(subset=["gap"]).iloc[::-1]  # plotly draws the first row at the bottom
    fig = go.Figure(
        go.Bar(
            x=data["gap"],
            y=data["label"],
            orientation="h",
            marker={
                "color": [POSITIVE if g >= 0 else NEGATIVE for g in data["gap"]],
                "pattern": {"shape": ["" if g >= 0 else "/" for g in data["gap"]]},
            },
            text=data[value_text] if value_text else None,
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.add_vline(x=0, line_color="#333", line_width=1.5)
    fig.update_layout(showlegend=False, bargap=0.3)
    span = float(data["gap"].abs().max()) if not data.empty else 1.0
    fig.update_xaxes(range=[-span * 1.3, span * 1.3], zeroline=False)
    height = max(300, 60 + 42 * len(data))
    return _finish(fig, labels, lang, height=min(height + 150, 1100))


def multi_line(
    frame: pd.DataFrame,
    labels: Labels,
    lang: str,
    *,
    series_col: str,
    y_col: str,
    reverse_y: bool = False,
    y_range: Sequence[float] | None = None,
    hline: tuple[float, str] | None = None,
) -> go.Figure:
    """One line per series (e.g. per index) over editions. frame: edition_year, series_col, y_col."""
    fig = go.Figure()
    symbols = ["circle", "square", "diamond", "triangle-up", "x"]
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    for i, (name, rows) in enumerate(frame.groupby(series_col, sort=False)):
        rows = rows.sort_values("edition_year")
        fig.add_trace(
            go.Scatter(
                x=rows["edition_year"],
                y=rows[y_col],
                mode="lines+markers",
                name=str(name),
                line={"color": COLORWAY[i % len(COLORWAY)], "width": 3, "dash": dashes[i % len(dashes)]},
                marker={"size": 10, "symbol": symbols[i % len(symbols)]},
            )
        )
    if hline is not None:
        fig.add_hline(
            y=hline[0],
            line_dash="dash",
            line_color=THRESHOLD,
            annotation_text=hline[1],
            annotation_font_size=14,
        )
    if reverse_y:
        fig.update_yaxes(autorange="reversed")
    if y_range is not None:
        fig.update_yaxes(range=list(y_range))
    if not frame.empty:
        fig.update_xaxes(tickmode="array", tickvals=sorted(frame["edition_year"].unique()))
    return _finish(fig, labels, lang)


def compare_bars(
    frame: pd.DataFrame, labels: Labels, lang: str, *, series: Sequence[tuple[str, str]], category_col: str
) -> go.Figure:
    """Grouped bars: one group per category (e.g. pillar), one bar per (column, legend name) in `series`."""
    fig = go.Figure()
    patterns = ["", "/", ".", "x"]
    colors = [FOCUS, OKABE_ITO["blue"], OKABE_ITO["bluish_green"], OKABE_ITO["orange"]]
    for i, (column, name) in enumerate(series):
        fig.add_trace(
            go.Bar(
                x=frame[category_col],
                y=frame[column],
                name=name,
                marker={"color": colors[i % len(colors)], "pattern": {"shape": patterns[i % len(patterns)]}},
            )
        )
    fig.update_layout(barmode="group", bargap=0.25)
    return _finish(fig, labels, lang)
