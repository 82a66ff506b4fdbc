"""Content checks of an import, in DuckDB SQL over the staged rows (never row by row in Python).

The stage and plan steps (metrics.ingest.stage, metrics.ingest.plan) leave these temporary
relations on the import's cursor; the validate step (metrics.ingest.validate) decides which
checks here run:

- `import_rows`: country, iso_code, iso3 (NULL when the name matched no country),
  edition_year, measure_text (as in the file), measure_id, value, published_rank, source_row,
  source_sheet, iso_no, measure_no (a view: the numbers of each row are stored once, in
  `import_facts` or in the fast path's scratch table, the texts once per distinct name in
  `import_names` and per measure text in `import_measures`). A check that scans it runs only when
  the per-edition figures say it can find something (see metrics.ingest.validate);
- `import_names`: one row per DISTINCT (country, iso_code) with the ISO3 found for the name and
  for the code (computed once per distinct name in Python by the country matcher);
- `import_editions`: edition_year, scale_min, scale_max, check_scale, check_measures, framework,
  higher_is_better: what each edition of the file is checked against;
- `import_allowed_measures`: edition_year, measure_id: the framework's measures, for the editions
  whose framework is fixed (an edition already in the database).

Each check returns `Problem`s (errors: the import is refused) or warnings (shown in the preview as
"suspicious", the import may go on). A check lists at most MAX_PER_CHECK items and then one
`problems_truncated` item with the number left out, so a million bad rows stay readable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from metrics.errors import Problem
from metrics.ingest.figures import EditionStats

MAX_PER_CHECK = 500
ROWS_SHOWN = 10
# Warn when an edition's country count differs from the previous edition's by more than this share.
COUNTRY_COUNT_TOLERANCE = 0.2

Suggest = Callable[[str], list[tuple[str, str, float]]]


def _rows_text(rows: Iterable[Any]) -> str:
    rows = [int(r) for r in rows]
    text = ", ".join(str(r) for r in rows[:ROWS_SHOWN])
    return text + (", …" if len(rows) > ROWS_SHOWN else "")


def _truncated(code: str, total: int) -> list[Problem]:
    if total <= MAX_PER_CHECK:
        return []
    return [Problem("problems_truncated", params={"check": code, "count": total - MAX_PER_CHECK})]


def _sheet(params: dict[str, Any], sheet: str | None) -> dict[str, Any]:
    if sheet:
        params["sheet"] = sheet
    return params


def unknown_countries(cur, column: str | None, suggest: Suggest) -> list[Problem]:
    """One problem per distinct unknown name, at its first row, with the closest known names."""
    rows = cur.execute(
        """
        SELECT country, iso_code, min(source_row) AS first_row, count(*) AS n,
               list(source_row ORDER BY source_row)[1:?] AS rows_,
               arg_min(source_sheet, source_row) AS sheet, count(*) OVER () AS total
        FROM import_rows WHERE iso3 IS NULL
        GROUP BY country, iso_code ORDER BY first_row LIMIT ?
        """,
        [ROWS_SHOWN + 1, MAX_PER_CHECK],
    ).fetchall()
    problems = []
    for country, iso_code, first_row, n, rows_, sheet, _ in rows:
        found = suggest(country) or (suggest(iso_code) if iso_code else [])
        params = {
            "suggestions": "; ".join(f"{name} ({iso3})" for iso3, name, _ in found) or "–",
            "candidates": [[iso3, name, round(score, 1)] for iso3, name, score in found],
            "count": int(n),
            "rows": _rows_text(rows_),
        }
        problems.append(
            Problem("country_unmatched", int(first_row), column, country or iso_code, _sheet(params, sheet))
        )
    return problems + _truncated("country_unmatched", rows[0][-1] if rows else 0)


def code_mismatches(cur, column: str | None) -> list[Problem]:
    """The ISO code column names one country and the name another (e.g. a shifted row)."""
    rows = cur.execute(
        """
        SELECT n.country, n.iso_code, n.name_iso3, n.code_iso3, min(s.source_row), arg_min(s.source_sheet, s.source_row)
        FROM import_names n JOIN import_rows s USING (country, iso_code)
        WHERE n.name_iso3 IS NOT NULL AND n.code_iso3 IS NOT NULL AND n.name_iso3 <> n.code_iso3
        GROUP BY ALL ORDER BY 5 LIMIT ?
        """,
        [MAX_PER_CHECK],
    ).fetchall()
    return [
        Problem(
            "country_code_mismatch",
            int(row),
            column,
            f"{country} / {code}",
            _sheet({"name": country, "iso_code": code, "name_iso3": by_name, "code_iso3": by_code}, sheet),
        )
        for country, code, by_name, by_code, row, sheet in rows
    ]


def duplicates(cur, column: str | None, skip_measures: Iterable[str] = ()) -> list[Problem]:
    """Two rows for one (country, edition, measure), e.g. "Viet Nam" and "Vietnam" (GROUP BY).

    skip_measures: measures already reported as a collision of two columns (not a second problem).
    """
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE import_duplicate_keys AS
        SELECT iso3, edition_year, measure_id FROM import_rows
        WHERE iso3 IS NOT NULL AND NOT list_contains(?, measure_id)
        GROUP BY ALL HAVING count(*) > 1
        """,
        [list(skip_measures)],
    )
    rows = cur.execute(
        """
        SELECT iso3, edition_year, measure_id, list(DISTINCT country ORDER BY country) AS names,
               list(source_row ORDER BY source_row) AS rows_, count(*) OVER () AS total
        FROM import_rows JOIN import_duplicate_keys USING (iso3, edition_year, measure_id)
        GROUP BY iso3, edition_year, measure_id
        ORDER BY min(source_row) LIMIT ?
        """,
        [MAX_PER_CHECK],
    ).fetchall()
    problems = [
        Problem(
            "duplicate_country",
            int(rows_[1]),
            column,
            " / ".join(names),
            {
                "iso3": iso3,
                "edition": int(year),
                "measure": measure,
                "first_row": int(rows_[0]),
                "rows": _rows_text(rows_),
            },
        )
        for iso3, year, measure, names, rows_, _ in rows
    ]
    return problems + _truncated("duplicate_country", rows[0][-1] if rows else 0)


