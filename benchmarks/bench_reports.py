"""Benchmark of the meeting reports on the default data: the time of each format, end to end
(the report model from the store through the engine, then the file), after a first warm-up run
(the app's first report: imports and caches).

    .venv/bin/python benchmarks/bench_reports.py [--repeat 5] [--lang vi]

Goals: PPTX < 3 s, PDF < 8 s, XLSX < 2 s. Prints the machine, the median and best of each, and
the split between building the model and writing the file. With --strict, exits 1 when a goal is
missed (off by default, so `make bench` runs every benchmark on a busy machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from benchmarks.machine import describe
from metrics.auth import CLI_ACTOR
from metrics.report_export import export_report
from metrics.reports import build_report, render
from metrics.reports.model import FORMATS, ReportOptions
from metrics.store import open_store

GOALS_S = {"pptx": 3.0, "pdf": 8.0, "xlsx": 2.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        store = open_store(Path(tmp) / "bench.duckdb")  # seeded from data/, as on the app's first start
        print(f"seed: {time.perf_counter() - started:.1f} s (not counted)")
        options = ReportOptions(lang=args.lang, meeting_date=dt.date(2026, 1, 15))

        # As the Report page makes them: one model, the three files (report_export.export_report).
        for when in ("first (imports, caches)", "second"):
            started = time.perf_counter()
            done = export_report(store, CLI_ACTOR, options)
            assert set(done.files) == set(FORMATS), done.failures
            print(f"page's three formats, {when}: {time.perf_counter() - started:.1f} s (goal 4 s)")

        build_times: list[float] = []
        totals: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
        writes: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
        for _ in range(args.repeat):
            for fmt in FORMATS:
                t0 = time.perf_counter()
                model = build_report(store, options)
                t1 = time.perf_counter()
                data = render(model, fmt)
                t2 = time.perf_counter()
                build_times.append(t1 - t0)
                writes[fmt].append(t2 - t1)
                totals[fmt].append(t2 - t0)
                assert data
        store.close()

    print(f"sections: {len(model.sections)}, charts: {sum(len(s.charts) for s in model.sections)}, "
          f"data-pack sheets: {len(model.data_pack)}, repeat={args.repeat}, lang={args.lang}")  # fmt: skip
    print(f"report model (store -> engine -> model): median {statistics.median(build_times):.2f} s")
    print(f"{'format':<6} {'median':>8} {'best':>8} {'write':>8} {'goal':>6}  verdict")
    failed = False
    for fmt in FORMATS:
        median = statistics.median(totals[fmt])
        ok = median < GOALS_S[fmt]
        failed |= not ok
        print(
            f"{fmt:<6} {median:>7.2f}s {min(totals[fmt]):>7.2f}s {statistics.median(writes[fmt]):>7.2f}s "
            f"{GOALS_S[fmt]:>5.0f}s  {'ok' if ok else 'MISSED'}"
        )
    # the machine is shared: the load at the end says how much the figures are worth
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
