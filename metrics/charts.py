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
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

# The one palette of the app and the reports (Okabe-Ito): metrics.present.theme.
from metrics.present.theme import (
    COLORWAY,
    FOCUS,
    NEGATIVE,
    OKABE_ITO,
    POSITIVE,
    THRESHOLD,
)

FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, sans-serif"
BASE_FONT = 16  # readable on a meeting-room projector
TITLE_FONT = 21
TITLE_CHARS = 70
SOURCE = "source"  # the name of the source annotation, which for_page takes out


@dataclass(frozen=True)
class Labels:
    """The words of one chart, already in the user's language."""

    title: str
    x: str = ""
    y: str = ""
    source: str = ""
    # Characters per title line: plotly does not wrap, and a line wider than the figure is cut at
    # its right edge. 70 fits a full-width chart from about 900 px (a 1440 px screen with the
    # sidebar, a 1280 px projector); pass fewer for a chart in a column.
    title_chars: int = TITLE_CHARS


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
            # below the plot, from the left edge, in as many rows as the width needs: at 390 px
            # (a phone) a legend above the plot ran over the title and the modebar
            legend={
                "orientation": "h",
                "yref": "container",
                "y": 0.0,
                "yanchor": "bottom",
                "xanchor": "left",
                "x": 0.0,
                "font": {"size": 14},
            },
            xaxis={"showgrid": False, "linecolor": "#444", "ticks": "outside", "automargin": True},
            yaxis={"gridcolor": "#e5e5e5", "zeroline": False, "linecolor": "#444", "automargin": True},
            margin={"l": 70, "r": 30, "t": 110, "b": 105},
        )
    )


_TEMPLATE = template()


# Figures are assembled as plain dicts and validated once by go.Figure(spec): about ten times
# faster than add_trace/add_hline/add_annotation one by one, which matters for a 150 ms page budget.


def wrap(text: str, width: int = TITLE_CHARS) -> str:
    """Break a long title or caption into lines (plotly does not wrap text) at word boundaries."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return "<br>".join(lines)


class _Spec:
    def __init__(self, labels: Labels, lang: str, height: int = 460, source_shift: int = -78) -> None:
        title = wrap(labels.title, labels.title_chars)
        extra = title.count("<br>")
        source = wrap(labels.source, 140)
        source_extra = source.count("<br>")
        total_height = height + 27 * extra + 18 * source_extra
        self.data: list[dict] = []
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []
        self.layout: dict = {
            "template": _TEMPLATE,
            # plotly anchors a multi-line title by its first line: shift it down by the extra lines
            "title": {
                "text": title,
                "yref": "container",
                "y": 1 - (14 + 26 * extra) / total_height,
                "yanchor": "top",
                # from the figure's left edge, not the plot area's: long axis labels (the pillars'
                # names) push the plot area right and a title anchored there ran off the figure
                "xref": "container",
                "x": 0.01,
                "xanchor": "left",
            },
            # room for the title's lines and the legend row above the plot
            "margin": {"t": 100 + 27 * extra, "b": 105 + 18 * source_extra},
            "separators": separators(lang),
            "height": total_height,
            # axis titles do not wrap either: short lines, so a long one is not cut on a phone
            "xaxis": {"title": {"text": wrap(labels.x, 28)}},
            "yaxis": {"title": {"text": wrap(labels.y, 30)}},
        }
        if labels.source:
            self.annotations.append(
                {
                    "text": source,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0,
                    "y": 0,
                    "yshift": source_shift,
                    "showarrow": False,
                    "xanchor": "left",
                    "yanchor": "top",
                    "font": {"size": 13, "color": "#555"},
                    "align": "left",
                    "name": SOURCE,
                }
            )

    def hline(self, y: float, text: str, dash: str = "dash") -> None:
        """A target line; its words go to the legend under the plot, where no point label or other
        line's words can sit on them (inside the plot they did, at 390 px)."""
        self.shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": y,
                "y1": y,
                "line": {"color": THRESHOLD, "width": 2, "dash": dash},
                "name": text,
                "showlegend": bool(text),
            }
        )

    def breaks(self, breaks: Iterable[tuple[float, str]]) -> None:
        """A dashed vertical line half-way between the last edition of one series and the first of
        the next, named once in the legend (two names over the plot overlapped on a phone)."""
        for i, (x, text) in enumerate(breaks):
            self.shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "x0": x,
                    "x1": x,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#666", "width": 1.5, "dash": "dash"},
                    "name": text,
                    "legendgroup": "breaks",
                    "showlegend": i == 0 and bool(text),
                }
            )

    def figure(self) -> go.Figure:
        self.layout["shapes"] = self.shapes
        self.layout["annotations"] = self.annotations
        return go.Figure({"data": self.data, "layout": self.layout})


