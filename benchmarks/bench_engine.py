"""Benchmark of the pure progress engine (no database): the whole status table on synthetic data.

Synthetic world: 200 countries x 30 editions x 50 measures (total, 7 pillars, 42 dimensions), three
methodology series of 10 editions each, 20 peer groups of 10 countries. The status table is, for
EVERY country: 4 rank targets (world top 60 and top 50, group top 5 and top 4, over all 30 editions,
with trends, projections and traces) and the gap on each of the 50 measures in its group.

    .venv/bin/python benchmarks/bench_engine.py [--repeat 5]

Prints the machine (nproc, CPU model) and the best and median wall time of the whole table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from benchmarks.machine import describe
from metrics import progress
from metrics.models import Target

COUNTRIES = 200
EDITIONS = 30
MEASURES = 50
GROUP_SIZE = 10
FIRST_YEAR = 2000


def synthetic(seed: int = 7):
    rng = random.Random(seed)
    codes = [f"C{i:03d}" for i in range(COUNTRIES)]
    measure_ids = ["total"] + [f"p{i}" for i in range(7)] + [f"d{i}" for i in range(MEASURES - 8)]
    groups = {
        f"G{g:02d}": codes[g * GROUP_SIZE : (g + 1) * GROUP_SIZE] for g in range(COUNTRIES // GROUP_SIZE)
    }
    base = {c: rng.uniform(20, 80) for c in codes}
    drift = {c: rng.uniform(-1, 2) for c in codes}
    # values[year][measure][iso3]
    values: dict[int, dict[str, dict[str, float]]] = {}
    for e in range(EDITIONS):
        year = FIRST_YEAR + e
        values[year] = {
            m: {c: round(base[c] + drift[c] * e + rng.gauss(0, 3), 2) for c in codes} for m in measure_ids
        }

    def editions(members: list[str] | None) -> list[progress.EditionScores]:
        return [
            progress.EditionScores(
                index_id="SYN",
                edition_year=year,
                series=f"SYN-{(year - FIRST_YEAR) // 10}",
                scores=values[year]["total"],
                published_ranks={},
                members=members,
                membership_date=dt.date(year, 12, 31),
                countries_ranked=COUNTRIES,
            )
            for year in sorted(values)
        ]

    return codes, groups, measure_ids, values, editions


def target(tid: str, group: str, n: int, horizon: int) -> Target:
    return Target(
        strategy_id="SYN",
        target_id=tid,
        horizon_year=horizon,
        kind="rank",
        comparator="<=",
        target_value=n,
        group_id=group,
        yardstick_index="SYN",
        yardstick_measure="total",
        text_vi="x",
        text_en="x",
    )


def status_table(codes, groups, measure_ids, values, world, by_group, today, rules):
    last = max(values)
    group_of = {c: g for g, members in groups.items() for c in members}
    world_targets = [target("W60", "WORLD", 60, 2035), target("W50", "WORLD", 50, 2040)]
    rows = []
    gaps = 0
    for c in codes:
        g = group_of[c]
        for t in world_targets:
            rows.append(progress.assess_rank_target(t, c, world, today=today, rules=rules))
        for tid, n in (("G5", 5), ("G4", 4)):
            t = target(tid, g, n, 2035)
            rows.append(progress.assess_rank_target(t, c, by_group[g], today=today, rules=rules))
        for m in measure_ids:
            progress.measure_gap({"measure_id": m}, values[last][m], groups[g], c, 4)
            gaps += 1
    return rows, gaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    t0 = time.perf_counter()
    codes, groups, measure_ids, values, editions = synthetic()
    build = time.perf_counter() - t0
    rules = progress.load_status_rules()
    today = dt.date(FIRST_YEAR + EDITIONS, 6, 1)
    times = []
    for _ in range(args.repeat):
        # Fresh inputs every run so no cached sort from a previous run helps.
        world = editions(None)
        by_group = {g: editions(members) for g, members in groups.items()}
        start = time.perf_counter()
        rows, gaps = status_table(codes, groups, measure_ids, values, world, by_group, today, rules)
        times.append(time.perf_counter() - start)
    classes = {}
    for r in rows:
        classes[r.status] = classes.get(r.status, 0) + 1
    print(f"machine: {describe()}")
    print(
        f"data: {COUNTRIES} countries x {EDITIONS} editions x {len(measure_ids)} measures "
        f"(synthetic, built in {build:.2f} s)"
    )
    print(f"status table: {len(rows)} assessments with traces + {gaps} measure gaps; classes {classes}")
    print(
        f"time for the whole status table: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
        f"over {len(times)} runs (goal < 1 s)"
    )


if __name__ == "__main__":
    main()
