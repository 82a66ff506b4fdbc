"""Benchmark: the whole test suite's time on this machine, for this checkout and, with --against,
for another commit, the two run alternately.

    .venv/bin/python benchmarks/suite_time.py [--against COMMIT] [--rounds 1] [--workers N]
                                              [-- PYTEST_ARGS ...]

Runs of one machine differ by tens of seconds, and machines of one kind by a factor of two or more
(the reviewer's 414 s came from a machine on which the same code ran 1.5 times slower than on the
one of 4 December), so a suite time means something only beside another run on the same machine.

Each run is `python -m pytest` in the checkout, with the checkout's own pyproject.toml options, as
`make test` runs it (without PYTHONDONTWRITEBYTECODE: benchmarks.machine.user_env); --workers N
adds `-n N` to both sides. --against checks the commit out in a temporary git worktree; it uses
this virtual environment when the commit's requirements.txt is the same, else its own, installed
once. The system packages (chromium, nginx, postgresql) must be there already (`make sysdeps`).

Prints, per run: the pytest time and outcome from pytest's summary line, the wall time, and the
CPU-seconds the whole machine spent over the run (from /proc/stat: user, system and interrupts;
steal apart). The CPU figure counts every process, so it means something only on an idle machine.
Not part of `make bench` (a round takes as long as two suites).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import describe, user_env  # noqa: E402

# "2282 passed, 4 warnings in 858.06s (0:14:18)" (with or without the ==== around it)
_SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed).*?) in ([\d.]+)s")


@dataclass(frozen=True)
class Checkout:
    label: str
    root: Path
    python: str


@dataclass(frozen=True)
class Run:
    label: str
    pytest_s: float | None
    outcome: str
    wall_s: float
    busy_cpu_s: float
    steal_s: float


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, steal) jiffies of the whole machine so far: user, nice, system, irq and softirq
    are busy; idle and iowait are not."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, steal


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def _prepare(commit: str, tmp: Path) -> Checkout:
    """The commit in a worktree of its own, with a Python that has its requirements."""
    sha = _git("rev-parse", "--verify", f"{commit}^{{commit}}").strip()
    tree = tmp / f"suite_{sha[:10]}"
    _git("worktree", "add", "--detach", str(tree), sha)
    same = _git("show", f"{sha}:requirements.txt") == (ROOT / "requirements.txt").read_text()
    if same:
        return Checkout(sha[:10], tree, sys.executable)
    venv = tmp / "venv"
    print(f"installing {sha[:10]}'s requirements.txt into {venv} ...", flush=True)
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or "python3"
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "-r", str(tree / "requirements.txt")], check=True)
    return Checkout(sha[:10], tree, str(venv / "bin" / "python"))


def _run(checkout: Checkout, pytest_args: list[str]) -> Run:
    busy0, steal0 = _cpu_jiffies()
    started = time.perf_counter()
    done = subprocess.run(
        [checkout.python, "-m", "pytest", *pytest_args],
        cwd=checkout.root,
        env=user_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    busy1, steal1 = _cpu_jiffies()
    tick = os.sysconf("SC_CLK_TCK")
    pytest_s, outcome = None, f"no summary line (exit {done.returncode}): {done.stdout[-300:]!r}"
    for line in reversed(done.stdout.splitlines()):
        if found := _SUMMARY.match(line.strip()):
            outcome, pytest_s = found.group(1), float(found.group(2))
            break
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    if failed:  # which ones, so a flaky test is told from a broken side
        outcome += "\n    " + "\n    ".join(failed[:10])
    return Run(checkout.label, pytest_s, outcome, wall, (busy1 - busy0) / tick, (steal1 - steal0) / tick)


def _show(run: Run) -> None:
    took = "?" if run.pytest_s is None else f"{run.pytest_s:.1f} s"
    print(
        f"{run.label:>12}: pytest {took}, wall {run.wall_s:.1f} s, machine CPU {run.busy_cpu_s:.0f} s"
        f" (steal {run.steal_s:.0f} s); {run.outcome}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="COMMIT", help="another commit, run alternately on this machine")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each side (default 1)")
    parser.add_argument("--workers", type=int, help="`-n N` on both sides (default: each side's own)")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest on both sides")
    args = parser.parse_args()
    pytest_args = ([] if args.workers is None else ["-n", str(args.workers)]) + args.pytest_args
    print(f"machine: {describe(with_browser=True)}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="suite_time_"))
    sides = [Checkout("this checkout", ROOT, sys.executable)]
    try:
        if args.against:
            sides.append(_prepare(args.against, tmp))
        runs = []
        for _ in range(args.rounds):
            for side in sides:
                runs.append(_run(side, pytest_args))
                _show(runs[-1])
    finally:
        for side in sides[1:]:
            subprocess.run(["git", "worktree", "remove", "--force", str(side.root)], cwd=ROOT, check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"machine after: {describe()}")
    return 0 if all(r.pytest_s is not None for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
