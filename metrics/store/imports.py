"""Versioned writes of imports, and the version history: list, compare, roll back, aliases.

Every write here runs in one `Store.transaction` (all or nothing, audited, data version bumped).
An import adds one version per (index, edition); the previous current version is kept with
is_current = false, so it can be compared with and rolled back to. Values are always bound as
parameters; the few identifiers formatted into SQL are fixed names from this module.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from pydantic import BaseModel

from metrics.auth import Actor
from metrics.errors import MetricsError, NotFound
from metrics.store.connection import Store, insert_frame
from metrics.store.users import authorise

# Test hook: seconds to sleep inside the import transaction, after every row is written and
# before COMMIT, so a test can SIGKILL the process mid-write. Unset in normal use.
PAUSE_ENV = "METRICS_IMPORT_PAUSE_IN_TRANSACTION"
VALUE_TOLERANCE = 1e-9  # below this a difference is float noise (publisher files vs the tidy CSV: 5e-11)


# --- reference data the pipeline needs --------------------------------------------------------


def reference(cur) -> dict[str, pd.DataFrame]:
    """Countries, aliases, indices, editions, measures and current versions (one cursor, one snapshot)."""
    sql = {
        "countries": "SELECT iso3, iso2, name_en, name_vi, name_vi_official FROM countries ORDER BY iso3",
        "aliases": "SELECT alias, iso3 FROM country_aliases ORDER BY iso3, alias",
        "indices": "SELECT i.*, d.unit, d.index_id IS NOT NULL AS created_by_import "
        "FROM indices i LEFT JOIN index_details d USING (index_id) ORDER BY index_id",
        "editions": "SELECT * FROM editions ORDER BY index_id, edition_year",
        "measures": "SELECT * FROM measures ORDER BY index_id, framework, measure_id",
        "versions": "SELECT version_id, index_id, edition_year, is_current, sha256, file_name, imported_at,"
        " row_count, country_count, w.version_id IS NOT NULL AS withdrawn"
        " FROM versions LEFT JOIN version_withdrawals w USING (version_id) ORDER BY version_id",
        "measure_aliases": "SELECT index_id, header_key, measure_id FROM measure_aliases ORDER BY ALL",
    }
    return {name: cur.execute(query).df() for name, query in sql.items()}


# --- writing an import ------------------------------------------------------------------------


def write_import(cur, plan: dict[str, Any], actor: Actor) -> list[dict[str, Any]]:
    """Write a checked import on the transaction's cursor; returns one dict per edition written.

    `plan` (built by metrics.ingest.pipeline) holds plain data: the index row when it is new,
    frameworks, measures and editions to create, and per edition the action:
    'new' / 'replace' (a new version from the staged rows), 'restore' (the identical file was
    imported before: that version becomes current again) or 'unchanged' (nothing to do).
    The staged rows are read from the temporary view `import_rows` of this cursor.
    """
    if plan.get("new_index"):
        insert_frame(cur, "indices", pd.DataFrame([plan["new_index"]]))
        cur.execute(
            "INSERT INTO index_details (index_id, unit, created_by) VALUES (?, ?, ?)",
            [plan["index_id"], plan.get("unit") or "", actor.name],
        )
    insert_frame(cur, "frameworks", pd.DataFrame(plan.get("new_frameworks", [])))
    insert_frame(cur, "measures", pd.DataFrame(plan.get("new_measures", [])))
    insert_frame(cur, "editions", pd.DataFrame(plan.get("new_editions", [])))
    for e in plan.get("updated_editions", []):  # a dataset's scale widened to hold new values
        cur.execute(
            "UPDATE editions SET scale_min = ?, scale_max = ? WHERE index_id = ? AND edition_year = ?",
            [e["scale_min"], e["scale_max"], e["index_id"], e["edition_year"]],
        )
    for alias in plan.get("measure_aliases", []):  # the analyst's confirmed column choices
        cur.execute(
            "INSERT OR REPLACE INTO measure_aliases (index_id, header_key, header, measure_id, added_by)"
            " VALUES (?, ?, ?, ?, ?)",
            [alias["index_id"], alias["header_key"], alias["header"], alias["measure_id"], actor.name],
        )
    index_id = plan["index_id"]
    todo = [ed for ed in plan["editions"] if ed["action"] != "unchanged"]
    if not todo:
        return []
    # Set-based, whatever the number of editions: the current versions step down in one UPDATE,
    # the new versions go in with one INSERT ... RETURNING, their rows with one INSERT ... SELECT.
    years = [int(ed["edition_year"]) for ed in todo]
    previous = dict(
        cur.execute(
            "UPDATE versions SET is_current = false"
            " WHERE index_id = ? AND list_contains(?, edition_year) AND is_current"
            " RETURNING edition_year, version_id",
            [index_id, years],
        ).fetchall()
    )
    restored = {
        int(ed["edition_year"]): int(ed["restore_version_id"]) for ed in todo if ed["action"] == "restore"
    }
    if restored:
        cur.execute(
            "UPDATE versions SET is_current = true WHERE list_contains(?, version_id)",
            [list(restored.values())],
        )
    fresh = [ed for ed in todo if ed["action"] != "restore"]
    created: dict[int, int] = {}
    if fresh:
        rows = pd.DataFrame(
            {
                "index_id": index_id,
                "edition_year": [int(ed["edition_year"]) for ed in fresh],
                "is_current": True,
                "source_url": plan.get("source_url") or "",
                "licence": plan.get("licence") or "",
                "file_name": plan["file_name"],
                "sha256": plan["sha256"],
                "imported_by": actor.name,
                "row_count": [int(ed["row_count"]) for ed in fresh],
                "country_count": [int(ed["country_count"]) for ed in fresh],
                "note": plan.get("note") or "",
            }
        )
        cur.register("_import_versions", rows)
        try:
            columns = ", ".join(rows.columns)
            created = dict(
                cur.execute(
                    f"INSERT INTO versions ({columns}) SELECT {columns} FROM _import_versions"  # noqa: S608
                    " RETURNING edition_year, version_id"
                ).fetchall()
            )
        finally:
            cur.unregister("_import_versions")
        mapping = json.dumps(plan.get("mapping") or {}, ensure_ascii=False, default=str)
        details = pd.DataFrame(
            {
                "version_id": [created[int(ed["edition_year"])] for ed in fresh],
                "reader": plan.get("reader") or "",
                "mapping": mapping,
                "warnings": [
                    json.dumps(ed.get("warnings") or [], ensure_ascii=False, default=str) for ed in fresh
                ],
                "created_edition": [bool(ed.get("edition_is_new")) for ed in fresh],
                "replaced_version": pd.array(
                    [previous.get(int(ed["edition_year"])) for ed in fresh], dtype="Int64"
                ),
            }
        )
        insert_frame(cur, "version_details", details)
        # Each row's version by a list lookup on its year (no join): the list holds the new version
        # of every year from the first to the last (NULL for a year not written: no row has one).
        first = min(created)
        by_year = [created.get(year) for year in range(first, max(created) + 1)]
        cur.execute(
            """
            INSERT INTO observations (version_id, index_id, edition_year, iso3, measure_id, value,
                                      published_rank, name_in_source, source_file)
            SELECT $versions[edition_year - $first + 1], $index_id, edition_year, iso3, measure_id, value,
                   published_rank, country, $file_name
            FROM import_rows WHERE list_contains($years, edition_year)
            """,
            {
                "versions": by_year,
                "first": first,
                "index_id": index_id,
                "file_name": plan["file_name"],
                "years": sorted(created),
            },
        )
    written = [
        {
            "edition_year": year,
            "version_id": restored.get(year, created.get(year)),
            "replaced": previous.get(year),
            "restored": year in restored,
        }
        for year in years
    ]
    _pause_for_tests()
    return written


def _pause_for_tests() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        print("import: paused inside the transaction", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


# --- version history --------------------------------------------------------------------------


def list_versions(store: Store, index_id: str | None = None) -> pd.DataFrame:
    """Every version with its provenance, newest first within each (index, edition)."""
    with store.reader() as cur:
        return cur.execute(
            """
            SELECT v.version_id, v.index_id, v.edition_year, v.is_current, v.file_name, v.sha256,
                   v.source_url, v.licence, v.imported_by, v.imported_at, v.row_count, v.country_count,
                   v.note, coalesce(d.reader, '') AS reader, d.replaced_version,
                   w.version_id IS NOT NULL AS withdrawn, coalesce(w.reason, '') AS withdrawn_reason,
                   w.withdrawn_by, w.withdrawn_at
            FROM versions v LEFT JOIN version_details d USING (version_id)
            LEFT JOIN version_withdrawals w USING (version_id)
            WHERE ? IS NULL OR v.index_id = ?
            ORDER BY v.index_id, v.edition_year DESC, v.version_id DESC
            """,
            [index_id, index_id],
        ).df()


def version(cur, version_id: int) -> dict[str, Any]:
    rows = cur.execute("SELECT * FROM versions WHERE version_id = ?", [int(version_id)]).df()
    if rows.empty:
        raise NotFound("version_not_found", version_id=int(version_id))
    return rows.iloc[0].to_dict()


class ValueChange(BaseModel):
    iso3: str
    measure_id: str
    old_value: float | None
    new_value: float | None
    old_rank: int | None
    new_rank: int | None


class Diff(BaseModel):
    """What changed from `old` to `new` (two versions, or the current version and a staged file)."""

    old_version_id: int | None
    new_version_id: int | None
    added_countries: list[str]
    removed_countries: list[str]
    added_measures: list[str]
    removed_measures: list[str]
    changed: list[ValueChange]
    changed_count: int
    rank_changed_count: int
    unchanged_count: int
    old_rows: int
    new_rows: int


# The relations a diff compares, as (iso3, measure_id, value, published_rank); one parameter each.
RELATIONS = {
    "version": "SELECT iso3, measure_id, value, published_rank FROM observations WHERE version_id = ?",
    # the rows of one edition staged by metrics.ingest.pipeline on this cursor
    "staged": "SELECT iso3, measure_id, value, published_rank FROM import_rows"
    " WHERE edition_year = ? AND iso3 IS NOT NULL",
}


def diff_relations(cur, old: tuple[str, int], new: tuple[str, int], limit: int = 500) -> dict:
    """Compare two relations (see RELATIONS) with a FULL OUTER JOIN on (iso3, measure_id)."""
    cur.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE import_diff AS
        WITH o AS ({RELATIONS[old[0]]}), n AS ({RELATIONS[new[0]]})
        SELECT coalesce(n.iso3, o.iso3) AS iso3, coalesce(n.measure_id, o.measure_id) AS measure_id,
               o.value AS old_value, n.value AS new_value,
               o.published_rank AS old_rank, n.published_rank AS new_rank,
               o.iso3 IS NULL AS added, n.iso3 IS NULL AS removed,
               NOT (o.iso3 IS NULL OR n.iso3 IS NULL) AND abs(o.value - n.value) > ? AS value_changed,
               NOT (o.iso3 IS NULL OR n.iso3 IS NULL) AND o.published_rank IS DISTINCT FROM n.published_rank
                   AS rank_changed
        FROM o FULL OUTER JOIN n ON o.iso3 = n.iso3 AND o.measure_id = n.measure_id
        """,  # noqa: S608 - the relations are fixed SQL from RELATIONS
        [int(old[1]), int(new[1]), VALUE_TOLERANCE],
    )
    counts = cur.execute(
        """
        SELECT count(*) FILTER (WHERE value_changed), count(*) FILTER (WHERE rank_changed),
               count(*) FILTER (WHERE NOT added AND NOT removed AND NOT value_changed AND NOT rank_changed),
               count(*) FILTER (WHERE NOT added), count(*) FILTER (WHERE NOT removed)
        FROM import_diff
        """
    ).fetchall()[0]

    def whole(column: str, flag: str) -> list[str]:
        rows = cur.execute(
            f"SELECT {column} FROM import_diff GROUP BY {column} HAVING bool_and({flag}) ORDER BY 1"  # noqa: S608
        ).fetchall()
        return [r[0] for r in rows]

    changed = cur.execute(
        """
        SELECT iso3, measure_id, old_value, new_value, old_rank, new_rank FROM import_diff
        WHERE value_changed OR rank_changed
        ORDER BY measure_id <> 'total', abs(new_value - old_value) DESC, iso3, measure_id
        LIMIT ?
        """,
        [int(limit)],
    ).fetchall()
    return {
        "added_countries": whole("iso3", "added"),
        "removed_countries": whole("iso3", "removed"),
        "added_measures": whole("measure_id", "added"),
        "removed_measures": whole("measure_id", "removed"),
        "changed": [
            ValueChange(
                iso3=r[0], measure_id=r[1], old_value=r[2], new_value=r[3], old_rank=r[4], new_rank=r[5]
            )
            for r in changed
        ],
        "changed_count": int(counts[0]),
        "rank_changed_count": int(counts[1]),
        "unchanged_count": int(counts[2]),
        "old_rows": int(counts[3]),
        "new_rows": int(counts[4]),
    }


