"""The per-edition figures of the staged rows, counted in ONE scan (part of the stage step).

In: the cursor, the relation holding the rows' numbers (iso_no, measure_no, edition_year, value,
published_rank), the matched countries and measure ids (their positions are iso_no and
measure_no), the measure ids two texts map to, and whether every row has a country. Out: an
`EditionFigures`: per edition its rows, countries, value range, measures and countries with a
total; the rows with a published rank; whether any (country, edition, measure) comes twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.ingest.source import Cursor

# The repeat check counts distinct (edition, country, measure) keys in a bitstring up to this many
# possible keys (16 MB a thread), with count(DISTINCT) above.
BITSTRING_MAX_KEYS = 2**27
HEADLINE = "total"


@dataclass(frozen=True)
class EditionStats:
    """One edition of the file, as counted."""

    year: int
    rows: int
    countries: int
    value_min: float
    value_max: float
    measure_ids: tuple[str, ...]  # sorted
    countries_with_total: int


@dataclass(frozen=True)
class EditionFigures:
    editions: tuple[EditionStats, ...]  # by year
    ranked_rows: int  # rows with a published rank
    has_repeats: bool  # some (country, edition, measure) comes twice

    def of(self, year: int) -> EditionStats:
        return next(e for e in self.editions if e.year == year)


@dataclass(frozen=True)
class _Counted:
    """An edition's row of either count: measure numbers not yet named, keys for the repeat test."""

    year: int
    rows: int
    countries: int
    value_min: float
    value_max: float
    measure_nos: list[int]
    countries_with_total: int
    ranked: int
    keyed_rows: int
    distinct_keys: int


def edition_figures(
    cur: Cursor,
    facts: str,
    iso_codes: tuple[str, ...],
    measure_ids: tuple[str, ...],
    collided: tuple[str, ...],
    every_row_keyed: bool,
) -> EditionFigures:
    """Per edition, in ONE scan: rows, countries, value range, measures, countries with a total,
    rows with a published rank; and whether any (country, edition, measure) comes twice: fewer
    distinct keys than rows, counted on one integer per row (the GROUP BY that lists the repeats
    runs only when there are some, in metrics.ingest.checks.duplicates)."""
    # (country, measure) -> one BIGINT per edition, injective: iso_no < countries, measure_no <
    # measures. Counted distinct as the set bits of a bitstring over the key range when that is
    # small (a flat array: ~7x cheaper than hashing a million keys), else with count(DISTINCT).
    countries, measures = max(len(iso_codes), 1), max(len(measure_ids), 1)
    total = measure_ids.index(HEADLINE) if HEADLINE in measure_ids else -1
    if countries * measures <= BITSTRING_MAX_KEYS and every_row_keyed:
        found = _from_bitstrings(cur, facts, countries, measures, total)
    else:
        collided_nos = [measure_ids.index(m) for m in collided]
        found = _counted(cur, facts, collided_nos, measures, countries * measures, total)
    editions = tuple(
        EditionStats(
            year=c.year,
            rows=c.rows,
            countries=c.countries,
            value_min=c.value_min,
            value_max=c.value_max,
            measure_ids=tuple(sorted(measure_ids[m] for m in c.measure_nos)),
            countries_with_total=c.countries_with_total,
        )
        for c in found
    )
    return EditionFigures(
        editions=editions,
        ranked_rows=sum(c.ranked for c in found),
        has_repeats=any(c.distinct_keys < c.keyed_rows for c in found),
    )


def _from_bitstrings(cur: Cursor, facts: str, countries: int, measures: int, total: int) -> list[_Counted]:
    """The figures when every row has a key: the edition's bitstring of (country, measure) keys
    holds its countries, measures and totals as well (read as a countries x measures grid), so the
    scan needs no DISTINCT aggregate beside it."""
    rows = cur.execute(
        f"""
        SELECT edition_year, count(*), min(value), max(value), count(published_rank),
               bitstring_agg(iso_no::BIGINT * $measures + measure_no, 0, $last)::VARCHAR
        FROM {facts} GROUP BY edition_year ORDER BY edition_year
        """,  # noqa: S608 - a fixed relation name; values are parameters
        {"measures": measures, "last": countries * measures - 1},
    ).fetchall()
    found = []
    for year, n, lo, hi, ranked, bits in rows:
        # Row i of the grid is bits[i * measures:(i + 1) * measures]; column j is bits[j::measures].
        found.append(
            _Counted(
                year=int(year),
                rows=int(n),
                countries=sum("1" in bits[i * measures : (i + 1) * measures] for i in range(countries)),
                value_min=float(lo),
                value_max=float(hi),
                measure_nos=[j for j in range(measures) if "1" in bits[j::measures]],
                countries_with_total=bits[total::measures].count("1") if total >= 0 else 0,
                ranked=int(ranked),
                keyed_rows=int(n),
                distinct_keys=bits.count("1"),
            )
        )
    return found


def _counted(
    cur: Cursor, facts: str, collided: list[int], measures: int, span: int, total: int
) -> list[_Counted]:
    """The figures with DISTINCT aggregates (rows without a country, measures that collide, or a
    key range too large for a bitstring)."""
    keyed = "iso_no IS NOT NULL" + (" AND NOT list_contains($collided, measure_no)" if collided else "")
    distinct = (
        "coalesce(bit_count(bitstring_agg(repeat_key, 0, $last) FILTER (WHERE keyed)), 0)"
        if span <= BITSTRING_MAX_KEYS
        else "count(DISTINCT repeat_key) FILTER (WHERE keyed)"
    )
    rows = cur.execute(
        f"""
        SELECT edition_year, count(*), count(DISTINCT iso_no), min(value), max(value),
               list(DISTINCT measure_no), count(DISTINCT iso_no) FILTER (WHERE measure_no = $total),
               count(published_rank), count(*) FILTER (WHERE keyed), {distinct}
        FROM (SELECT *, {keyed} AS keyed, iso_no::BIGINT * $measures + measure_no AS repeat_key
              FROM {facts})
        GROUP BY edition_year ORDER BY edition_year
        """,  # noqa: S608 - fixed text; values are parameters
        {
            "total": total,
            "measures": measures,
            **({"last": span - 1} if span <= BITSTRING_MAX_KEYS else {}),
            **({"collided": collided} if collided else {}),
        },
    ).fetchall()
    return [
        _Counted(
            year=int(year),
            rows=int(n),
            countries=int(n_countries),
            value_min=float(lo),
            value_max=float(hi),
            measure_nos=list(measure_nos),
            countries_with_total=int(with_total),
            ranked=int(ranked),
            keyed_rows=int(keyed_rows),
            distinct_keys=int(distinct_keys),
        )
        for year, n, n_countries, lo, hi, measure_nos, with_total, ranked, keyed_rows, distinct_keys in rows
    ]
