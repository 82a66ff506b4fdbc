"""Read queries. Values are always bound as parameters; nothing here formats user text into SQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics.errors import NotFound
from metrics.store import rows
from metrics.store.connection import Store


def _df(store: Store, sql: str, params: list | None = None) -> pd.DataFrame:
    with store.reader() as cur:
        return cur.execute(sql, params or []).df()


def indices(store: Store) -> pd.DataFrame:
    return _df(store, "SELECT * FROM indices ORDER BY index_id")


def countries(store: Store) -> pd.DataFrame:
    return _df(store, "SELECT * FROM countries ORDER BY iso3")


def country_aliases(store: Store) -> pd.DataFrame:
    return _df(store, "SELECT alias, iso3, origin FROM country_aliases ORDER BY iso3, alias")


def editions(store: Store, index_id: str | None = None) -> pd.DataFrame:
    """Editions that have current data, with their provenance (current version).

    has_headline: at least half of the edition's countries have the headline measure (the total).
    An edition imported without totals has it false and is never a page's or report's default
    "latest" edition (see latest_headline_edition).

    One index's editions are cut from every index's (one query, which a report's read cache
    answers once for all the indices it cites)."""
    frame = _all_editions(store)
    if index_id is None:
        return frame
    return frame[frame["index_id"] == index_id].reset_index(drop=True)


def _all_editions(store: Store) -> pd.DataFrame:
    return _df(
        store,
        """
        SELECT e.*, v.version_id, v.imported_at, v.file_name, v.sha256, v.row_count, v.country_count,
               i.short_name, i.short_name_vi, i.name_en AS index_name_en, i.name_vi AS index_name_vi, i.publisher,
               i.higher_is_better, i.coverage, coalesce(h.countries, 0) AS headline_countries,
               coalesce(h.countries, 0) > 0 AND 2 * coalesce(h.countries, 0) >= v.country_count
                   AS has_headline
        FROM editions e
        JOIN versions v ON v.index_id = e.index_id AND v.edition_year = e.edition_year AND v.is_current
        JOIN indices i ON i.index_id = e.index_id
        LEFT JOIN (
            SELECT o.version_id, count(*) AS countries FROM observations o
            SEMI JOIN versions c ON c.version_id = o.version_id AND c.is_current
            WHERE o.measure_id = 'total' GROUP BY o.version_id
        ) h ON h.version_id = v.version_id
        ORDER BY e.index_id, e.edition_year
        """,
    )


def latest_headline_edition(store: Store, index_id: str) -> int | None:
    """The latest edition of an index whose countries mostly have a total (None: no such edition)."""
    frame = editions(store, index_id)
    frame = frame[frame["has_headline"]]
    return None if frame.empty else int(frame["edition_year"].max())


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
    frame = _measure_scores(store, index_id, measure_id)
    rows = frame[frame["edition_year"] == int(edition_year)]
    return rows.drop(columns="edition_year").reset_index(drop=True)


def scores_by_edition(store: Store, index_id: str, measure_id: str = "total") -> dict[int, pd.DataFrame]:
    """{edition_year: that edition's scores, as `scores` gives them} for every edition with any."""
    frame = _measure_scores(store, index_id, measure_id)
    return {
        int(year): rows.drop(columns="edition_year").reset_index(drop=True)
        for year, rows in frame.groupby("edition_year", sort=True)
    }


def _measure_scores(store: Store, index_id: str, measure_id: str) -> pd.DataFrame:
    return _df(
        store,
        """
        SELECT edition_year, iso3, value, published_rank, name_in_source, version_id
        FROM current_observations
        WHERE index_id = ? AND measure_id = ?
        ORDER BY edition_year, value DESC, iso3
        """,
        [index_id, measure_id],
    )


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
    return _df(
        store,
        """
        SELECT iso3, measure_id, value, published_rank, name_in_source, source_file, version_id
        FROM current_observations WHERE index_id = ? AND edition_year = ?
        ORDER BY iso3, measure_id
        """,
        [index_id, edition_year],
    )


def measures(store: Store, index_id: str, framework: str) -> pd.DataFrame:
    return _df(
        store,
        "SELECT * FROM measures WHERE index_id = ? AND framework = ? ORDER BY level DESC, parent_id, measure_id",
        [index_id, framework],
    )


def peer_groups(store: Store) -> pd.DataFrame:
    return _df(store, "SELECT * FROM peer_groups ORDER BY group_id")


def group_members(store: Store, group_id: str, on: dt.date) -> list[str]:
    """Members of a peer group on a date (membership has validity periods: ASEAN grew in 2025)."""
    # the group's whole membership, filtered here: a report asks for many dates of few groups
    frame = memberships(store, group_id)
    day = pd.Timestamp(on)
    return [
        iso3
        for iso3, start, end in zip(frame["iso3"], frame["valid_from"], frame["valid_to"], strict=True)
        if start <= day and (pd.isna(end) or end >= day)
    ]


def memberships(store: Store, group_id: str) -> pd.DataFrame:
    return _df(store, "SELECT * FROM peer_group_members WHERE group_id = ? ORDER BY iso3", [group_id])


def strategies(store: Store) -> pd.DataFrame:
    return _df(store, "SELECT * FROM strategies ORDER BY signed_on, strategy_id")


def targets(store: Store, strategy_id: str | None = None) -> pd.DataFrame:
    return _df(
        store,
        "SELECT * FROM targets WHERE ? IS NULL OR strategy_id = ? ORDER BY horizon_year, kind DESC, target_id",
        [strategy_id, strategy_id],
    )


def progress_records(
    store: Store, target_id: str | None = None, include_withdrawn: bool = False
) -> pd.DataFrame:
    """Evidence records; a withdrawn (or corrected) record only on request."""
    return _df(
        store,
        "SELECT * FROM progress_records WHERE (? IS NULL OR target_id = ?) AND (? OR status = 'active')"
        " ORDER BY target_id, recorded_on, record_id",
        [target_id, target_id, include_withdrawn],
    )


def agencies(store: Store) -> pd.DataFrame:
    return _df(store, "SELECT * FROM agencies ORDER BY agency_id")


def versions(store: Store, index_id: str | None = None) -> pd.DataFrame:
    return _df(
        store,
        "SELECT * FROM versions WHERE ? IS NULL OR index_id = ? ORDER BY index_id, edition_year, version_id",
        [index_id, index_id],
    )


def audit_log(store: Store, limit: int = 500) -> pd.DataFrame:
    return _df(store, "SELECT * FROM audit_log ORDER BY event_id DESC LIMIT ?", [limit])


# --- typed rows: for code that reads fields (metrics.store.rows); the frames above feed tables -----


def strategy_rows(store: Store) -> list[rows.StrategyRecord]:
    return rows.from_frame(rows.StrategyRecord, strategies(store))


def target_rows(store: Store, strategy_id: str | None = None) -> list[rows.TargetRecord]:
    return rows.from_frame(rows.TargetRecord, targets(store, strategy_id))


def evidence_rows(
    store: Store, target_id: str | None = None, include_withdrawn: bool = False
) -> list[rows.EvidenceRecord]:
    return rows.from_frame(rows.EvidenceRecord, progress_records(store, target_id, include_withdrawn))


def agency_rows(store: Store) -> list[rows.AgencyRecord]:
    return rows.from_frame(rows.AgencyRecord, agencies(store))


def edition_rows(store: Store, index_id: str | None = None) -> list[rows.EditionRecord]:
    return rows.from_frame(rows.EditionRecord, editions(store, index_id))


def edition_row(store: Store, index_id: str, edition_year: int) -> rows.EditionRecord:
    found = [e for e in edition_rows(store, index_id) if e.edition_year == edition_year]
    if not found:
        raise NotFound("edition_not_found", index_id=index_id, edition_year=edition_year)
    return found[0]


def measure_rows(store: Store, index_id: str, framework: str) -> list[rows.MeasureRecord]:
    return rows.from_frame(rows.MeasureRecord, measures(store, index_id, framework))