def compare(store: Store, old_version_id: int, new_version_id: int, limit: int = 500) -> Diff:
    """What changed between two versions (usually two imports of one edition)."""
    with store.reader() as cur:
        version(cur, old_version_id)
        version(cur, new_version_id)
        found = diff_relations(cur, ("version", old_version_id), ("version", new_version_id), limit)
    return Diff(old_version_id=int(old_version_id), new_version_id=int(new_version_id), **found)


def rollback(store: Store, actor: Actor, version_id: int) -> dict[str, Any]:
    """Make an older version of an edition current again (the newer one is kept, not current)."""
    actor = authorise(store, actor, "analyst")
    with store.reader() as cur:
        target = version(cur, version_id)
    if target["is_current"]:
        raise MetricsError("version_already_current", version_id=int(version_id))
    if _is_withdrawn(store, version_id):
        raise MetricsError("version_withdrawn", version_id=int(version_id))
    detail: dict[str, Any] = {
        "version_id": int(version_id),
        "index_id": target["index_id"],
        "edition_year": int(target["edition_year"]),
    }
    with store.transaction(actor.name, "rollback", detail) as cur:
        current = cur.execute(
            "SELECT version_id FROM versions WHERE index_id = ? AND edition_year = ? AND is_current",
            [target["index_id"], int(target["edition_year"])],
        ).fetchall()
        detail["previous_version_id"] = current[0][0] if current else None
        cur.execute(
            "UPDATE versions SET is_current = (version_id = ?) WHERE index_id = ? AND edition_year = ?",
            [int(version_id), target["index_id"], int(target["edition_year"])],
        )
    return detail


