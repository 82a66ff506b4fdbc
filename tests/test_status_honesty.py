"""A status never claims more than the data allow (issue 13): the 2030 "top 4 of ASEAN" target
recomputed by hand from the raw data files, edition by edition."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from metrics import services
from tests.cli_runner import run_cli
from tests.conftest import ROOT
from tests.test_services_engine import raw_members, raw_scores

TODAY = dt.date(2026, 3, 1)


def gairi_series() -> dict[int, str]:
    with open(ROOT / "data" / "editions.csv", encoding="utf-8") as f:
        return {int(r["edition_year"]): r["series"] for r in csv.DictReader(f) if r["index_id"] == "GAIRI"}


def slope(points: list[tuple[int, float]]) -> float:
    xm = sum(x for x, _ in points) / len(points)
    ym = sum(y for _, y in points) / len(points)
    return sum((x - xm) * (y - ym) for x, y in points) / sum((x - xm) ** 2 for x, _ in points)


def at(points: list[tuple[int, float]], x: int) -> float:
    b = slope(points)
    xm = sum(p for p, _ in points) / len(points)
    ym = sum(y for _, y in points) / len(points)
    return ym + b * (x - xm)


def status_by_hand(edition: int, n: int = 4, horizon: int = 2030) -> tuple[int, str]:
    """(rank, status) of Viet Nam after `edition`, as a reviewer would recompute it: the pace only
    from editions of the same series with the same ASEAN members, at least 2 of them."""
    series = gairi_series()

    def field(year: int) -> dict[str, float]:
        members = raw_members("ASEAN", dt.date(year, 12, 31))
        return {k: v for k, v in raw_scores("GAIRI", year).items() if k in members}

    now = field(edition)
    others = sorted((v for k, v in now.items() if k != "VNM"), reverse=True)
    rank = 1 + sum(v > now["VNM"] for v in others)
    if rank <= n:
        return rank, "met_now"
    comparable = [
        y
        for y in sorted(series)
        if y <= edition and series[y] == series[edition] and set(field(y)) == set(now)
    ]
    if len(comparable) < 2:
        return rank, "pace_unknown"
    scores = [(y, field(y)["VNM"]) for y in comparable]
    thresholds = [
        (y, sorted((v for k, v in field(y).items() if k != "VNM"), reverse=True)[n - 1]) for y in comparable
    ]
    threshold_at_horizon = min(at(thresholds, horizon), 100.0)
    required = (threshold_at_horizon - now["VNM"]) / (horizon - edition)
    ratio = slope(scores) / required
    return rank, "on_track" if ratio >= 0.95 else ("at_risk" if ratio >= 0.5 else "off_track")


def test_2030_asean_status_table_recomputed_by_hand(store):
    history = services.status_history(store, "T2030_ASEAN_RANK", "VNM", today=TODAY)
    table = {a.as_of_edition: (a.current_rank, a.status) for a in history}
    expected = {year: status_by_hand(year) for year in gairi_series()}
    assert table == expected
    # What the committee reads today: 5th for three editions, 0.53 below, and no pace claimed.
    assert [table[y][0] for y in (2023, 2024, 2025)] == [5, 5, 5]
    latest = history[-1]
    assert latest.gap == pytest.approx(-0.53, abs=1e-6)
    assert (latest.status, latest.trend, latest.pace_ratio) == ("pace_unknown", "none", None)
    reason = next(s for s in latest.trace.steps if s.key == "trace.pace_ratio")
    assert (reason.template, reason.params["count"], reason.params["members"]) == (
        "pace_not_comparable",
        1,
        11,
    )


def test_the_current_2030_asean_status_is_not_on_track(store):
    a = next(
        a
        for a in services.assess_targets(store, "VNM", strategy_id="QD127_2021", today=TODAY)
        if a.target_id == "T2030_ASEAN_RANK"
    )
    assert a.status == "pace_unknown" and a.trace.rule == "rule.pace_not_comparable"
    assert a.trace.inputs["comparable_editions"] == [2025]


# --- reports after an edition without totals ------------------------------------------------------


@pytest.fixture
def without_totals(fresh_db):
    """The seeded database plus a GAIRI 2026 edition confirmed without totals (the analyst's
    Vietnamese file whose total column the catalog does not know)."""
    from metrics.store import open_store
    from tests.test_import_helpers import run_import

    store = open_store(fresh_db)
    result = run_import(
        store, ROOT / "tests" / "fixtures" / "bad" / "vi_total_unknown_cp1258.csv", allow_no_headline=True
    )
    assert result.status == "imported"
    yield store, fresh_db
    store.close()


def test_the_report_defaults_to_the_latest_edition_with_viet_nams_total(without_totals):
    from metrics.reports import build_report, render
    from metrics.reports.build import usable_editions
    from metrics.reports.model import ReportOptions

    store, _ = without_totals
    assert 2026 in set(store_editions(store)) and usable_editions(store, "GAIRI")[-1] == 2025
    model = build_report(store, ReportOptions(lang="en", meeting_date=TODAY))
    assert model.as_of_edition == 2025
    assert render(model, "pptx")[:2] == b"PK"  # the slides build: no "chart data contains no categories"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_edition_without_totals_is_refused_in_the_users_language(without_totals, lang):
    from metrics import i18n
    from metrics.errors import MetricsError
    from metrics.reports import build_report
    from metrics.reports.model import ReportOptions

    store, _ = without_totals
    with pytest.raises(MetricsError) as err:
        build_report(store, ReportOptions(lang=lang, as_of=2026, meeting_date=TODAY))
    assert err.value.code == "report_edition_unusable"
    message = i18n.error_message(err.value.code, lang, **err.value.params)
    assert "2026" in message and "VNM" in message and message != i18n.t("error.unexpected", lang, code="x")


def test_the_cli_report_after_an_edition_without_totals(without_totals, tmp_path):
    store, path = without_totals
    store.close()
    out = tmp_path / "r.pptx"
    ok = run_cli("report", "--format", "pptx", "--lang", "en", "--out", str(out), db=path)
    assert ok.returncode == 0, ok.stderr
    assert out.read_bytes()[:2] == b"PK"
    refused = run_cli(
        "report",
        "--format",
        "pptx",
        "--lang",
        "en",
        "--as-of",
        "2026",
        "--out",
        str(tmp_path / "x.pptx"),
        db=path,
    )
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "2026" in refused.stderr + refused.stdout and "no total score" in refused.stderr + refused.stdout


def store_editions(store):
    from metrics.store import queries as q

    return [int(y) for y in q.editions(store, "GAIRI")["edition_year"]]


def test_the_report_has_a_second_opinion_section_that_counts_unfavourable_verdicts(store):
    from metrics.reports import build_report
    from metrics.reports.model import ReportOptions

    model = build_report(store, ReportOptions(lang="en", meeting_date=TODAY))
    section = model.section("opinions")
    ids = [s.section_id for s in model.sections]
    # the strategy-in-force sections lead; the second opinions follow the trajectory
    assert section is not None and ids.index("opinions") == ids.index("trajectory") + 1
    asean_2025 = next(t for t in section.tables if t.table_id == "opinions_T2025_ASEAN_RANK")
    rows = {r[0].text: [c.text for c in r] for r in asean_2025.rows}
    # AIPI 2023 puts Viet Nam 7th of 10 in ASEAN: outside the top 5, and it is shown and counted.
    assert rows["AIPI 2023"][1:] == ["7 of 10", "−0.02", "Outside the target: 7 > 5", "No data yet"]
    assert rows["GAIRI 2025"][3] == "Within the target: 5 ≤ 5"
    assert "Top 5 in ASEAN by 2025: 2 of 3 indices with data place Viet Nam within the target." in [
        b.text for b in section.bullets
    ]
    world = next(t for t in section.tables if t.table_id == "opinions_T2025_WORLD_RANK")
    assert {r[0].text: r[1].text for r in world.rows}["AIPI 2023"] == "77 of 165 (computed)"
