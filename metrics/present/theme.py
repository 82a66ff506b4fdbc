"""The one palette of the app's charts (metrics/charts.py) and the reports (metrics/reports/style.py).

Okabe & Ito (2008), "Color Universal Design": hues that stay apart for the common colour-vision
deficiencies. Viet Nam is vermillion everywhere. Status colours are darker shades of the same hues so
white words stay legible on them; a status is never shown by colour alone (its word is printed too).
Colours are '#RRGGBB' here; hex() gives the 'RRGGBB' form the report writers take.
"""

from __future__ import annotations

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
OTHER = "#8C8C8C"  # other countries where one colour stands for all of them
POSITIVE = OKABE_ITO["blue"]  # a margin (inside the target)
NEGATIVE = OKABE_ITO["vermillion"]  # a shortfall
THRESHOLD = OKABE_ITO["black"]
TARGET = OKABE_ITO["orange"]  # a target rank's line
BAND = "#ADB5BD"  # a projection band

# Text and furniture of the reports.
PRIMARY = "#12355B"
TEXT = "#212529"
MUTED = "#6C757D"
LIGHT = "#F1F3F5"
RULE = "#DEE2E6"
WHITE = "#FFFFFF"

# Darker shades of the Okabe-Ito hues, for a status pill or cell with white words on it.
STATUS_SHADES = {
    "green": "#00704F",  # bluish green
    "green_light": "#008A63",
    "blue": "#0072B2",
    "orange": "#A86800",
    "purple": "#9C4D7C",  # reddish purple
    "purple_dark": "#6E2F55",
    "slate": "#4F5B66",
    "grey": "#868E96",
}


def hex(colour: str) -> str:
    """'#D55E00' -> 'D55E00' (python-pptx and fpdf take the bare hex)."""
    return colour.lstrip("#").upper()


def rgba(colour: str, alpha: float) -> str:
    """'#D55E00', 0.18 -> 'rgba(213,94,0,0.18)' (a translucent band of a line's colour)."""
    h = hex(colour)
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"
