"""The tidy CSV fast path of the import: a large plain CSV parsed by DuckDB's read_csv with the
lenient reader's rules (split from metrics.store.imports; the pipeline calls it through there)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

from metrics.errors import MetricsError

_GROUPED_NUMBER = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"
_RANK = r"[=t]?\s*(\d+)\s*(st|nd|rd|th)?\s*=?"
# The spaces a marker may hold, all removed before the comparison, as metrics.ingest.cells.SPACES
# does (tabs, no-break, narrow no-break, thin and figure spaces; trim() strips ASCII spaces only).
_SPACES = "[\\s\u00a0\u202f\u2009\u2007]+"


SCRATCH_DB = "import_scratch"
# The rescued value texts of read_tidy_csv, registered on its connection for the rules pass.
_RESCUE_VIEW = "import_rescue"
_RESCUE_CASE = "WHEN value_d IS NULL THEN (SELECT r.number FROM import_rescue r WHERE r.text = value_text)"
_SCRATCH_NAME = re.compile(r"import_[0-9a-f]{32}")


def drop_scratch(cur, table: str) -> None:
    """Drop a scratch table of read_tidy_csv (and its detail table), if there."""
    import duckdb

    if not _SCRATCH_NAME.fullmatch(table or ""):
        return
    for name in (table, f"{table}_detail"):
        with contextlib.suppress(duckdb.Error):
            cur.execute(f"DROP TABLE IF EXISTS {SCRATCH_DB}.{name}")


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_tidy_csv(
    path: str,
    *,
    delimiter: str,
    n_columns: int,
    roles: dict[str, int],
    missing: tuple[str, ...],
    note_prefixes: tuple[str, ...],
    year_min: int,
    year_max: int,
    limit: int,
    cursor=None,
    scratch_table: str | None = None,
    rescue_number: Callable[[str], float | None] | None = None,
    decimal_comma: bool = False,
) -> dict[str, Any]:
    """Read a plain tidy CSV (UTF-8, header on line 1; dot decimals, or commas with decimal_comma)
    with DuckDB's read_csv.

    A dedicated, short-lived in-memory connection does the read (it needs file access, which
    the shared store cursors may not have). Every cell is read as text and parsed in SQL with the
    rules of metrics.ingest.readers (missing markers, thousands separators, "=6" ranks), so a bad
    cell is a problem with its line number rather than a silently dropped row. Line numbers come
    from the table's rowid (insertion order is the file's order): header = line 1. The first pass
    keeps only the parsed values and two flags (kept, has a problem); a file with problems is
    parsed a second time with every flag and text, to list them.

    Given a store `cursor` (whose database may read the file) and a `scratch_table` name, the pass
    runs on the store's own instance instead, into that table of the in-memory database
    `import_scratch` attached to it (shared by the store's cursors, gone with the process): the
    import's cursor then scans it natively, without an Arrow hand-over. The caller drops it
    (`drop_scratch`).

    `rescue_number(text) -> float | None` (the lenient reader's parser, from the caller): a value
    the SQL rules cannot read ("1 234.5", a Unicode minus) gets the number it gives, so a large
    file and a small one read the same numbers.

    Returns {"rows": pyarrow.Table (country, iso_code, edition_year, measure_text, value,
    published_rank, source_row) or None with a cursor, "relation": the SELECT of those columns
    from the scratch table (with a cursor), "kept": rows kept, "problems": [(code, line, role,
    value)], "problem_count": int, "years": [...], "records": data records read (for the caller's
    line-count check)}.
    """
    import duckdb

    if cursor is not None and not _SCRATCH_NAME.fullmatch(scratch_table or ""):
        raise ValueError(f"bad scratch table name {scratch_table!r}")
    parsed = f"{SCRATCH_DB}.{scratch_table}" if cursor is not None else "parsed"
    detail = f"{SCRATCH_DB}.{scratch_table}_detail" if cursor is not None else "detail"

    names = [f"c{i}" for i in range(n_columns)]

    def cell(role: str) -> str:
        return f"c{roles[role]}" if role in roles else "CAST(NULL AS VARCHAR)"

    miss = ", ".join(_sql_text(m) for m in missing)
    notes = " OR ".join(f"starts_with(lower(country), {_sql_text(p)})" for p in note_prefixes) or "false"

    def is_missing(expr: str, parsed: str) -> str:
        # The text test runs only where the number did not parse (CASE evaluates lazily).
        return (
            f"CASE WHEN {parsed} IS NOT NULL AND NOT isnan({parsed}) THEN false "
            f"ELSE ({expr} IS NULL OR lower(regexp_replace({expr}, '{_SPACES}', '', 'g')) IN ({miss})) END"
        )

    def number(expr: str) -> str:
        return f"TRY_CAST({expr} AS DOUBLE)"

    def value_number(expr: str) -> str:
        # With decimal commas, SQL reads only values without a "," or "." (whole numbers); the
        # others are read by rescue_number, the lenient reader's parser, once per distinct text.
        if decimal_comma:
            return (
                f"CASE WHEN contains({expr}, ',') OR contains({expr}, '.') THEN NULL ELSE {number(expr)} END"
            )
        return number(expr)

    grouped = "false" if decimal_comma else f"regexp_full_match(trim(value_text), '{_GROUPED_NUMBER}')"

    read = (
        f"read_csv({_sql_text(path)}, delim = {_sql_text(delimiter)}, header = true, all_varchar = true,"
        f" null_padding = true, names = {names!r}, quote = '\"', escape = '\"')"
    )

    def clean(expr: str) -> str:
        # a text trim() would not change (it strips spaces only), and not empty
        return f"({expr} <> '' AND NOT starts_with({expr}, ' ') AND NOT ends_with({expr}, ' '))"

    # A plain row: a finite value, a whole year in range, texts without outer spaces, a whole rank
    # >= 1 or none. Such a row is kept as it is and has no problem, so a file of plain rows needs
    # none of the per-cell rules below (missing markers, grouped numbers, notes, "=6" ranks).
    plain = ["isfinite(value_d)", clean(cell("country"))]
    if "year" in roles:
        plain += [f"year_d BETWEEN {int(year_min)} AND {int(year_max)}", "year_d = floor(year_d)"]
    if "measure" in roles:
        plain.append(clean(cell("measure")))
    if "iso_code" in roles:
        iso = cell("iso_code")
        plain.append(f"coalesce(NOT starts_with({iso}, ' ') AND NOT ends_with({iso}, ' '), true)")
    if "rank" in roles:
        plain.append(
            f"({cell('rank')} IS NULL OR (isfinite(rank_d) AND rank_d = floor(rank_d) AND rank_d >= 1"
            " AND rank_d < 2147483648))"
        )
    plain_pass = f"""
        WITH cells AS (
            SELECT {cell("country")} AS country, coalesce({cell("iso_code")}, '') AS iso_code,
                   {cell("measure")} AS measure_text, {value_number(cell("value"))} AS value_d,
                   {number(cell("year"))} AS year_d, {number(cell("rank"))} AS rank_d, {", ".join(names)}
            FROM {read}
        ), checked AS (
            SELECT *, coalesce({" AND ".join(plain)}, false) AS plain FROM cells
        )
        SELECT country, iso_code, measure_text, value_d AS value,
               CASE WHEN plain THEN CAST(year_d AS INTEGER) END AS year,
               CASE WHEN plain THEN CAST(rank_d AS INTEGER) END AS rank_, plain AS keep
        FROM checked
        """  # noqa: S608 - column names are fixed text from this function; path quoted

    def rules(rescued: bool) -> str:
        # A value SQL cannot read ("1 234.5", a Unicode minus) takes the number the caller's
        # rescue_number gave its text, if any: the same number the lenient reader would read.
        rescue = _RESCUE_CASE if rescued else ""
        return f"""
        WITH cells AS (
            SELECT trim(coalesce({cell("country")}, '')) AS country, trim(coalesce({cell("iso_code")}, '')) AS iso_code,
                   {cell("year")} AS year_text, trim({cell("measure")}) AS measure_text,
                   {cell("value")} AS value_text, {cell("rank")} AS rank_text,
                   {value_number(cell("value"))} AS value_d, {number(cell("year"))} AS year_d,
                   {number(cell("rank"))} AS rank_d
            FROM {read}
        ), typed AS (
        SELECT country, iso_code, year_text, measure_text, value_text, rank_text,
               {is_missing("value_text", "value_d")} AS value_missing,
               CASE WHEN isfinite(value_d) THEN value_d
                    WHEN value_d IS NULL AND {grouped}
                    THEN TRY_CAST(replace(trim(value_text), ',', '') AS DOUBLE)
                    {rescue} END AS value,
               {is_missing("year_text", "year_d")} AS year_missing,
               CASE WHEN isfinite(year_d) AND year_d = floor(year_d) THEN CAST(year_d AS INTEGER) END AS year,
               {is_missing("rank_text", "rank_d")} AS rank_missing,
               CASE WHEN isfinite(rank_d) AND rank_d = floor(rank_d) THEN CAST(rank_d AS INTEGER)
                    ELSE TRY_CAST(regexp_extract(lower(trim(rank_text)), '^{_RANK}$', 1) AS INTEGER) END AS rank_,
               country = '' AS country_missing,
               CASE WHEN value_d IS NOT NULL THEN false ELSE ({notes}) END AS is_note
        FROM cells
        )
        """  # noqa: S608 - column names and markers are fixed text from this function; path quoted

    typed = rules(False)
    checks = [
        ("not_a_number", "value", "NOT value_missing AND value IS NULL AND NOT is_note", "value_text"),
        ("missing_country", "country", "country_missing AND NOT value_missing", "NULL"),
    ]
    if "rank" in roles:
        checks.append(
            (
                "not_a_number",
                "rank",
                "NOT rank_missing AND (rank_ IS NULL OR rank_ < 1) AND NOT is_note",
                "rank_text",
            )
        )
    ok = "NOT country_missing AND value IS NOT NULL AND NOT is_note"
    if "year" in roles:
        checks += [
            ("missing_year", "year", f"{ok} AND year_missing", "NULL"),
            ("not_a_number", "year", f"{ok} AND NOT year_missing AND year IS NULL", "year_text"),
            (
                "year_out_of_range",
                "year",
                f"{ok} AND year IS NOT NULL AND (year < {int(year_min)} OR year > {int(year_max)})",
                "year_text",
            ),
        ]
    if "measure" in roles:
        checks.append(("missing_measure", "measure", f"{ok} AND coalesce(measure_text, '') = ''", "NULL"))
    year = "year" if "year" in roles else "CAST(NULL AS INTEGER)"
    keep = f"{ok} AND NOT coalesce(year < {int(year_min)} OR year > {int(year_max)}, false)"
    flagged = " OR ".join(f"coalesce({where}, false)" for _, _, where, _ in checks)
    conn = cursor or duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    relation, distinct = None, None
    try:
        if cursor is not None:
            conn.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SCRATCH_DB}")
        # ONE parallel pass over the file into a table of the parsed values; its rowid follows the
        # file's order (insertion order is preserved): line = rowid + 2 (header = line 1). A
        # row_number() window here would run the whole pass on one thread. First the typed pass
        # (the CSV reader parses the numbers itself), then, when a cell is not a plain number or
        # a text has outer spaces, the plain pass and the per-cell rules.
        typed_read = _typed_pass(
            conn, parsed, path, delimiter, names, roles, year_min, year_max, decimal_comma
        )
        if typed_read is not None:
            (records, years, distinct), not_plain = typed_read, 0
        else:
            conn.execute(f"CREATE TABLE {parsed} AS {plain_pass}")
            records, not_plain, years = conn.execute(
                f"SELECT count(*), count(*) FILTER (WHERE NOT keep), list(DISTINCT year) FROM {parsed}"  # noqa: S608
            ).fetchall()[0]
        problem_rows, kept = 0, records
        if not_plain:
            # Some cell needs the per-cell rules: the pass again with them, keeping what is kept
            # and two flags (kept, has a problem).
            conn.execute(f"DROP TABLE {parsed}")

            def rules_pass(rules_sql: str) -> tuple:
                conn.execute(
                    f"""
                    CREATE TABLE {parsed} AS {rules_sql}
                    SELECT country, iso_code, measure_text, value, {year} AS year, rank_,
                           {keep} AS keep, {flagged} AS flagged
                    FROM typed
                    """  # noqa: S608 - fixed text from this function
                )
                return conn.execute(
                    "SELECT count(*), count(*) FILTER (WHERE flagged), count(*) FILTER (WHERE keep),"  # noqa: S608
                    f" list(DISTINCT year) FILTER (WHERE keep) FROM {parsed}"
                ).fetchall()[0]

            records, problem_rows, kept, years = rules_pass(typed)
            if problem_rows and rescue_number is not None:
                # Values SQL could not read: the caller's parser may read them (a pass over the
                # file only when some cell is a problem so far).
                odd = conn.execute(
                    f"{typed} SELECT DISTINCT value_text FROM typed"  # noqa: S608 - fixed text from this function
                    " WHERE NOT value_missing AND value IS NULL AND NOT is_note"
                ).fetchall()
                rescued = _rescued_numbers([text for (text,) in odd], rescue_number)
                if rescued:
                    conn.execute(
                        f"CREATE OR REPLACE TEMP TABLE {_RESCUE_VIEW} AS"
                        " SELECT unnest($1::VARCHAR[]) AS text, unnest($2::DOUBLE[]) AS number",
                        [list(rescued), list(rescued.values())],
                    )
                    typed = rules(True)
                    conn.execute(f"DROP TABLE {parsed}")
                    records, problem_rows, kept, years = rules_pass(typed)
        problems: list[tuple] = []
        problem_count = 0
        if problem_rows:
            # Only a file with problems pays a second pass, keeping every flag and text to quote.
            conn.execute(f"CREATE OR REPLACE TABLE {detail} AS {typed} SELECT * FROM typed")  # noqa: S608
            union = " UNION ALL ".join(
                f"SELECT {_sql_text(code)} AS code, rowid + 2 AS line, {_sql_text(role)} AS role, "  # noqa: S608
                f"{value} AS value FROM {detail} WHERE {where}"
                for code, role, where, value in checks
            )
            problem_count = conn.execute(f"SELECT count(*) FROM ({union})").fetchall()[0][0]  # noqa: S608
            problems = conn.execute(
                f"SELECT * FROM ({union}) ORDER BY line, role LIMIT {int(limit)}"  # noqa: S608
            ).fetchall()
            conn.execute(f"DROP TABLE IF EXISTS {detail}")
        columns = [
            "country",
            ("year" if "year" in roles else "CAST(NULL AS INTEGER)") + " AS edition_year",
            "coalesce(measure_text, '') AS measure_text" if "measure" in roles else "'total' AS measure_text",
            "value",
            f"{'rank_' if 'rank' in roles else 'CAST(NULL AS INTEGER)'} AS published_rank",
            "rowid + 2 AS source_row",
        ]
        if "iso_code" in roles:
            columns.append("iso_code")
        where = "" if kept == records else "WHERE keep"
        select = f"SELECT {', '.join(columns)} FROM {parsed} {where}"  # noqa: S608
        if cursor is None:
            rows = conn.sql(select).to_arrow_table()
        else:
            rows, relation = None, select
            columns = [c.split(" AS ")[-1] for c in columns]
    except duckdb.Error as exc:
        if cursor is not None:
            drop_scratch(cursor, scratch_table or "")
        raise MetricsError("csv_read_failed", reason=str(exc).splitlines()[0]) from exc
    finally:
        if cursor is None:
            conn.close()
        else:
            with contextlib.suppress(Exception):  # made only when a value was rescued
                conn.execute(f"DROP TABLE IF EXISTS temp.{_RESCUE_VIEW}")
    return {
        "rows": rows,
        "relation": relation,
        "relation_columns": columns if relation else [],
        "distinct": distinct,
        "kept": kept,
        "problems": problems,
        "problem_count": problem_count,
        "years": years or [],
        "records": records,
    }


def _is_clean(text: str | None) -> bool:
    """Not empty and no outer spaces: a text the per-cell rules (which trim) would keep as it is."""
    return bool(text) and text is not None and text[0] != " " and text[-1] != " "


def _typed_pass(
    conn, parsed: str, path: str, delimiter: str, names, roles, year_min, year_max, decimal_comma
):
    """The cheapest read of a file of plain rows: the CSV reader parses the numbers itself.

    Any cell it cannot parse (a missing marker, a grouped number, "=6") raises, and a row it can
    (an empty or non-finite value, a year out of range, a rank below 1, a text with outer spaces)
    counts as not plain: either way None, and the caller reads the file with the per-cell rules.
    Otherwise (records, years, distinct), `distinct` being the file's distinct names, measure
    texts and years in the shape of the import's staging query (so the import need not scan the
    rows again for them).
    """
    import duckdb

    types = {name: "VARCHAR" for name in names}
    for role, sql_type in (("year", "INTEGER"), ("value", "DOUBLE"), ("rank", "INTEGER")):
        if role in roles:
            types[f"c{roles[role]}"] = sql_type

    decimal = ", decimal_separator = ','" if decimal_comma else ""
    read = (
        f"read_csv({_sql_text(path)}, delim = {_sql_text(delimiter)}, header = true, null_padding = true,"
        f" columns = {types!r}, quote = '\"', escape = '\"'{decimal})"
    )
    row_ok = ["isfinite(value)"]
    if "year" in roles:
        row_ok.append(f"year BETWEEN {int(year_min)} AND {int(year_max)}")
    if "rank" in roles:
        row_ok.append("(rank_ IS NULL OR rank_ >= 1)")
    # Only the file's own columns go into the table (a constant column still costs a million
    # values); the missing ones are constants in the queries over it.
    stored = {
        "country": "{} AS country",
        "iso_code": "coalesce({}, '') AS iso_code",  # a row without a code has '', as in the rules
        "measure": "{} AS measure_text",
        "value": "{} AS value",
        "year": "{} AS year",
        "rank": "{} AS rank_",
    }
    present = [sql.format(f"c{roles[role]}") for role, sql in stored.items() if role in roles]
    iso = "iso_code" if "iso_code" in roles else "''"
    measure = "measure_text" if "measure" in roles else "CAST(NULL AS VARCHAR)"
    year = "year" if "year" in roles else "CAST(NULL AS INTEGER)"
    try:
        conn.execute(f"CREATE TABLE {parsed} AS SELECT {', '.join(present)} FROM {read}")  # noqa: S608 - fixed names; path quoted
        # The distinct names, measure texts and years: three small GROUP BYs (cheaper than one
        # GROUPING SETS here), in the shape of the import's staging query.
        groups = conn.execute(
            f"""
            SELECT 0, 1, country, {iso}, NULL, NULL, 0, 0 FROM {parsed} GROUP BY ALL
            UNION ALL
            SELECT 3, 0, NULL, NULL, {measure}, NULL, 0, 0 FROM {parsed} GROUP BY ALL
            UNION ALL
            SELECT 3, 1, NULL, NULL, NULL, {year}, count(*),
                   count(*) FILTER (WHERE NOT coalesce({" AND ".join(row_ok)}, false))
            FROM {parsed} GROUP BY {year}
            """  # noqa: S608 - fixed text from this module
        ).fetchall()
    except duckdb.Error:
        conn.execute(f"DROP TABLE IF EXISTS {parsed}")
        return None
    year_rows = [g for g in groups if g[0] and g[1]]
    plain = all(n_bad == 0 for *_, n_bad in year_rows)
    plain = plain and all(_is_clean(g[2]) and g[3] == g[3].strip(" ") for g in groups if not g[0])
    if "measure" in roles:
        plain = plain and all(_is_clean(g[4]) for g in groups if not g[1])
    if not plain:
        conn.execute(f"DROP TABLE {parsed}")
        return None
    records = sum(g[6] for g in year_rows)
    years = [g[5] for g in year_rows]
    total = "measure" not in roles
    distinct = [(a, b, c, d, "total" if total and not b else e, y) for a, b, c, d, e, y, _, _ in groups]
    return records, years, distinct


def _rescued_numbers(texts: list[str], rescue_number: Callable[[str], float | None]) -> dict[str, float]:
    """text -> number for each value text `rescue_number` reads a number in (empty when none). One
    call per distinct text, so even a file whose every value is odd costs one call per value."""
    return {text: float(number) for text in texts if (number := rescue_number(text)) is not None}