def measures_outside_framework(cur: Any, columns: Mapping[str | None, str | None]) -> list[Problem]:
    """Measures an existing edition's framework does not have (one problem per measure)."""
    rows = cur.execute(
        """
        SELECT r.edition_year, r.measure_text, r.measure_id, min(r.source_row), count(*), e.framework,
               arg_min(r.source_sheet, r.source_row)
        FROM import_rows r JOIN import_editions e USING (edition_year)
        WHERE e.check_measures AND NOT EXISTS (
            SELECT 1 FROM import_allowed_measures a
            WHERE a.edition_year = r.edition_year AND a.measure_id = r.measure_id)
        GROUP BY ALL ORDER BY 4 LIMIT ?
        """,
        [MAX_PER_CHECK],
    ).fetchall()
    known = dict(
        cur.execute(
            "SELECT edition_year, string_agg(measure_id, ', ' ORDER BY measure_id) FROM import_allowed_measures"
            " GROUP BY edition_year"
        ).fetchall()
    )
    return [
        Problem(
            "measure_not_in_framework",
            int(row),
            columns.get(text),
            text,
            _sheet(
                {
                    "measure": text,
                    "measure_id": mid,
                    "framework": framework,
                    "edition": int(year),
                    "known": known.get(year, ""),
                },
                sheet,
            ),
        )
        for year, text, mid, row, _n, framework, sheet in rows
    ]


def outside_scale(cur: Any, columns: Mapping[str | None, str | None]) -> list[Problem]:
    """Values outside the scale of their edition (editions whose scale is fixed)."""
    rows = cur.execute(
        """
        SELECT r.source_row, r.measure_text, r.value, e.scale_min, e.scale_max, r.edition_year,
               r.source_sheet, count(*) OVER () AS total
        FROM import_rows r JOIN import_editions e USING (edition_year)
        WHERE e.check_scale AND (r.value < e.scale_min OR r.value > e.scale_max)
        ORDER BY r.source_row, r.measure_text LIMIT ?
        """,
        [MAX_PER_CHECK],
    ).fetchall()
    problems = [
        Problem(
            "score_outside_scale",
            int(row),
            columns.get(text),
            repr(float(value)),
            _sheet({"min": f"{lo:g}", "max": f"{hi:g}", "edition": int(year), "measure": text}, sheet),
        )
        for row, text, value, lo, hi, year, sheet, _ in rows
    ]
    return problems + _truncated("score_outside_scale", rows[0][-1] if rows else 0)


def edition_mismatches(cur, edition: int, column: str | None) -> list[Problem]:
    """Rows whose year is not the edition the analyst asked for (one problem per year)."""
    rows = cur.execute(
        """
        SELECT edition_year, min(source_row), count(*), list(source_row ORDER BY source_row)[1:?]
        FROM import_stage WHERE edition_year IS NOT NULL AND edition_year <> ?
        GROUP BY edition_year ORDER BY 2
        """,
        [ROWS_SHOWN + 1, edition],
    ).fetchall()
    return [
        Problem(
            "edition_mismatch",
            int(row),
            column,
            str(year),
            {"edition": edition, "year": int(year), "count": int(n), "rows": _rows_text(rows_)},
        )
        for year, row, n, rows_ in rows
    ]


