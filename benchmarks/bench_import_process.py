"""Benchmark: the import as a user runs it, whole processes on both sides.

    .venv/bin/python benchmarks/bench_import_process.py [--rows 1000000] [--repeat 3]

- import: `python -m metrics import FILE --index BENCH_PROC ...` into a fresh copy of a seeded
  database (interpreter start-up, imports, opening the store, reading, checking, writing, exit);
- baseline: `python -c "import duckdb; CREATE TABLE t AS SELECT * FROM read_csv(FILE)"` into a
  new database file, also a whole process.

Same CSV as benchmarks/bench_import.py (real country names, 100 measures). Prints the best and the
median of --repeat runs of each and their ratio (goal: at most 2).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_import import generate  # noqa: E402
from benchmarks.machine import describe, user_env  # noqa: E402

BASELINE = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1]);"
    " c.execute(f\"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[2]}')\"); c.close()"
)


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=user_env())
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[:4]} failed:\n{done.stdout[-1000:]}\n{done.stderr[-1000:]}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_import_process_"))
    try:
        csv_path = tmp / "tidy_2024.csv"
        generate(csv_path, args.rows)
        seeded = tmp / "seeded.duckdb"
        _timed([sys.executable, "-m", "metrics", "seed", "--db", str(seeded)])
        imports, baselines = [], []
        for i in range(args.repeat):
            db = tmp / f"import{i}.duckdb"
            shutil.copy(seeded, db)
            imports.append(
                _timed(
                    [
                        sys.executable,
                        "-m",
                        "metrics",
                        "import",
                        str(csv_path),
                        "--index",
                        "BENCH_PROC",
                        "--name",
                        "Benchmark",
                        "--unit",
                        "points",
                        "--source-url",
                        "https://example.org",
                        "--db",
                        str(db),
                    ]
                )
            )
            baselines.append(
                _timed([sys.executable, "-c", BASELINE, str(tmp / f"base{i}.duckdb"), str(csv_path)])
            )
        print(f"machine: {describe()}")
        print(f"rows: {args.rows:,}; runs: {args.repeat}")
        print(f"import CLI process:    best {min(imports):.2f} s, median {statistics.median(imports):.2f} s")
        print(
            f"read_csv process:      best {min(baselines):.2f} s, median {statistics.median(baselines):.2f} s"
        )
        print(f"ratio (best / best):   {min(imports) / min(baselines):.2f} (goal <= 2)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
