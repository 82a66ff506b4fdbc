"""Many readers through the app's own data layer while imports and rollbacks run.

One Store, as in the Streamlit process: 8 reader threads call the same services and queries the
pages call, while a writer thread imports new versions of GAIRI 2023 and rolls back to the
original, again and again. No read may fail, and every read must see one version whole: the
scores of exactly one version, and a rank row whose score is the one stored in the version it
names (versions are never changed once written, so every read can be checked afterwards).
"""

from __future__ import annotations

import threading
import time

import pytest

from metrics import services
from metrics.auth import CLI_ACTOR, Actor
from metrics.ingest import pipeline
from metrics.store import backup, open_store, queries
from metrics.store import imports as store_imports

ANALYST = Actor(name="ana", role="analyst")
INDEX, YEAR = "GAIRI", 2023
READERS = 6
ROUNDS = 3


def _variant(store, path, shift: float) -> None:
    """A tidy CSV of GAIRI 2023 with every value moved by `shift` (a new version when imported)."""
    obs = queries.observations(store, INDEX, YEAR)
    names = dict(zip(queries.countries(store)["iso3"], queries.countries(store)["name_en"], strict=True))
    lines = ["country,iso_code,year,measure,value"]
    lines += [
        f'"{names[r.iso3]}",{r.iso3},{YEAR},{r.measure_id},{min(max(r.value + shift, 0.0), 100.0):.4f}'
        for r in obs.itertuples()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def db(fresh_db, tmp_path):
    store = open_store(fresh_db)
    original = int(queries.editions(store, INDEX).set_index("edition_year").loc[YEAR, "version_id"])
    files = []
    for k in range(ROUNDS):
        path = tmp_path / f"gairi_{YEAR}_v{k}.csv"
        _variant(store, path, 0.25 * (k + 1))
        files.append(path)
    yield store, original, files
    store.close()


def test_readers_see_whole_versions_while_imports_and_rollbacks_run(db):
    store, original, files = db
    stop = threading.Event()
    errors: list[str] = []
    score_reads: list[tuple[frozenset, tuple]] = []  # (version ids seen, (iso3, value) pairs)
    rank_reads: list[tuple[int, int, float | None]] = []  # (edition, version id, VNM score)
    reads = [0] * READERS

    def reader(n: int) -> None:
        while not stop.is_set():
            try:
                frame = queries.scores(store, INDEX, YEAR)
                score_reads.append(
                    (frozenset(frame["version_id"]), tuple(zip(frame["iso3"], frame["value"], strict=True)))
                )
                for row in services.rank_history(store, INDEX, "VNM", "ASEAN"):
                    rank_reads.append((row.edition_year, row.version_id, row.score))
                if n % 2:
                    services.assess_targets(store, "VNM")
                reads[n] += 1
            except Exception as exc:  # any exception is a failure of the data layer
                errors.append(f"reader {n}: {type(exc).__name__}: {exc}")
                return

    written: list[int] = []

    def writer() -> None:
        try:
            for path in files:
                result = pipeline.import_file(
                    store, ANALYST, path, pipeline.ImportOptions(index_id=INDEX, edition_year=YEAR)
                )
                written.extend(v["version_id"] for v in result.versions)
                time.sleep(0.05)
                store_imports.rollback(store, ANALYST, original)
                time.sleep(0.05)
            store_imports.rollback(store, ANALYST, written[-1])  # end on a new version
        except Exception as exc:
            errors.append(f"writer: {type(exc).__name__}: {exc}")
        finally:
            stop.set()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for t in threads:
        t.start()
    time.sleep(0.2)  # readers running before the first write
    w = threading.Thread(target=writer)
    w.start()
    w.join(timeout=120)
    stop.set()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(written) == ROUNDS and min(reads) > 0 and sum(reads) >= 2 * READERS

    # Every read, checked against the versions as stored (they never change once written).
    with store.reader() as cur:
        stored = {
            v: dict(
                cur.execute(
                    "SELECT iso3, value FROM observations WHERE version_id = ? AND measure_id = 'total'", [v]
                ).fetchall()
            )
            for v in [original, *written]
        }
        vnm = {
            (y, v): val
            for y, v, val in cur.execute(
                "SELECT edition_year, version_id, value FROM observations JOIN versions USING (version_id)"
                " WHERE index_id = ? AND iso3 = 'VNM' AND measure_id = 'total'",
                [INDEX],
            ).fetchall()
        }
    seen = set()
    for versions, pairs in score_reads:
        assert len(versions) == 1, f"one read mixed versions {sorted(versions)}"
        (version,) = versions
        assert dict(pairs) == stored[version]
        seen.add(version)
    assert original in seen and len(seen) >= 2  # the readers did see the data change
    for year, version, score in rank_reads:
        assert score == vnm[(year, version)], (
            f"rank row of {year} names version {version} but shows another score"
        )

    # After it all: the last import is current, the database checks out.
    assert (
        int(queries.editions(store, INDEX).set_index("edition_year").loc[YEAR, "version_id"]) == written[-1]
    )
    assert backup.check_store(store, CLI_ACTOR).ok


def test_readers_keep_working_during_a_backup(db, tmp_path):
    store, _original, _files = db
    stop = threading.Event()
    errors: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                services.rank_history(store, INDEX, "VNM", "ASEAN")
            except Exception as exc:
                errors.append(repr(exc))
                return

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        info = backup.backup(store, CLI_ACTOR, tmp_path / "during.duckdb")
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert backup.check_file(info.path).ok
