"""Colours, status colours and fonts shared by the three writers, so the formats look like one family."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).with_name("assets")
FONT_REGULAR = ASSETS / "NotoSans-Regular.ttf"
FONT_BOLD = ASSETS / "NotoSans-Bold.ttf"
FONT_FALLBACK = ASSETS / "DejaVuSans.ttf"  # arrows and check marks Noto Sans lacks
FONT_FAMILY = "Noto Sans"
# PowerPoint uses the viewer's fonts; Arial has every Vietnamese glyph on Windows and macOS.
PPTX_FONT = "Arial"

# RGB hex without '#'.
PRIMARY = "12355B"  # headings, title band
ACCENT = "C8102E"  # Viet Nam in charts
TEXT = "212529"
MUTED = "6C757D"
LIGHT = "F1F3F5"
RULE = "DEE2E6"
WHITE = "FFFFFF"
PEER = "8DA9C4"  # other countries in a bar chart

# Status never rests on colour alone: every status is also written as a word.
STATUS_COLOURS: dict[str, str] = {
    "achieved": "1E7B34",
    "met_now": "2F9E44",
    "on_track": "5C940D",
    "at_risk": "E67700",
    "off_track": "C92A2A",
    "missed": "7A1F1F",
    "no_data": "868E96",
}

# Line colours by series role (country, peers, thresholds, projections, target lines).
ROLE_COLOURS: dict[str, str] = {
    "country": ACCENT,
    "peer": PEER,
    "threshold": "495057",
    "projection": ACCENT,
    "band": "ADB5BD",
    "target": "E8590C",
}
# A palette for several lines of one role (e.g. two thresholds).
CYCLE = ["12355B", "E8590C", "2F9E44", "7048E8", "1098AD", "495057"]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


def status_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", MUTED)


def series_colours(roles: list[str]) -> list[str]:
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