REASON_MAX_CHARS = 500


def _is_withdrawn(store: Store, version_id: int) -> bool:
    with store.reader() as cur:
        rows = cur.execute("SELECT 1 FROM version_withdrawals WHERE version_id = ?", [int(version_id)])
        return bool(rows.fetchall())


def withdraw(store: Store, actor: Actor, version_id: int, reason: str) -> dict[str, Any]:
    """Withdraw a version (any, the only version of a new edition included), with a reason kept in
    the audit log. A current version hands over to the newest earlier version of its edition that
    is not withdrawn; when none is left the edition, and what its import created for it alone (a
    framework and its measures, a dataset with no other edition), is removed, so the pages are as
    they were before the import. The version's rows stay, for comparison."""
    actor = authorise(store, actor, "analyst")
    reason = " ".join((reason or "").split())
    if not reason:
        raise MetricsError("withdraw_reason_required", version_id=int(version_id))
    if len(reason) > REASON_MAX_CHARS:
        raise MetricsError("withdraw_reason_too_long", limit=REASON_MAX_CHARS)
    with store.reader() as cur:
        target = version(cur, version_id)
    if _is_withdrawn(store, version_id):
        raise MetricsError("version_withdrawn", version_id=int(version_id))
    index_id, year = target["index_id"], int(target["edition_year"])
    detail: dict[str, Any] = {
        "version_id": int(version_id),
        "index_id": index_id,
        "edition_year": year,
        "reason": reason,
        "was_current": bool(target["is_current"]),
    }
    with store.transaction(actor.name, "withdraw", detail) as cur:
        cur.execute(
            "INSERT INTO version_withdrawals (version_id, withdrawn_by, reason) VALUES (?, ?, ?)",
            [int(version_id), actor.name, reason],
        )
        remaining = cur.execute(
            "SELECT version_id FROM versions v WHERE index_id = ? AND edition_year = ?"
            " AND version_id NOT IN (SELECT version_id FROM version_withdrawals) ORDER BY version_id DESC",
            [index_id, year],
        ).fetchall()
        now_current = None
        if target["is_current"]:
            cur.execute("UPDATE versions SET is_current = false WHERE version_id = ?", [int(version_id)])
            if remaining:
                now_current = int(remaining[0][0])
                cur.execute("UPDATE versions SET is_current = true WHERE version_id = ?", [now_current])
        detail["now_current"] = now_current
        detail["edition_removed"] = not remaining and _remove_edition(cur, index_id, year)
    return detail