# --- warnings (the preview's "suspicious" list) -------------------------------------------------


def rank_disagreements(cur, column: str | None) -> list[Problem]:
    """Published ranks that differ from the competition rank of the scores (window function).

    Computed over the 'total' measure of each edition; direction from the index.
    """
    rows = cur.execute(
        """
        WITH ranked AS (
            SELECT r.*, e.higher_is_better,
                   CASE WHEN e.higher_is_better
                        THEN rank() OVER (PARTITION BY r.edition_year ORDER BY r.value DESC)
                        ELSE rank() OVER (PARTITION BY r.edition_year ORDER BY r.value ASC) END AS computed
            FROM import_rows r JOIN import_editions e USING (edition_year)
            WHERE r.measure_id = 'total' AND r.iso3 IS NOT NULL
        )
        SELECT source_row, country, iso3, edition_year, published_rank, computed, value, source_sheet,
               count(*) OVER () AS total
        FROM ranked WHERE published_rank IS NOT NULL AND published_rank <> computed
        ORDER BY abs(published_rank - computed) DESC, source_row LIMIT ?
        """,
        [MAX_PER_CHECK],
    ).fetchall()
    warnings = [
        Problem(
            "rank_disagrees_with_score",
            int(row),
            column,
            country,
            _sheet(
                {
                    "iso3": iso3,
                    "edition": int(year),
                    "published": int(published),
                    "computed": int(computed),
                    "score": float(value),
                },
                sheet,
            ),
        )
        for row, country, iso3, year, published, computed, value, sheet, _ in rows
    ]
    return warnings + _truncated("rank_disagrees_with_score", rows[0][-1] if rows else 0)


@dataclass(frozen=True)
class CountryCount:
    """An edition and how many countries it has."""

    edition: int
    countries: int


@dataclass(frozen=True)
class Replacement:
    """An edition's import that replaces its current version."""

    countries: int  # in the file
    version_id: int  # the version replaced
    previous_countries: int  # in that version


def country_count_changes(counts: dict[int, int], previous: dict[int, CountryCount]) -> list[Problem]:
    """An edition whose country count is far from the previous edition's (e.g. a sheet half read).

    counts: edition -> countries in the file; previous: edition -> the previous edition's count.
    """
    warnings = []
    for year, n in sorted(counts.items()):
        if year not in previous:
            continue
        prev_year, prev_n = previous[year].edition, previous[year].countries
        if prev_n and abs(n - prev_n) / prev_n > COUNTRY_COUNT_TOLERANCE:
            warnings.append(
                Problem(
                    "country_count_changed",
                    params={
                        "edition": year,
                        "count": n,
                        "previous_edition": prev_year,
                        "previous_count": prev_n,
                        "percent": round(100 * (n - prev_n) / prev_n),
                    },
                )
            )
    return warnings


def replacement_country_changes(replacements: dict[int, Replacement]) -> list[Problem]:
    """A replacement whose country count is far from the version it replaces (3 for 193)."""
    warnings = []
    for year, r in sorted(replacements.items()):
        n, old_n = r.countries, r.previous_countries
        if old_n and abs(n - old_n) / old_n > COUNTRY_COUNT_TOLERANCE:
            warnings.append(
                Problem(
                    "country_count_replaced",
                    params={
                        "edition": year,
                        "count": n,
                        "version": r.version_id,
                        "previous_count": old_n,
                        "percent": round(100 * (n - old_n) / old_n),
                    },
                )
            )
    return warnings


def headline_gaps(
    stats: Sequence[EditionStats], new_measures: dict[int, list[str]], columns: dict[str, str], allowed: bool
) -> tuple[list[Problem], list[Problem]]:
    """Editions where most countries have no headline measure (the total): a blocking problem,
    or (the analyst confirmed an edition without totals) a warning.

    stats: the editions' figures; new_measures: edition -> measures the index does not know (the
    columns that may hold the total); columns: measure -> header it came from."""
    problems, warnings = [], []
    for s in stats:
        if not s.countries or 2 * s.countries_with_total >= s.countries:
            continue
        candidates = [columns.get(m, m) for m in new_measures.get(s.year, [])]
        params = {
            "edition": s.year,
            "with_total": s.countries_with_total,
            "countries": s.countries,
            "columns": ", ".join(candidates) or "–",
        }
        if allowed:
            warnings.append(Problem("edition_without_headline", params=params))
        else:
            problems.append(Problem("headline_missing", params=params))
    return problems, warnings
