"""Versioned writes of imports, and the version history: list, compare, roll back, aliases.

Every write here runs in one `Store.transaction` (all or nothing, audited, data version bumped).
An import adds one version per (index, edition); the previous current version is kept with
is_current = false, so it can be compared with and rolled back to. Values are always bound as
parameters; the few identifiers formatted into SQL are fixed names from this module.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from metrics.auth import Actor
from metrics.errors import MetricsError, NotFound
from metrics.store.connection import Store, insert_rows
from metrics.store.users import authorise

if TYPE_CHECKING:  # list_versions' frame only: an import itself loads no pandas
    import pandas as pd

# Test hook: seconds to sleep inside the import transaction, after every row is written and
# before COMMIT, so a test can SIGKILL the process mid-write. Unset in normal use.
PAUSE_ENV = "METRICS_IMPORT_PAUSE_IN_TRANSACTION"
VALUE_TOLERANCE = 1e-9  # below this a difference is float noise (publisher files vs the tidy CSV: 5e-11)


# --- reference data the pipeline needs --------------------------------------------------------


Record = dict[str, Any]  # one row of a reference table: column -> value, None for NULL


@dataclass(frozen=True)
class ImportReference:
    """The reference data an import is checked against, read on one cursor (one snapshot): each
    table's rows as records, in the order of its query."""

    countries: tuple[Record, ...]
    aliases: tuple[Record, ...]
    indices: tuple[Record, ...]
    editions: tuple[Record, ...]
    measures: tuple[Record, ...]
    versions: tuple[Record, ...]
    measure_aliases: tuple[Record, ...]

    def of_index(self, table: str, index_id: str) -> list[Record]:
        """The rows of `table` (editions, measures, versions or measure_aliases) of one index."""
        rows: tuple[Record, ...] = getattr(self, table)
        return [row for row in rows if row["index_id"] == index_id]


_REFERENCE_SQL = {
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


def records(cur, query: str, parameters: list[Any] | None = None) -> tuple[Record, ...]:
    """A query's rows as records (column -> value), on the caller's cursor."""
    result = cur.execute(query, parameters or [])
    names = [d[0] for d in result.description]
    return tuple(dict(zip(names, row, strict=True)) for row in result.fetchall())


def reference(cur) -> ImportReference:
    """Countries, aliases, indices, editions, measures and current versions (one cursor, one snapshot)."""
    return ImportReference(**{name: records(cur, query) for name, query in _REFERENCE_SQL.items()})


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
        insert_rows(cur, "indices", [plan["new_index"]])
        cur.execute(
            "INSERT INTO index_details (index_id, unit, created_by) VALUES (?, ?, ?)",
            [plan["index_id"], plan.get("unit") or "", actor.name],
        )
    insert_rows(cur, "frameworks", plan.get("new_frameworks", []))
    insert_rows(cur, "measures", plan.get("new_measures", []))
    insert_rows(cur, "editions", plan.get("new_editions", []))
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
        versions = [
            {
                "index_id": index_id,
                "edition_year": int(ed["edition_year"]),
                "is_current": True,
                "source_url": plan.get("source_url") or "",
                "licence": plan.get("licence") or "",
                "file_name": plan["file_name"],
                "sha256": plan["sha256"],
                "imported_by": actor.name,
                "row_count": int(ed["row_count"]),
                "country_count": int(ed["country_count"]),
                "note": plan.get("note") or "",
                "source_file": plan["file_name"],
            }
            for ed in fresh
        ]
        created = dict(insert_rows(cur, "versions", versions, returning="edition_year, version_id"))
        mapping = json.dumps(plan.get("mapping") or {}, ensure_ascii=False, default=str)
        details = [
            {
                "version_id": created[int(ed["edition_year"])],
                "reader": plan.get("reader") or "",
                "mapping": mapping,
                "warnings": json.dumps(ed.get("warnings") or [], ensure_ascii=False, default=str),
                "created_edition": bool(ed.get("edition_is_new")),
                "replaced_version": previous.get(int(ed["edition_year"])),
            }
            for ed in fresh
        ]
        insert_rows(cur, "version_details", details)
        # Each row's version by a list lookup on its year (no join): the list holds the new version
        # of every year from the first to the last (NULL for a year not written: no row has one).
        first = min(created)
        by_year = [created.get(year) for year in range(first, max(created) + 1)]
        cur.execute(
            """
            INSERT INTO observations (version_id, iso3, measure_id, value, published_rank, name_in_source)
            SELECT $versions[edition_year - $first + 1], iso3, measure_id, value, published_rank, country
            FROM import_rows WHERE list_contains($years, edition_year)
            """,
            {"versions": by_year, "first": first, "years": sorted(created)},
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
    rows = records(cur, "SELECT * FROM versions WHERE version_id = ?", [int(version_id)])
    if not rows:
        raise NotFound("version_not_found", version_id=int(version_id))
    return rows[0]


@dataclass(kw_only=True)
class ValueChange:
    iso3: str
    measure_id: str
    old_value: float | None
    new_value: float | None
    old_rank: int | None
    new_rank: int | None


@dataclass(kw_only=True)
class Diff:
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


# The tidy CSV fast path lives in metrics.store.tidy_csv; the pipeline reaches it through here.
from metrics.store.tidy_csv import SCRATCH_DB as SCRATCH_DB  # noqa: E402
from metrics.store.tidy_csv import drop_scratch as drop_scratch  # noqa: E402
from metrics.store.tidy_csv import read_tidy_csv as read_tidy_csv  # noqa: E402
