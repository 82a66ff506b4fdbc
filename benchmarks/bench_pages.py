"""Server time of each dashboard page's rerun, in both languages, on the default data.

Runs every page through Streamlit's AppTest against a freshly seeded database (data/), once cold
(empty caches) and then RERUNS times warm, and times the script run itself (Streamlit's
ScriptRunner._run_script: the page's Python, queries, figure building and element serialisation),
not AppTest's polling. Budget: a warm rerun under 150 ms.

    .venv/bin/python benchmarks/bench_pages.py [--reruns 15] [--budget-ms 150]

Exit status 1 when a page's median warm rerun is over budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ["overview", "rankings", "asean", "pillars", "whatif", "indices", "targets", "data", "methodology"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15)
    parser.add_argument("--budget-ms", type=float, default=150.0)
    args = parser.parse_args()

    import logging

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    from metrics.store import open_store

    durations: list[float] = []
    original = script_runner.ScriptRunner._run_script

    def timed(self, *a, **k):
        start = time.perf_counter()
        try:
            return original(self, *a, **k)
        finally:
            durations.append(time.perf_counter() - start)

    script_runner.ScriptRunner._run_script = timed
    for name in list(logging.root.manager.loggerDict):  # AppTest's bare-mode warnings are noise here
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        open_store(db).close()
        seed_s = time.perf_counter() - started
        sys.argv = ["dashboard.py", "--db", str(db)]
        rows = []
        for lang in ("vi", "en"):
            for page in PAGES:
                at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
                at.query_params["lang"] = lang
                at.run()
                durations.clear()
                at.switch_page(f"app_pages/{page}.py").run()
                if at.exception:
                    print(f"{page} ({lang}) raised: {[e.message for e in at.exception]}", file=sys.stderr)
                    return 2
                first = durations[-1]
                durations.clear()
                for _ in range(args.reruns):
                    at.run()
                warm = sorted(durations)
                rows.append(
                    (
                        page,
                        lang,
                        first * 1000,
                        statistics.median(warm) * 1000,
                        warm[min(len(warm) - 1, int(0.95 * len(warm)))] * 1000,
                        max(warm) * 1000,
                    )
                )

    print(
        f"Seeded database in {seed_s:.2f} s; {args.reruns} warm reruns per page; budget {args.budget_ms:.0f} ms"
    )
    print(f"{'page':<12} {'lang':<4} {'first run':>10} {'median':>8} {'p95':>8} {'max':>8}  (ms)")
    over = []
    for page, lang, first, median, p95, worst in rows:
        flag = "  OVER" if median > args.budget_ms else ""
        print(f"{page:<12} {lang:<4} {first:>10.0f} {median:>8.1f} {p95:>8.1f} {worst:>8.1f}{flag}")
        if median > args.budget_ms:
            over.append((page, lang))
    print(f"slowest median: {max(r[3] for r in rows):.1f} ms")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