def _remove_edition(cur, index_id: str, year: int) -> bool:
    """Remove an edition none of whose versions is left, with the framework, measures and dataset
    rows that nothing else uses (an edition from data/ always keeps its seeded version)."""
    cur.execute("DELETE FROM editions WHERE index_id = ? AND edition_year = ?", [index_id, year])
    unused = "framework NOT IN (SELECT framework FROM editions WHERE index_id = $index)"
    cur.execute(f"DELETE FROM measures WHERE index_id = $index AND {unused}", {"index": index_id})  # noqa: S608
    cur.execute(f"DELETE FROM frameworks WHERE index_id = $index AND {unused}", {"index": index_id})  # noqa: S608
    left = cur.execute("SELECT count(*) FROM editions WHERE index_id = ?", [index_id]).fetchall()[0][0]
    used = cur.execute("SELECT count(*) FROM targets WHERE yardstick_index = ?", [index_id]).fetchall()[0][0]
    created = cur.execute("SELECT count(*) FROM index_details WHERE index_id = ?", [index_id]).fetchall()[0][
        0
    ]
    if not left and not used and created:
        cur.execute("DELETE FROM measure_aliases WHERE index_id = ?", [index_id])
        cur.execute("DELETE FROM index_details WHERE index_id = ?", [index_id])
        cur.execute("DELETE FROM indices WHERE index_id = ?", [index_id])
    return True


