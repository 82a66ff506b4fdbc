"""Seed an empty database from data/ in one transaction, and bring an older one up to date.

Idempotent: a seeded store whose default data are current is left alone. A store seeded from an
earlier data/ (an existing var/dashboard.duckdb) gains the default rows it lacks (new strategies,
targets, agencies, peer groups, indices and editions, evidence records) and the new columns of the
rows it has, in one transaction; nothing an analyst added or changed is touched.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pandas as pd

from metrics.dataset import DATA_DIR, Dataset, load_dataset
from metrics.store.connection import TABLES, Store, insert_frame
from metrics.store.fingerprint import DATA_KEY, data_fingerprint

SEED_ACTOR = "seed"

Outcome = Literal["seeded", "upgraded", "current"]


def is_seeded(store: Store) -> bool:
    with store.reader() as cur:
        return cur.execute("SELECT count(*) FROM meta WHERE key = 'seeded_at'").fetchall()[0][0] > 0


def seed_if_empty(store: Store, data_dir: Path = DATA_DIR) -> bool:
    """Seed once; return True when this call seeded. Validation happens before any write.
    A store seeded earlier is upgraded to the current default data (see seed_or_upgrade)."""
    return seed_or_upgrade(store, data_dir) == "seeded"


def seed_or_upgrade(store: Store, data_dir: Path = DATA_DIR) -> Outcome:
    fingerprint = data_fingerprint(data_dir)
    if is_seeded(store):
        return "upgraded" if _upgrade(store, data_dir, fingerprint) else "current"
    dataset = load_dataset(data_dir)
    with store.transaction(SEED_ACTOR, "seed", {"data_dir": str(data_dir)}) as cur:
        # Re-checked under the write lock: two processes/threads starting at once seed only once.
        if cur.execute("SELECT count(*) FROM meta WHERE key = 'seeded_at'").fetchall()[0][0]:
            return "current"
        write_dataset(cur, dataset)
        cur.execute("INSERT INTO meta VALUES ('seeded_at', ?)", [dt.datetime.now(dt.UTC).isoformat()])
        cur.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [DATA_KEY, fingerprint])
    return "seeded"


def _stored_fingerprint(store: Store) -> str | None:
    with store.reader() as cur:
        rows = cur.execute("SELECT value FROM meta WHERE key = ?", [DATA_KEY]).fetchall()
    return rows[0][0] if rows else None


def _upgrade(store: Store, data_dir: Path, fingerprint: str) -> bool:
    if _stored_fingerprint(store) == fingerprint:
        return False
    dataset = load_dataset(data_dir)
    with store.transaction(SEED_ACTOR, "upgrade_default_data", {"data_dir": str(data_dir)}) as cur:
        rows = cur.execute("SELECT value FROM meta WHERE key = ?", [DATA_KEY]).fetchall()
        if rows and rows[0][0] == fingerprint:
            return False
        upgrade_dataset(cur, dataset)
        cur.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [DATA_KEY, fingerprint])
    return True


def _frame(models, exclude: set[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame([m.model_dump(exclude=exclude) for m in models])


def _tables(ds: Dataset) -> dict[str, pd.DataFrame]:
    """Each default table as a frame with the store's column names."""
    groups = _frame(ds.groups)
    groups["description_en"] = [ds.group_descriptions[g][0] for g in groups["group_id"]]
    groups["description_vi"] = [ds.group_descriptions[g][1] for g in groups["group_id"]]
    members = _frame(ds.memberships)
    members["source"] = ds.membership_sources
    targets = _frame(ds.targets)
    targets["coordinating_agencies"] = [";".join(a) for a in targets["coordinating_agencies"]]
    aliases = [(a, c.iso3) for c in ds.countries for a in dict.fromkeys(c.aliases)]
    return {
        "countries": _frame(ds.countries, {"aliases"}),
        "country_aliases": pd.DataFrame(aliases, columns=["alias", "iso3"]),
        "peer_groups": groups,
        "peer_group_members": members,
        "indices": _frame(ds.indices),
        "frameworks": pd.DataFrame(ds.frameworks),
        "editions": _frame(ds.editions),
        "measures": _frame(ds.measures),
        "agencies": _frame(ds.agencies),
        "strategies": _frame(ds.strategies),
        "targets": targets,
        "progress_records": _frame(ds.progress, {"record_id"}),
    }


