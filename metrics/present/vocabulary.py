"""Each status class and trend, as every page, report and the CLI show it.

One entry per class of metrics.progress.StatusClass (checked on import): its icon (shapes differ so
they read in grey print), its colour (metrics.present.theme), whether it counts as good news and
whether the target is still open. Its words are the i18n keys status.<class>, status_help.<class>
and report.trend.<trend>. Adding a status class touches three places: this table, the engine rule
that returns it (metrics/progress.py) and those catalog keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from metrics import i18n
from metrics.present.theme import STATUS_SHADES
from metrics.progress import StatusClass, TrendArrow


@dataclass(frozen=True)
class StatusLook:
    icon: str
    colour: str
    good: bool  # counted in "n of m targets are achieved, met now or on track"
    open: bool  # the horizon is still ahead (not judged achieved or missed)


# In the order legends and tables list them: judged, then ahead from best to worst, then unknown.
STATUS: dict[str, StatusLook] = {
    "achieved": StatusLook("🏁", STATUS_SHADES["green"], good=True, open=False),
    "met_now": StatusLook("✅", STATUS_SHADES["green_light"], good=True, open=True),
    "on_track": StatusLook("📈", STATUS_SHADES["blue"], good=True, open=True),
    "at_risk": StatusLook("⚠️", STATUS_SHADES["orange"], good=False, open=True),
    "off_track": StatusLook("📉", STATUS_SHADES["purple"], good=False, open=True),
    "pace_unknown": StatusLook("⏳", STATUS_SHADES["slate"], good=False, open=True),
    "missed": StatusLook("❌", STATUS_SHADES["purple_dark"], good=False, open=False),
    "no_data": StatusLook("❔", STATUS_SHADES["grey"], good=False, open=True),
}
STATUS_ORDER: tuple[str, ...] = tuple(STATUS)
TREND_ARROW: dict[str, str] = {"up": "↗", "down": "↘", "flat": "→", "none": "·"}

_missing = set(get_args(StatusClass)) ^ set(STATUS)
if _missing:  # a class without its look would show a bullet and a grey nobody chose
    raise RuntimeError(f"metrics.present.vocabulary: status classes without a look: {sorted(_missing)}")
if set(get_args(TrendArrow)) ^ set(TREND_ARROW):
    raise RuntimeError("metrics.present.vocabulary: a trend without its arrow")


def look(status: str) -> StatusLook:
    return STATUS[status]


def is_good(status: str) -> bool:
    return STATUS[status].good


def is_open(status: str) -> bool:
    return STATUS[status].open


def status_word(status: str, lang: str) -> str:
    return i18n.t(f"status.{status}", lang)


def status_badge(status: str, lang: str) -> str:
    """Icon and word together: a status never rests on colour alone."""
    return f"{STATUS[status].icon} {status_word(status, lang)}"


def status_help(status: str, lang: str) -> str:
    return i18n.t(f"status_help.{status}", lang)


def trend_label(trend: str, lang: str) -> str:
    return f"{TREND_ARROW[trend]} {i18n.t(f'trend.{trend}', lang)}"


@dataclass(frozen=True)
class StatusCount:
    """How a set of assessments splits: `good` of `total`, `with_data` with any data at all."""

    total: int
    good: int
    with_data: int
    by_class: dict[str, int]


def count_statuses(assessments: Iterable) -> StatusCount:
    """The one count every page and report states ("3 of 4 rank targets are achieved, met now or
    on track"): anything with a `.status` of the vocabulary."""
    statuses = [a.status for a in assessments]
    tally = Counter(statuses)
    return StatusCount(
        total=len(statuses),
        good=sum(1 for s in statuses if STATUS[s].good),
        with_data=sum(1 for s in statuses if s != "no_data"),
        by_class={s: tally.get(s, 0) for s in STATUS_ORDER},
    )