# --- country aliases ---------------------------------------------------------------------------


def insert_alias(store: Store, actor: Actor, alias: str, iso3: str) -> None:
    """Keep an analyst-confirmed alias (the caller has checked it with the country matcher)."""
    actor = authorise(store, actor, "analyst")
    with store.transaction(actor.name, "alias_add", {"alias": alias, "iso3": iso3}) as cur:
        cur.execute(
            "INSERT INTO country_aliases (alias, iso3, origin, added_by) VALUES (?, ?, 'analyst', ?)"
            " ON CONFLICT DO NOTHING",
            [alias, iso3, actor.name],
        )


# --- tidy CSV fast path ------------------------------------------------------------------------

_GROUPED_NUMBER = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"
_RANK = r"[=t]?\s*(\d+)\s*(st|nd|rd|th)?\s*=?"


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
            f"ELSE ({expr} IS NULL OR lower(replace(trim({expr}), ' ', '')) IN ({miss})) END"
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
                if rescued is not None:
                    conn.register(_RESCUE_VIEW, rescued)
                    typed = rules(True)
                    conn.execute(f"DROP TABLE {parsed}")
                    records, problem_rows, kept, years = rules_pass(typed)
        problems, problem_count = [], 0
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
            drop_scratch(cursor, scratch_table)
        raise MetricsError("csv_read_failed", reason=str(exc).splitlines()[0]) from exc
    finally:
        if cursor is None:
            conn.close()
        else:
            with contextlib.suppress(Exception):  # registered only when a value was rescued
                conn.unregister(_RESCUE_VIEW)
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
    return bool(text) and text[0] != " " and text[-1] != " "


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


def _rescued_numbers(texts: list[str], rescue_number: Callable[[str], float | None]) -> pd.DataFrame | None:
    """(text, number) for each value text `rescue_number` reads a number in; None when none. One
    call per distinct text, so even a file whose every value is odd costs one call per value."""
    pairs = [(text, number) for text in texts if (number := rescue_number(text)) is not None]
    if not pairs:
        return None
    return pd.DataFrame(pairs, columns=["text", "number"]).astype({"text": object, "number": "float64"})