def series_breaks(editions: Sequence[int], series: Sequence[str]) -> list[float]:
    """Positions (between editions) where the methodology series changes."""
    pairs = sorted(zip(editions, series, strict=True))
    return [(a[0] + b[0]) / 2 for a, b in itertools.pairwise(pairs) if a[1] != b[1]]


def _ticks(years: Iterable) -> dict:
    # 14 px: seven editions' years sit level side by side at 390 px (at 16 px plotly turned them
    # and their boxes ran into each other)
    return {"tickmode": "array", "tickvals": sorted({int(y) for y in years}), "tickfont": {"size": 14}}


YEAR_SLOTS = 6


def sparse_years(editions: Iterable, fixed: Iterable = ()) -> list[int]:
    """The year ticks of an axis spanning `editions` and `fixed` (the target year), at least a
    sixth of the span apart: the axis spans the years, not the editions, so three editions next
    to each other left of a far target year ran into each other on a phone. The last edition and
    the fixed years always shown, the others from the latest back as long as they fit."""
    fixed_ = sorted({int(y) for y in fixed})
    shown = sorted({int(y) for y in editions}, reverse=True)
    every = shown + fixed_
    if not every:
        return []
    gap = max(1, math.ceil((max(every) - min(every)) / YEAR_SLOTS))
    kept = [*fixed_, *shown[:1]]
    for year in shown[1:]:
        if all(abs(year - k) >= gap for k in kept):
            kept.append(year)
    return sorted(set(kept))


def rank_history(
    frame: pd.DataFrame,
    labels: Labels,
    lang: str,
    *,
    thresholds: Mapping[str, int] | None = None,
    breaks: Iterable[tuple[float, str]] = (),
    rank_col: str = "rank",
    hover_col: str | None = None,
    text_col: str | None = None,
    name: str = "",
    height: int = 460,
) -> go.Figure:
    """A rank over editions, rank 1 at the top, with horizontal lines at the target ranks.

    frame: edition_year, `rank_col`, optionally `hover_col` (preformatted "59/193 · 70%" text) and
    `text_col` (the label at each point, e.g. "59 · ASEAN 5"; default: the rank).
    thresholds: label -> rank (e.g. {"Top 60": 60}), named in the legend.
    A long `text_col` label is printed at the last point only (the others show the rank): seven
    "59 · ASEAN 5" labels overlapped at 390 px; the hover and the table under the chart carry all.
    """
    data = frame.dropna(subset=[rank_col])
    spec = _Spec(labels, lang, height=height)
    trace = {
        "type": "scatter",
        "x": data["edition_year"].tolist(),
        "y": data[rank_col].tolist(),
        "mode": "lines+markers+text",
        "name": name,
        "line": {"color": FOCUS, "width": 4},
        "marker": {"size": 12, "symbol": "circle"},
        "text": _point_labels(data, rank_col, text_col),
        # the long label of the last point above it and to its left (the plot's right end is
        # near), the ranks below theirs: all above, the two nearest labels met at 390 px
        "textposition": ["bottom center"] * (len(data) - 1) + ["top left"] if text_col else "top center",
        "cliponaxis": False,  # a label near the plot's edge is drawn whole, not cut by the axes
        "textfont": {"size": 15, "color": FOCUS},
        "showlegend": False,
    }
    if hover_col:
        trace.update(hovertext=data[hover_col].tolist(), hoverinfo="text+x")
    spec.data.append(trace)
    worst = float(data[rank_col].max()) if not data.empty else 1.0
    for i, (text, rank) in enumerate((thresholds or {}).items()):
        spec.hline(rank, text, dash="dot" if i else "dash")
        worst = max(worst, rank)
    spec.breaks(breaks)
    spec.layout["yaxis"].update(autorange=False, range=[worst * 1.15 + 1, 0.5])
    if not data.empty:
        spec.layout["xaxis"].update(_ticks(data["edition_year"]))
        if text_col:
            first, last = float(data["edition_year"].min()), float(data["edition_year"].max())
            spec.layout["xaxis"].update(range=[first - 0.4, last + 0.4])
    spec.layout["showlegend"] = True  # the target lines and the break are named there
    return spec.figure()


