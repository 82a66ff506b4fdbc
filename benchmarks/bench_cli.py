"""Benchmark: whole `python -m metrics` processes, as an operator or a cron job runs them.

    .venv/bin/python benchmarks/bench_cli.py [--repeat 7] [--reports] [--db PATH]

Each figure is the wall time of a fresh process (interpreter start-up, imports, work, exit), the
median and the best of --repeat runs: `--help`, `status --json`, `users list`, `backup`, and with
--reports the three report formats (PPTX, XLSX, PDF). Goals: --help under 0.3 s; PPTX and XLSX
reports under 1.5 s, PDF under 3 s. A database is seeded into a temporary folder unless --db.
Also prints the modules each command imports (`-X importtime`, top 5 by cumulative time). Each
command runs once uncounted first, and without PYTHONDONTWRITEBYTECODE (benchmarks.machine.user_env).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import describe, user_env  # noqa: E402

PY = sys.executable


def _run(args: list[str], env: dict[str, str]) -> float:
    """Wall time of one process; no args: the bare interpreter, for scale."""
    command = [PY, "-m", "metrics", *args] if args else [PY, "-c", "pass"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return took


def _top_imports(args: list[str], env: dict[str, str], n: int = 5) -> list[str]:
    done = subprocess.run(
        [PY, "-X", "importtime", "-m", "metrics", *args], cwd=ROOT, env=env, capture_output=True
    )
    rows = []
    for line in done.stderr.decode(errors="replace").splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            if name.startswith(" ") and not name.startswith("  "):  # top-level imports only
                rows.append((int(parts[1]), name.strip()))
    return [f"{name} {us / 1e6:.2f}s" for us, name in sorted(rows, reverse=True)[:n]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reports", action="store_true", help="also the three report formats")
    parser.add_argument("--db", help="an existing seeded database (default: a new one)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_cli_"))
    try:
        db = Path(args.db) if args.db else tmp / "bench.duckdb"
        env = user_env(AI_DASHBOARD_DB=str(db))
        if not args.db:
            _run(["seed"], env)
        cases = {
            "(python -c pass)": [],
            "--help": ["--help"],
            "status --json": ["status", "--json"],
            "users list": ["users", "list"],
            "backup": ["backup", "--out", str(tmp / "b.duckdb")],
        }
        if args.reports:
            for fmt in ("pptx", "xlsx", "pdf"):
                cases[f"report --format {fmt}"] = ["report", "--format", fmt, "--out", str(tmp / f"r.{fmt}")]
        print(f"machine: {describe()}")
        print(f"{'command':<24} {'median':>8} {'best':>8}   heaviest imports")
        for label, argv in cases.items():
            times = []
            if label == "backup":
                (tmp / "b.duckdb").unlink(missing_ok=True)
            _run(argv, env)  # not counted: the first run of a command may compile its modules
            for _ in range(args.repeat):
                if label == "backup":
                    (tmp / "b.duckdb").unlink(missing_ok=True)
                times.append(_run(argv, env))
            heavy = (
                ", ".join(_top_imports(argv if label != "backup" else ["backup", "--help"], env))
                if argv
                else ""
            )
            print(f"{label:<24} {statistics.median(times):>7.2f}s {min(times):>7.2f}s   {heavy}")
        # the machine is shared: the load at the end says how much the figures are worth
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the seeded database, the backup and the reports
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
