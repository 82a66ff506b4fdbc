"""metrics.committee's pure half: the headline counts, Appendix I groups, the agencies' reminder
list and the closing review, on rows made by hand (every expected figure counted here)."""

from __future__ import annotations

import datetime as dt

from metrics import committee
from metrics.committee import ScoreRow


def row(target_id: str, status: str, group: str = "", agency: str = "", **kw) -> ScoreRow:
    return ScoreRow(
        target_id=target_id,
        strategy_id="S",
        kind=kw.pop("kind", "level"),
        horizon_year=2030,
        status=status,
        appendix_group=group,
        lead_agency=agency,
        **kw,
    )


def test_headline_counts_add_up_and_keep_every_other_class():
    rows = [
        row("a", "achieved"),
        row("b", "met_now"),
        row("c", "on_track"),
        row("d", "at_risk"),
        row("e", "off_track"),
        row("f", "no_data"),
        row("g", "no_data"),
        row("h", "pace_unknown"),
    ]
    counts = committee.headline_counts(rows)
    assert counts == {"met": 2, "on_track": 1, "at_risk": 1, "no_data": 2, "off_track": 1, "pace_unknown": 1}
    assert sum(counts.values()) == len(rows)


def test_the_headline_names_indicators_when_one_is_measured_by_two_targets():
    word = str.title
    split = [row("27a", "no_data", indicator_no="27"), row("27b", "at_risk", indicator_no="27"),
             row("28", "met_now", indicator_no="28")]  # fmt: skip
    assert committee.indicator_count(split) == 2
    for lang, words in (
        ("en", "2 indicators, measured as 3 targets"),
        ("vi", "2 chỉ tiêu, đo bằng 3 mục tiêu"),
    ):
        assert words in committee.headline_text("D", split, lang, word)
    # one target per indicator, or targets without numbers (Decision 127): each target is counted once
    plain = [row("a", "no_data", indicator_no="1"), row("b", "no_data", indicator_no="2")]
    unnumbered = [row("a", "no_data"), row("b", "no_data")]
    for rows in (plain, unnumbered):
        assert committee.indicator_count(rows) == 0
        assert "has 2 targets:" in committee.headline_text("D", rows, "en", word)


def test_groups_follow_appendix_order_and_unknown_groups_go_last():
    rows = [row("1", "no_data", "inputs"), row("2", "no_data", "impact"), row("3", "no_data", "")]
    rows.append(row("4", "no_data", "results"))
    assert [(g, [r.target_id for r in rs]) for g, rs in committee.by_group(rows)] == [
        ("impact", ["2"]),
        ("results", ["4"]),
        ("inputs", ["1"]),
        ("", ["3"]),
    ]


def test_filter_by_status_and_agency():
    rows = [row("1", "no_data", agency="MST"), row("2", "at_risk", agency="MOF"), row("3", "no_data")]
    assert [r.target_id for r in committee.filter_rows(rows, ["no_data"])] == ["1", "3"]
    assert [r.target_id for r in committee.filter_rows(rows, ["no_data"], ["MST"])] == ["1"]
    assert len(committee.filter_rows(rows)) == 3


def test_agency_reminders_latest_date_and_missing_targets():
    rows = [
        row("1", "no_data", agency="MST"),
        row("2", "met_now", agency="MST"),
        row("3", "met_now", agency="MST"),
        row("4", "no_data", agency="MOF"),
        row("5", "no_data"),  # no lead agency: not on anyone's list
    ]
    latest = {"2": dt.date(2026, 3, 1), "3": dt.date(2026, 9, 30)}
    names = {"MST": ("Bộ Khoa học và Công nghệ", "Ministry of Science and Technology")}
    lines = committee.agency_reminders(rows, latest, names)
    assert [a.agency_id for a in lines] == ["MOF", "MST"]  # one missing each: by id
    mst = lines[1]
    assert mst.targets == ["1", "2", "3"]
    assert mst.latest == dt.date(2026, 9, 30)
    assert mst.missing == ["1"]
    assert mst.name("vi") == "Bộ Khoa học và Công nghệ"
    assert lines[0].latest is None and lines[0].name("en") == "MOF"  # unnamed agency: its id


def test_latest_dates_ignore_withdrawn_records():
    class E:
        def __init__(self, target_id, day, status="active"):
            self.target_id, self.recorded_on, self.status = target_id, day, status

    got = committee.latest_dates(
        [E("a", dt.date(2026, 1, 1)), E("a", dt.date(2026, 5, 1), "withdrawn"), E("b", dt.date(2025, 1, 1))]
    )
    assert got == {"a": dt.date(2026, 1, 1), "b": dt.date(2025, 1, 1)}


def test_closing_review_sorts_achieved_missed_superseded_and_the_rest():
    rows = [
        row("a", "achieved"),
        row("b", "missed"),
        row("c", committee.SUPERSEDED, succeeded_by="N1"),
        row("d", committee.SUPERSEDED),
        row("e", "no_data"),
    ]
    review = committee.closing_review(rows)
    assert {k: [r.target_id for r in v] for k, v in review.items()} == {
        "achieved": ["a"],
        "missed": ["b"],
        "superseded": ["c", "d"],
        "other": ["e"],
    }


def test_a_figure_carries_its_records_unit_not_the_targets_in_both_languages():
    # Decision 127's start-up target is counted in start-ups; its evidence is capital in USD million
    r = row(
        "T",
        "achieved",
        kind="direction",
        value=80,
        value_unit="USD million",
        unit_en="start-ups",
        unit_vi="doanh nghiệp khởi nghiệp",
    )
    assert committee.value_text(r, "en") == "80 USD million"
    assert committee.value_text(r, "vi") == "80 triệu USD"
    same = row(
        "T",
        "met_now",
        kind="count",
        value=3,
        value_unit="start-ups",
        unit_en="start-ups",
        unit_vi="doanh nghiệp",
    )
    assert committee.value_text(same, "vi") == "3 doanh nghiệp"
