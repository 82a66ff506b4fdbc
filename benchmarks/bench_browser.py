"""Click to settled page in a real browser: Debian's Chromium, driven by Playwright, on the default data.

Starts `streamlit run dashboard.py` on a free port against a freshly seeded database, opens it in
/usr/bin/chromium (headless, never a downloaded browser), and for each page of the menu clicks its
link and waits until the page has settled: its title is drawn, Streamlit's "running" widget and
skeletons are gone, and no element has changed for a short quiet window (charts drawn). The time is
from the click to the last change before that window, so the quiet window itself is not counted.
ROUNDS rounds after one warm-up round (the first visit fills the server's caches).

    .venv/bin/python benchmarks/bench_browser.py [--rounds 5] [--lang vi] [--goal-s 1.0]

Exit status 1 when a page's median is over the goal (issue 15: within 1 s of a click).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import describe  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
QUIET_MS = 300  # no DOM change for this long = settled
# Records the time of the last DOM change in the main area (charts and tables included).
WATCH = """() => {
  window.__lastChange = performance.now();
  new MutationObserver(() => { window.__lastChange = performance.now(); })
    .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
SETTLED = """(quiet) => {
  const busy = document.querySelector('[data-testid="stStatusWidget"]')
    || document.querySelector('[data-testid="stSkeleton"]');
  const title = document.querySelector('[data-testid="stMain"] h1');
  return !busy && !!title && performance.now() - window.__lastChange > quiet;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--", "--db", str(db)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.25)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("the dashboard did not start within 90 s")


def _click_and_settle(page, link) -> float:
    """Seconds from the click on `link` to the last change of the page it opens."""
    page.evaluate(WATCH)
    start = page.evaluate("() => performance.now()")
    link.click()
    page.wait_for_timeout(50)  # let the click's rerun begin before testing for idle
    page.wait_for_function(SETTLED, arg=QUIET_MS, timeout=60_000, polling=50)
    return (page.evaluate("() => window.__lastChange") - start) / 1000


def _menu(page) -> list[str]:
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [links.nth(i).inner_text().strip() for i in range(links.count())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--goal-s", type=float, default=1.0)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: make sysdeps")

    from playwright.sync_api import sync_playwright

    from metrics.store import open_store

    print(describe(with_browser=True))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        open_store(db).close()
        port = _free_port()
        proc = _serve(db, port)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(f"http://127.0.0.1:{port}/?lang={args.lang}")
                page.wait_for_selector('[data-testid="stMain"] h1')
                names = _menu(page)
                times: dict[str, list[float]] = {n: [] for n in names}
                for round_no in range(args.rounds + 1):
                    for name in names:
                        _menu(page)
                        link = page.locator('[data-testid="stSidebarNav"] a', has_text=name).first
                        seconds = _click_and_settle(page, link)
                        if round_no:  # round 0 warms the server's caches
                            times[name].append(seconds)
                browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)

    print(
        f"click to settled page, {args.rounds} rounds after a warm-up, lang={args.lang}, goal {args.goal_s} s"
    )
    over = []
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<34} median {median:5.2f} s   max {max(values):5.2f} s")
        if median > args.goal_s:
            over.append(name)
    every = [v for values in times.values() for v in values]
    print(f"  all pages: median {statistics.median(every):.2f} s, "
          f"p95 {statistics.quantiles(every, n=20)[-1]:.2f} s, over goal: {', '.join(over) or 'none'}")  # fmt: skip
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
