"""Colours, status colours and fonts shared by the three writers, so the formats look like one family."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from metrics.present import theme, vocabulary

if TYPE_CHECKING:
    from metrics.reports.model import Chart

ASSETS = Path(__file__).with_name("assets")
FONT_REGULAR = ASSETS / "NotoSans-Regular.ttf"
FONT_BOLD = ASSETS / "NotoSans-Bold.ttf"
FONT_FALLBACK = ASSETS / "DejaVuSans.ttf"  # arrows and check marks Noto Sans lacks
FONT_FAMILY = "Noto Sans"
# PowerPoint uses the viewer's fonts; Arial has every Vietnamese glyph on Windows and macOS.
PPTX_FONT = "Arial"

# RGB hex without '#', all from the one palette of the app and the reports (metrics.present.theme).
PRIMARY = theme.hex(theme.PRIMARY)  # headings, title band
ACCENT = theme.hex(theme.FOCUS)  # Viet Nam in charts: the app's vermillion
TEXT = theme.hex(theme.TEXT)
MUTED = theme.hex(theme.MUTED)
LIGHT = theme.hex(theme.LIGHT)
RULE = theme.hex(theme.RULE)
WHITE = theme.hex(theme.WHITE)
PEER = theme.hex(theme.OTHER)  # other countries in a bar chart
POSITIVE = theme.hex(theme.POSITIVE)  # a bar above zero (a margin)
NEGATIVE = theme.hex(theme.NEGATIVE)  # a bar below zero (a shortfall)

# Status never rests on colour alone: every status is also written as a word.
STATUS_COLOURS: dict[str, str] = {s: theme.hex(v.colour) for s, v in vocabulary.STATUS.items()}

# Line colours by series role (country, peers, thresholds, projections, target lines).
ROLE_COLOURS: dict[str, str] = {
    "country": ACCENT,
    "peer": PEER,
    "threshold": theme.hex(theme.THRESHOLD),
    "projection": ACCENT,
    "band": theme.hex(theme.BAND),
    "target": theme.hex(theme.TARGET),
}
# A palette for several lines of one role (e.g. two thresholds): the app's colorway without Viet Nam's.
CYCLE = [theme.hex(c) for c in theme.COLORWAY if c != theme.FOCUS]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


def status_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", MUTED)


def sign_colour(value: float) -> str:
    """A bar coloured by its sign: blue inside, vermillion short (the pair the app's charts use)."""
    return POSITIVE if value >= 0 else NEGATIVE


def series_colours(roles: Sequence[str]) -> list[str]:
    """One colour per series: the role's colour, cycling when a role repeats (two thresholds)."""
    seen: dict[str, int] = {}
    out = []
    for role in roles:
        n = seen.get(role, 0)
        seen[role] = n + 1
        if n == 0:
            out.append(ROLE_COLOURS.get(role, CYCLE[0]))
        else:
            out.append(CYCLE[(n + len(seen)) % len(CYCLE)])
    return out


def bar_colour(chart: Chart, category: str, value: float | None, default: str) -> str:
    """A bar's colour: by its sign for gaps, the accent for the highlighted country (Viet Nam) with
    the others grey, else its series' colour. The PPTX and the PDF draw bars alike."""
    if chart.colour_by_sign and value is not None:
        return sign_colour(value)
    if chart.highlight and category == chart.highlight:
        return ACCENT
    return PEER if chart.highlight else default
