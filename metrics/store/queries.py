"""Read queries. Values are always bound as parameters; nothing here formats user text into SQL.

Each query is written once (the _SQL constants) and read in one of two shapes:

- typed rows (the `*_rows` functions: the dataclasses of metrics.store.rows, built from the
  cursor's `fetchall`, plain Python values with None for NULL), for code that reads fields: the
  services, the committee, the reports and the CLI;
- a DataFrame (the cursor's `.df()`), for a page that shows a table as it is (st.dataframe, a chart
  of a frame), exactly as DuckDB types it.

Only the frames need pandas, and DuckDB imports it when one is asked for: a process that reads
rows (a report, a CLI command) never loads pandas, numpy or pyarrow. A query asked for many cuts
(one index's editions, one edition's scores) is read whole and cut here, so a report's read cache
(metrics.reports.snapshot) answers it once for every cut.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from metrics.errors import NotFound
from metrics.store import rows
from metrics.store.connection import Store

if TYPE_CHECKING:
    import pandas as pd

R = TypeVar("R")


def _df(store: Store, sql: str, params: list | None = None) -> pd.DataFrame:
    with store.reader() as cur:
        return cur.execute(sql, params or []).df()


def _fetch(store: Store, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    """The query's column names and its rows, as DuckDB's fetchall gives them (no pandas)."""
    with store.reader() as cur:
        result = cur.execute(sql, params or [])
        return [d[0] for d in result.description], result.fetchall()


def _records(cls: type[R], store: Store, sql: str, params: list | None = None, **where: Any) -> list[R]:
    """The query's rows as `cls`; `where` keeps the rows whose column equals the value (the cut of
    a query read whole), before they are made records."""
    columns, values = _fetch(store, sql, params)
    for name, wanted in where.items():
        at = columns.index(name)
        values = [v for v in values if v[at] == wanted]
    return rows.from_rows(cls, columns, values)


_INDICES = "SELECT * FROM indices ORDER BY index_id"
_COUNTRIES = "SELECT * FROM countries ORDER BY iso3"
_PEER_GROUPS = "SELECT * FROM peer_groups ORDER BY group_id"
_MEMBERSHIPS = "SELECT * FROM peer_group_members WHERE group_id = ? ORDER BY iso3"
_MEASURES = (
    "SELECT * FROM measures WHERE index_id = ? AND framework = ? ORDER BY level DESC, parent_id, measure_id"
)
_STRATEGIES = "SELECT * FROM strategies ORDER BY signed_on, strategy_id"
_TARGETS = (
    "SELECT * FROM targets WHERE ? IS NULL OR strategy_id = ? ORDER BY horizon_year, kind DESC, target_id"
)
_PROGRESS_RECORDS = (
    "SELECT * FROM progress_records WHERE (? IS NULL OR target_id = ?) AND (? OR status = 'active')"
    " ORDER BY target_id, recorded_on, record_id"
)
_AGENCIES = "SELECT * FROM agencies ORDER BY agency_id"
# Every index's editions with current data, with their provenance (current version).
# has_headline: at least half of the edition's countries have the headline measure (the total).
_EDITIONS = """
    SELECT e.*, v.version_id, v.imported_at, v.file_name, v.sha256, v.row_count, v.country_count,
           i.short_name, i.short_name_vi, i.name_en AS index_name_en, i.name_vi AS index_name_vi, i.publisher,
           i.higher_is_better, i.coverage,
           -- a count index's unit from data/; an imported dataset's, the analyst's (both languages)
           coalesce(nullif(i.unit_en, ''), d.unit, '') AS unit_en,
           coalesce(nullif(i.unit_vi, ''), d.unit, '') AS unit_vi,
           coalesce(h.countries, 0) AS headline_countries,
           coalesce(h.countries, 0) > 0 AND 2 * coalesce(h.countries, 0) >= v.country_count
               AS has_headline
    FROM editions e
    JOIN versions v ON v.index_id = e.index_id AND v.edition_year = e.edition_year AND v.is_current
    JOIN indices i ON i.index_id = e.index_id
    LEFT JOIN index_details d ON d.index_id = e.index_id
    LEFT JOIN (
        SELECT o.version_id, count(*) AS countries FROM observations o
        SEMI JOIN versions c ON c.version_id = o.version_id AND c.is_current
        WHERE o.measure_id = 'total' GROUP BY o.version_id
    ) h ON h.version_id = v.version_id
    ORDER BY e.index_id, e.edition_year
    """
# One measure's current scores in every edition, best first within each.
_MEASURE_SCORES = """
    SELECT edition_year, iso3, value, published_rank, name_in_source, version_id
    FROM current_observations
    WHERE index_id = ? AND measure_id = ?
    ORDER BY edition_year, value DESC, iso3
    """
_OBSERVATIONS = """
    SELECT iso3, measure_id, value, published_rank, name_in_source, source_file, version_id
    FROM current_observations WHERE index_id = ? AND edition_year = ?
    ORDER BY iso3, measure_id
    """


# --- frames: for the pages' tables (pandas, imported by DuckDB when a frame is asked for) ----------


def indices(store: Store) -> pd.DataFrame:
    return _df(store, _INDICES)


def countries(store: Store) -> pd.DataFrame:
    return _df(store, _COUNTRIES)


def country_aliases(store: Store) -> pd.DataFrame:
    return _df(store, "SELECT alias, iso3, origin FROM country_aliases ORDER BY iso3, alias")


def editions(store: Store, index_id: str | None = None) -> pd.DataFrame:
    """Editions that have current data, with their provenance (current version).

    has_headline: at least half of the edition's countries have the headline measure (the total).
    An edition imported without totals has it false and is never a page's or report's default
    "latest" edition (see latest_headline_edition).

    One index's editions are cut from every index's (one query, which a report's read cache
    answers once for all the indices it cites)."""
    frame = _df(store, _EDITIONS)
    if index_id is None:
        return frame
    return frame[frame["index_id"] == index_id].reset_index(drop=True)


def edition(store: Store, index_id: str, edition_year: int) -> dict:
    frame = editions(store, index_id)
    frame = frame[frame["edition_year"] == edition_year]
    if frame.empty:
        raise NotFound("edition_not_found", index_id=index_id, edition_year=edition_year)
    return frame.iloc[0].to_dict()


def scores(store: Store, index_id: str, edition_year: int, measure_id: str = "total") -> pd.DataFrame:
    """Current scores of one measure in one edition: iso3, value, published_rank, best first.

    Cut from the measure's scores in every edition (one query, which a report's read cache
    answers once for the editions it walks through)."""
    frame = _df(store, _MEASURE_SCORES, [index_id, measure_id])
    cut = frame[frame["edition_year"] == int(edition_year)]
    return cut.drop(columns="edition_year").reset_index(drop=True)


def scores_by_edition(store: Store, index_id: str, measure_id: str = "total") -> dict[int, pd.DataFrame]:
    """{edition_year: that edition's scores, as `scores` gives them} for every edition with any."""
    frame = _df(store, _MEASURE_SCORES, [index_id, measure_id])
    return {
        int(year): cut.drop(columns="edition_year").reset_index(drop=True)
        for year, cut in frame.groupby("edition_year", sort=True)
    }


def series(store: Store, index_id: str, iso3: str, measure_id: str = "total") -> pd.DataFrame:
    return _df(
        store,
        """
        SELECT edition_year, value, published_rank, version_id
        FROM current_observations
        WHERE index_id = ? AND iso3 = ? AND measure_id = ?
        ORDER BY edition_year
        """,
        [index_id, iso3, measure_id],
    )


def observations(store: Store, index_id: str, edition_year: int) -> pd.DataFrame:
    """Every current measure of one edition, tidy."""
    return _df(store, _OBSERVATIONS, [index_id, edition_year])


def measures(store: Store, index_id: str, framework: str) -> pd.DataFrame:
    return _df(store, _MEASURES, [index_id, framework])


def peer_groups(store: Store) -> pd.DataFrame:
    return _df(store, _PEER_GROUPS)


def memberships(store: Store, group_id: str) -> pd.DataFrame:
    return _df(store, _MEMBERSHIPS, [group_id])


def strategies(store: Store) -> pd.DataFrame:
    return _df(store, _STRATEGIES)


def targets(store: Store, strategy_id: str | None = None) -> pd.DataFrame:
    return _df(store, _TARGETS, [strategy_id, strategy_id])


def progress_records(
    store: Store, target_id: str | None = None, include_withdrawn: bool = False
) -> pd.DataFrame:
    """Evidence records; a withdrawn (or corrected) record only on request."""
    return _df(store, _PROGRESS_RECORDS, [target_id, target_id, include_withdrawn])


def agencies(store: Store) -> pd.DataFrame:
    return _df(store, _AGENCIES)


def versions(store: Store, index_id: str | None = None) -> pd.DataFrame:
    return _df(
        store,
        "SELECT * FROM versions WHERE ? IS NULL OR index_id = ? ORDER BY index_id, edition_year, version_id",
        [index_id, index_id],
    )


def audit_log(store: Store, limit: int = 500) -> pd.DataFrame:
    return _df(store, "SELECT * FROM audit_log ORDER BY event_id DESC LIMIT ?", [limit])


# --- typed rows: for code that reads fields (metrics.store.rows) -----------------------------------


def index_rows(store: Store) -> list[rows.IndexRecord]:
    return _records(rows.IndexRecord, store, _INDICES)


def country_rows(store: Store) -> list[rows.CountryRecord]:
    return _records(rows.CountryRecord, store, _COUNTRIES)


def peer_group_rows(store: Store) -> list[rows.PeerGroupRecord]:
    return _records(rows.PeerGroupRecord, store, _PEER_GROUPS)


def membership_rows(store: Store, group_id: str) -> list[rows.MembershipRecord]:
    return _records(rows.MembershipRecord, store, _MEMBERSHIPS, [group_id])


def group_members(store: Store, group_id: str, on: dt.date) -> list[str]:
    """Members of a peer group on a date (membership has validity periods: ASEAN grew in 2025)."""
    # the group's whole membership, filtered here: a report asks for many dates of few groups
    day = on.date() if isinstance(on, dt.datetime) else on  # a datetime (or a pandas Timestamp): its day
    return [
        m.iso3
        for m in membership_rows(store, group_id)
        if m.valid_from <= day and (m.valid_to is None or m.valid_to >= day)
    ]


def strategy_rows(store: Store) -> list[rows.StrategyRecord]:
    return _records(rows.StrategyRecord, store, _STRATEGIES)


def target_rows(store: Store, strategy_id: str | None = None) -> list[rows.TargetRecord]:
    return _records(rows.TargetRecord, store, _TARGETS, [strategy_id, strategy_id])


def evidence_rows(
    store: Store, target_id: str | None = None, include_withdrawn: bool = False
) -> list[rows.EvidenceRecord]:
    """Evidence records; a withdrawn (or corrected) record only on request."""
    return _records(rows.EvidenceRecord, store, _PROGRESS_RECORDS, [target_id, target_id, include_withdrawn])


def agency_rows(store: Store) -> list[rows.AgencyRecord]:
    return _records(rows.AgencyRecord, store, _AGENCIES)


def edition_rows(store: Store, index_id: str | None = None) -> list[rows.EditionRecord]:
    """As `editions`: every index's editions with current data, or one index's (cut from them)."""
    if index_id is None:
        return _records(rows.EditionRecord, store, _EDITIONS)
    return _records(rows.EditionRecord, store, _EDITIONS, index_id=index_id)


def edition_row(store: Store, index_id: str, edition_year: int) -> rows.EditionRecord:
    found = [e for e in edition_rows(store, index_id) if e.edition_year == edition_year]
    if not found:
        raise NotFound("edition_not_found", index_id=index_id, edition_year=edition_year)
    return found[0]


def latest_headline_edition(store: Store, index_id: str) -> int | None:
    """The latest edition of an index whose countries mostly have a total (None: no such edition)."""
    return max((e.edition_year for e in edition_rows(store, index_id) if e.has_headline), default=None)


def score_rows(
    store: Store, index_id: str, edition_year: int, measure_id: str = "total"
) -> list[rows.ScoreRecord]:
    """As `scores`: one measure's current scores in one edition, best first (cut from every
    edition's)."""
    return _records(
        rows.ScoreRecord, store, _MEASURE_SCORES, [index_id, measure_id], edition_year=int(edition_year)
    )


def score_rows_by_edition(
    store: Store, index_id: str, measure_id: str = "total"
) -> dict[int, list[rows.ScoreRecord]]:
    """{edition_year: that edition's scores, as `score_rows` gives them} for every edition with any."""
    out: dict[int, list[rows.ScoreRecord]] = {}
    for r in _records(rows.ScoreRecord, store, _MEASURE_SCORES, [index_id, measure_id]):
        out.setdefault(r.edition_year, []).append(r)
    return out


def observation_rows(store: Store, index_id: str, edition_year: int) -> list[rows.ObservationRecord]:
    """Every current measure of one edition, tidy (by country, then measure)."""
    return _records(rows.ObservationRecord, store, _OBSERVATIONS, [index_id, edition_year])


def measure_rows(store: Store, index_id: str, framework: str) -> list[rows.MeasureRecord]:
    return _records(rows.MeasureRecord, store, _MEASURES, [index_id, framework])