def write_dataset(cur, ds: Dataset) -> None:
    for table, frame in _tables(ds).items():
        insert_frame(cur, table, frame)
    write_seed_versions(cur, ds)


# The key of each table's rows: an upgrade inserts the default rows whose key the store lacks.
_KEYS = {
    "countries": ("iso3",),
    "country_aliases": ("alias", "iso3"),
    "peer_groups": ("group_id",),
    "peer_group_members": ("group_id", "iso3"),
    "indices": ("index_id",),
    "frameworks": ("index_id", "framework"),
    "editions": ("index_id", "edition_year"),
    "measures": ("index_id", "framework", "measure_id"),
    "agencies": ("agency_id",),
    "strategies": ("strategy_id",),
    "targets": ("target_id",),
    "progress_records": ("target_id", "recorded_on", "source_url"),
}
# Columns added to existing rows since the first seeds: an upgrade copies them from data/.
_NEW_COLUMNS = {
    "editions": ("notes_vi",),
    "indices": ("coverage", "short_name_vi", "unit_en", "unit_vi"),
    "strategies": ("kind", "superseded_by", "superseded_on"),
    "targets": (
        "target_high",
        "base_year",
        "indicator_no",
        "appendix_group",
        "lead_agency",
        "coordinating_agencies",
        "yardstick_proxy",
        "succeeded_by",
    ),
}


def upgrade_dataset(cur, ds: Dataset) -> None:
    """Insert the default rows the store lacks; fill the new columns of the default rows it has."""
    have = {tuple(r) for r in cur.execute("SELECT index_id, edition_year FROM versions").fetchall()}
    for table, frame in _tables(ds).items():
        _insert_missing(cur, table, frame, _KEYS[table])
        if table in _NEW_COLUMNS:
            _update_columns(cur, table, frame, _KEYS[table], _NEW_COLUMNS[table])
    write_seed_versions(cur, ds, skip=have)


def _insert_missing(cur, table: str, frame: pd.DataFrame, keys: tuple[str, ...]) -> None:
    if table not in TABLES or frame.empty:
        return
    cur.register("_defaults", frame)
    try:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        match = " AND ".join(f't."{k}" = d."{k}"' for k in keys)
        cur.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _defaults d"  # noqa: S608 - allow-listed table, model columns
            f" WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})"
        )
    finally:
        cur.unregister("_defaults")


def _update_columns(
    cur, table: str, frame: pd.DataFrame, keys: tuple[str, ...], columns: tuple[str, ...]
) -> None:
    if table not in TABLES or frame.empty:
        return
    cur.register("_defaults", frame)
    try:
        sets = ", ".join(f'"{c}" = d."{c}"' for c in columns)
        match = " AND ".join(f'{table}."{k}" = d."{k}"' for k in keys)
        cur.execute(f"UPDATE {table} SET {sets} FROM _defaults d WHERE {match}")  # noqa: S608 - allow-listed table, model columns
    finally:
        cur.unregister("_defaults")


def write_seed_versions(cur, ds: Dataset, skip: set[tuple[str, int]] | None = None) -> None:
    """Each (index, edition) of observations.csv becomes one import version, with its provenance
    (except those in `skip`: an upgraded store keeps the versions it has, imports included)."""
    obs = _frame(ds.observations)
    editions = {(e.index_id, e.edition_year): e for e in ds.editions}
    licences = {i.index_id: i.licence for i in ds.indices}
    for (index_id, year), part in obs.groupby(["index_id", "edition_year"], sort=True):
        if skip and (index_id, int(year)) in skip:
            continue
        edition = editions[(index_id, int(year))]
        version_id = cur.execute(
            "INSERT INTO versions (index_id, edition_year, is_current, source_url, licence, file_name, sha256,"
            " imported_by, row_count, country_count, note, source_file)"
            " VALUES (?, ?, true, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING version_id",
            [
                index_id,
                int(year),
                edition.source_url,
                licences.get(index_id, ""),
                "data/observations.csv",
                ds.observations_sha256,
                SEED_ACTOR,
                len(part),
                part["iso3"].nunique(),
                f"default dataset; publisher file {edition.source_file}",
                part["source_file"].iloc[0],  # one per edition (metrics.dataset.check_references)
            ],
        ).fetchall()[0][0]
        part = part[["iso3", "measure_id", "value", "published_rank", "name_in_source"]].assign(
            version_id=version_id
        )
        part["published_rank"] = part["published_rank"].astype("Int64")
        insert_frame(cur, "observations", part)
