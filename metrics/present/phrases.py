"""The sentences and labels that recur on the pages and in the reports: a target's goal ("top 4 in
ASEAN"), a rank of N (published or computed, and then saying so), a second opinion's
verdict, a localized name. Pure: rows are any objects (or dicts) with the named fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from metrics import i18n
from metrics.present import format as fmt

WORLD = "WORLD"


def field(row: Any, name: str, default: Any = None) -> Any:
    if isinstance(row, dict):
        return row.get(name, default)
    return getattr(row, name, default)


def localized(row: Any, name: str, lang: str) -> str:
    """row.name_vi or row.name_en (text_vi / text_en ...) for the language, the other as a fallback."""
    other = "en" if lang == "vi" else "vi"
    value = field(row, f"{name}_{lang}")
    if fmt.missing(value) or value == "":
        value = field(row, f"{name}_{other}", "")
    return "" if fmt.missing(value) else str(value)


def short_name(row: Any, lang: str) -> str:
    """An index's short name in the language: short_name_vi in Vietnamese when it has one, else
    short_name (an acronym such as GAIRI reads the same in both)."""
    if lang == "vi":
        vi = field(row, "short_name_vi", "")
        if vi and not fmt.missing(vi):
            return str(vi)
    return str(field(row, "short_name", ""))


def unit_or_points(unit: str, lang: str) -> str:
    """What an index's scores and gaps are counted in: its own unit ("bài báo", for an index that
    counts something), else points of its edition's scale."""
    return unit or i18n.t("unit.points", lang)


def value_heading(unit: str, lang: str) -> str:
    """The heading of an index's values: "Giá trị" for a count index, "Điểm" for a scored one."""
    return i18n.t("common.value" if unit else "common.score", lang)


def index_number(value: float | None, unit: str, lang: str, decimals: int = 2, signed: bool = False) -> str:
    """A score or a gap as a number: a count index's in whole units when it is whole (1.794
    articles, not 1.794,00), a scored index's with `decimals`; `signed` prints the sign (a gap)."""
    x = fmt.as_float(value)
    if unit and x is not None and x.is_integer():
        decimals = 0
    return fmt.signed(x, lang, decimals) if signed else fmt.num(x, lang, decimals)


def index_value(value: float | None, scale_max: float | None, unit: str, lang: str) -> str:
    """A score as the tables show it: a count with its unit ("1.794 bài báo": it has no published
    scale, its edition's maximum is a chart ceiling), a score out of its scale ("54,32 / 100")."""
    if fmt.missing(value):
        return fmt.DASH
    if unit:
        return f"{index_number(value, unit, lang)} {unit}"
    return f"{fmt.num(value, lang)} / {fmt.num(scale_max, lang, 0)}"


def gap(value: float | None, unit: str, lang: str, decimals: int = 2) -> str:
    """A gap to a threshold with its unit: "−2.198 bài báo", "+1,50 điểm"; a dash if unknown."""
    if fmt.missing(value):
        return fmt.DASH
    return f"{index_number(value, unit, lang, decimals, signed=True)} {unit_or_points(unit, lang)}"


def goal(group_id: str, n: int, lang: str, group_name: str | None = None) -> str:
    """'Top 60 in the world' / 'Top 4 in ASEAN' / 'Top 3 in Southeast Asia': the group by its name
    in the language (data/peer_groups.csv) when the caller has it, else by its id."""
    if group_id == WORLD:
        return i18n.t("target_value.rank_world", lang, n=n)
    return i18n.t("target_value.rank_group", lang, n=n, group=group_name or group_id)


def _int_or_dash(n: int | None) -> int | str:
    k = fmt.as_int(n)
    return fmt.DASH if k is None else k


def rank_of(rank: int | None, of: int | None, lang: str) -> str:
    """'45 of 195' (en) / '45/195' (vi); a dash for what is unknown."""
    return i18n.t(
        "common.rank_of",
        lang,
        rank=_int_or_dash(rank),
        of=_int_or_dash(of),
    )


def rank_of_nth(rank: int | None, of: int | None, lang: str) -> str:
    """A rank of N inside a sentence: '45th of 195' (en) / '45/195' (vi)."""
    return i18n.t(
        "common.rank_of",
        lang,
        rank=fmt.ordinal(rank, lang),
        of=_int_or_dash(of),
    )


def shown_rank(row: Any) -> int | None:
    """The rank to show: the publisher's where printed, else the one computed from the scores."""
    published = field(row, "published_rank")
    if not fmt.missing(published):
        return int(published)
    computed = field(row, "computed_rank")
    return None if fmt.missing(computed) else int(computed)


def is_computed(row: Any) -> bool:
    return fmt.missing(field(row, "published_rank")) and not fmt.missing(field(row, "computed_rank"))


def world_rank(row: Any, lang: str, short: bool = False, nth: bool = False) -> str:
    """A world rank of N; a computed one (the publisher prints none, as the IMF for AIPI) says so,
    with how many of the covered economies have a score: '77 of 165 (computed: ...; 165 of 174
    economies have a score)'. `row` is a services.RankRow."""
    rank = shown_rank(row)
    of = field(row, "countries_ranked")
    if rank is None or not is_computed(row):
        return (rank_of_nth if nth else rank_of)(rank, of, lang)
    covered = field(row, "countries_in_data")
    covered = int(covered) if not fmt.missing(covered) else of
    key = "present.rank_computed_short" if short else "present.rank_computed"
    return i18n.t(
        key,
        lang,
        rank=fmt.ordinal(rank, lang) if nth else rank,
        covered=covered,
        of=of if not fmt.missing(of) else covered,
        economies=fmt.plural(of, lang, i18n.t("unit.economy_one", lang), i18n.t("unit.economy_many", lang)),
    )


def verdict(rank: int | None, n: int, lang: str) -> str:
    """A yardstick's verdict on a 'top N' target, favourable or not: inside or outside now."""
    if rank is None:
        return i18n.t("present.verdict_none", lang)
    key = "present.verdict_inside" if rank <= n else "present.verdict_outside"
    return i18n.t(key, lang, rank=rank, n=n)


def inside(a: Any) -> bool | None:
    """Whether an assessment's current rank is within its 'top N' (None: no rank to judge)."""
    rank = field(a, "current_rank")
    if fmt.missing(rank):
        return None
    return int(rank) <= int(field(a, "target_value") or 0)


def second_opinions(assessments: list) -> tuple[int, int]:
    """(inside, with data) over the yardsticks judging one target: every yardstick with a rank is
    counted, favourable or not ('2 of 3 indices place Viet Nam within the target')."""
    verdicts = [inside(a) for a in assessments]
    return sum(1 for v in verdicts if v), sum(1 for v in verdicts if v is not None)


def localized_column(name: str, lang: str) -> str:
    """The column of a table that holds `name` in the language: name_vi / name_en."""
    if lang not in i18n.LANGS:
        raise ValueError(f"unknown language {lang!r}")
    return f"{name}_{lang}"


def names_of(rows: Iterable[Any], key: str, name: str, lang: str) -> dict:
    """{key: name in the language} of rows (objects or dicts) with name_vi and name_en fields."""
    column = localized_column(name, lang)
    return {field(r, key): field(r, column) for r in rows}