def _point_labels(data: pd.DataFrame, rank_col: str, text_col: str | None) -> list[str]:
    ranks = [str(int(v)) for v in data[rank_col]]
    if not text_col or data.empty:
        return ranks
    return [*ranks[:-1], str(data[text_col].iloc[-1])]


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
    start_country, country_score, country_low, country_high, start_threshold, threshold,
    threshold_low, threshold_high (metrics.progress.Projection plus the fitted start points)."""
    spec = _Spec(labels, lang)
    years = history["edition_year"].tolist()
    spec.data.append(
        {
            "type": "scatter",
            "x": years,
            "y": history["threshold"].tolist(),
            "mode": "lines+markers",
            "name": threshold_name,
            "line": {"color": THRESHOLD, "width": 2.5, "dash": "dash"},
            "marker": {"size": 9, "symbol": "square"},
        }
    )
    spec.data.append(
        {
            "type": "scatter",
            "x": years,
            "y": history["score"].tolist(),
            "mode": "lines+markers",
            "name": country_name,
            "line": {"color": FOCUS, "width": 4},
            "marker": {"size": 11},
        }
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
                spec.data.append(
                    {
                        "type": "scatter",
                        "x": x + x[::-1],
                        "y": [start, high, low, start],
                        "mode": "lines",
                        "fill": "toself",
                        "fillcolor": fill,
                        "line": {"width": 0},
                        "hoverinfo": "skip",
                        "showlegend": False,
                    }
                )
            spec.data.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": [start, mid],
                    "mode": "lines+markers",
                    "name": name,
                    "line": {"color": color, "width": 2, "dash": "dot"},
                    "marker": {"size": [0, 10], "symbol": "diamond-open"},
                }
            )
    spec.breaks(breaks)
    all_years = years + ([projection["target_year"]] if projection else [])
    if all_years:
        spec.layout["xaxis"].update(_ticks(sparse_years(years, all_years[len(years) :])))
    return spec.figure()


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
    """Ranks within a group over editions, one line per country; `focus` (a name) is highlighted and
    drawn last (on top). frame: edition_year, name, group_rank."""
    spec = _Spec(labels, lang, height=540)
    names = list(dict.fromkeys(frame.sort_values("group_rank")["name"]))
    others = [n for n in names if n != focus]
    palette = [c for c in COLORWAY if c != FOCUS]
    for i, country in enumerate([*others, focus]):
        rows = frame[frame["name"] == country].sort_values("edition_year")
        is_focus = country == focus
        color = FOCUS if is_focus else palette[i % len(palette)]
        spec.data.append(
            {
                "type": "scatter",
                "x": rows["edition_year"].tolist(),
                "y": rows["group_rank"].tolist(),
                "mode": "lines+markers",
                "name": country,
                "line": {"color": color, "width": 5 if is_focus else 2},
                "marker": {"size": 13 if is_focus else 8},
                "opacity": 1.0 if is_focus else 0.75,
                "showlegend": False,  # each line is named at its end
            }
        )
        if not rows.empty:
            last = rows.iloc[-1]
            spec.annotations.append(
                {
                    "x": int(last["edition_year"]),
                    "y": float(last["group_rank"]),
                    "text": f"<b>{country}</b>" if is_focus else country,
                    "showarrow": False,
                    "xanchor": "left",
                    "xshift": 10,
                    "font": {"size": 15 if is_focus else 13, "color": color},
                }
            )
    if target_rank is not None:
        spec.shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": 0.5,
                "y1": target_rank + 0.5,
                "fillcolor": "rgba(0,114,178,0.08)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
        spec.annotations.append(
            {
                "text": f"<span style='color:rgba(0,114,178,0.5)'>■</span> {target_label}",
                "xref": "paper",
                "x": 1,
                "yref": "paper",
                "y": 1.02,
                "showarrow": False,
                "xanchor": "right",
                "yanchor": "bottom",
                "font": {"size": 14},
            }
        )
    spec.breaks(breaks)
    most = int(frame["group_rank"].max()) if not frame.empty else 1
    spec.layout["yaxis"].update(autorange=False, range=[most + 0.7, 0.3], tickmode="linear", dtick=1)
    if not frame.empty:
        years = sorted(int(y) for y in frame["edition_year"].unique())
        spec.layout["xaxis"].update(tickmode="array", tickvals=years, range=[years[0] - 0.3, years[-1] + 0.3])
        # the names at the lines' ends sit in the right margin, sized for the longest (15 px bold
        # for the focus): inside the axis range they were cut at the figure's edge on a phone
        spec.layout["margin"]["r"] = 20 + 9 * max(len(n) for n in names)
    spec.layout["showlegend"] = True  # the methodology break is named there
    return spec.figure()


def radar(
    frame: pd.DataFrame, labels: Labels, lang: str, *, focus: str, axis_max: float = 100.0
) -> go.Figure:
    """Pillar profile of several countries. frame: one row per country, column `name`, then one
    column per pillar (the column names are the axis labels)."""
    pillars = [c for c in frame.columns if c != "name"]
    spec = _Spec(labels, lang, height=560)
    palette = [c for c in COLORWAY if c != FOCUS]
    rows = sorted(frame.to_dict("records"), key=lambda r: r["name"] == focus)  # focus drawn last, on top
    for i, row in enumerate(rows):
        is_focus = row["name"] == focus
        values = [row[p] for p in pillars]
        spec.data.append(
            {
                "type": "scatterpolar",
                "r": [*values, values[0]],
                "theta": [*pillars, pillars[0]],
                "name": row["name"],
                "line": {
                    "color": FOCUS if is_focus else palette[i % len(palette)],
                    "width": 4 if is_focus else 2,
                    "dash": "solid" if is_focus else "dot",
                },
                "fill": "toself" if is_focus else "none",
                "fillcolor": "rgba(213,94,0,0.12)" if is_focus else None,
                "marker": {"size": 8 if is_focus else 5},
            }
        )
    # Pillar names on short lines and room for them at the sides: plotly keeps no margin for
    # them and one-line names ran off a 390 px figure. The first pillar at the top; the radial
    # scale between the first two spokes, off every spoke's name.
    spec.layout["polar"] = {
        "radialaxis": {
            "range": [0, axis_max],
            "gridcolor": "#ddd",
            "angle": 90 - 180 / max(len(pillars), 1),
            "tickfont": {"size": 12},
        },
        "angularaxis": {
            "gridcolor": "#ddd",
            "rotation": 90,
            "direction": "clockwise",
            "tickmode": "array",
            "tickvals": pillars,
            "ticktext": [wrap(p, 12) for p in pillars],
            "tickfont": {"size": 14},
        },
    }
    spec.layout["margin"].update(l=95, r=95)
    spec.layout["showlegend"] = True
    return spec.figure()


def gap_bars(frame: pd.DataFrame, labels: Labels, lang: str, *, value_text: str | None = None) -> go.Figure:
    """Horizontal bars of gaps (score minus threshold): margin to the right, shortfall to the left.
    frame: label, gap, optionally `value_text` (preformatted number shown at the bar end).
    Direction is also carried by the hatching and the printed sign, not by colour alone."""
    data = frame.dropna(subset=["gap"]).iloc[::-1]  # plotly draws the first row at the bottom
    gaps = data["gap"].astype(float).tolist()
    lines = max((wrap(str(v), 16).count("<br>") + 1 for v in data["label"]), default=1)
    height = max(300, 60 + max(42, 18 * lines + 8) * len(data))  # room for each name's lines
    spec = _Spec(labels, lang, height=min(height + 150, 1600))
    spec.data.append(
        {
            "type": "bar",
            "x": gaps,
            "y": data["label"].tolist(),
            "orientation": "h",
            "marker": {
                "color": [POSITIVE if g >= 0 else NEGATIVE for g in gaps],
                "pattern": {"shape": ["" if g >= 0 else "/" for g in gaps]},
            },
            "text": data[value_text].tolist() if value_text else None,
            # drawn by the trace below: outside a shortfall's bar the number ran into the names
            "textposition": "none",
        }
    )
    if value_text:
        # every number right of its bar's end or of zero, away from the names on the left
        spec.data.append(
            {
                "type": "scatter",
                "mode": "text",
                "x": [max(g, 0.0) for g in gaps],
                "y": data["label"].tolist(),
                "text": data[value_text].tolist(),
                "textposition": "middle right",
                "textfont": {"size": 14},
                "cliponaxis": False,
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    spec.shapes.append(
        {
            "type": "line",
            "xref": "x",
            "x0": 0,
            "x1": 0,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": "#333", "width": 1.5},
        }
    )
    span = max((abs(g) for g in gaps), default=1.0) or 1.0
    spec.layout["xaxis"].update(range=[-span * 1.3, span * 1.3], zeroline=False)
    # long names on short lines (the category values stay whole): on one line a name took most
    # of a phone's width
    labels_ = data["label"].tolist()
    spec.layout["yaxis"].update(
        tickmode="array",
        tickvals=labels_,
        ticktext=[wrap(str(v), 16) for v in labels_],
        tickfont={"size": 14},
    )
    # the names set the left margin (automargin); the axis title on short lines, as the plot
    # area left between the names and the numbers is narrow on a phone
    spec.layout["xaxis"].update(
        tickfont={"size": 14}, title={"text": wrap(labels.x, 20), "font": {"size": 15}}
    )
    spec.layout["margin"].update(l=10, r=56)  # r: the numbers right of the longest bar
    spec.layout.update(showlegend=False, bargap=0.3)
    return spec.figure()


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
    """One line per series (e.g. per index) over editions, each with its own dash and marker
    shape as well as colour. frame: edition_year, series_col, y_col."""
    spec = _Spec(labels, lang)
    symbols = ["circle", "square", "diamond", "triangle-up", "x"]
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    for i, (name, rows) in enumerate(frame.groupby(series_col, sort=False)):
        rows = rows.sort_values("edition_year")
        spec.data.append(
            {
                "type": "scatter",
                "x": rows["edition_year"].tolist(),
                "y": rows[y_col].tolist(),
                "mode": "lines+markers",
                "name": str(name),
                "line": {"color": COLORWAY[i % len(COLORWAY)], "width": 3, "dash": dashes[i % len(dashes)]},
                "marker": {"size": 10, "symbol": symbols[i % len(symbols)]},
            }
        )
    if hline is not None:
        spec.hline(hline[0], hline[1])
    if reverse_y:
        spec.layout["yaxis"]["autorange"] = "reversed"
    if y_range is not None:
        spec.layout["yaxis"]["range"] = list(y_range)
    if not frame.empty:
        spec.layout["xaxis"].update(_ticks(frame["edition_year"].unique()))
    return spec.figure()


def compare_bars(
    frame: pd.DataFrame, labels: Labels, lang: str, *, series: Sequence[tuple[str, str]], category_col: str
) -> go.Figure:
    """Grouped bars: one group per category (e.g. pillar), one bar per (column, legend name) in
    `series`, told apart by hatching as well as colour. Horizontal, the first category at the top:
    the names read level at any width (upright columns turned them sideways on a phone)."""
    categories = [str(c) for c in frame[category_col]]
    spec = _Spec(labels, lang, height=max(420, 140 + 26 * len(series) * len(categories)))
    patterns = ["", "/", ".", "x"]
    colors = [FOCUS, OKABE_ITO["blue"], OKABE_ITO["bluish_green"], OKABE_ITO["orange"]]
    for i, (column, name) in enumerate(series):
        spec.data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": categories,
                "x": frame[column].tolist(),
                "name": name,
                "marker": {
                    "color": colors[i % len(colors)],
                    "pattern": {"shape": patterns[i % len(patterns)]},
                },
            }
        )
    spec.layout.update(barmode="group", bargap=0.25)
    spec.layout["yaxis"].update(
        autorange="reversed",
        tickmode="array",
        tickvals=categories,
        ticktext=[wrap(c, 18) for c in categories],
    )
    # the values run along x now: the caller's value label (`y`) goes there
    spec.layout["xaxis"].update(showgrid=True, gridcolor="#e5e5e5", title={"text": wrap(labels.y, 28)})
    spec.layout["yaxis"]["title"] = {"text": wrap(labels.x, 30)}
    spec.layout["yaxis"]["tickfont"] = {"size": 14}
    return spec.figure()


def for_page(fig: go.Figure) -> tuple[str, go.Figure]:
    """(title, figure) for a page: the title comes out of the figure, to be printed as page text
    above it (plotly does not wrap a title, and at 390 px one line in the figure was cut), and so
    does the source line (the page prints it, with its address, under the chart). The top margin
    shrinks to what the plot needs; the legend stays under the plot."""
    title = (fig.layout.title.text or "").replace("<br>", " ")
    out = go.Figure(fig)
    keep = [a for a in out.layout.annotations if a.name != SOURCE]
    top = 50 if any(a.yref == "paper" and (a.y or 0) > 1 for a in keep) else 24
    margin = out.layout.margin
    plot = int(out.layout.height) - int(margin.t) - int(margin.b)
    # the same plot area; under it the axis title and a row of legend (plotly adds a margin for
    # more rows, and for the tick labels, itself)
    out.layout.annotations = keep
    out.update_layout(title=None, height=plot + top + 110, margin={"t": top, "b": 40})
    return title, out
