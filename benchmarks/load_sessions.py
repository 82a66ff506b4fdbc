"""Load test: N simultaneous dashboard sessions against a RUNNING server on 127.0.0.1.

Each session speaks Streamlit's own websocket protocol (what the browser does, minus drawing):
it opens /_stcore/stream, asks for the first page, then visits every page in the menu in turn,
and times each page from the request to the server's "script finished" message. A page run that
sends an exception element or an error message (st.error), a session that cannot connect, and a run that does not finish within
--page-timeout all count as errors.

    .venv/bin/streamlit run dashboard.py --server.port 8765 -- --db /tmp/load.duckdb &
    .venv/bin/python benchmarks/load_sessions.py --port 8765 --sessions 20

    # or let it start N dashboard processes behind nginx (deploy/serve.py) on a seeded copy:
    .venv/bin/python benchmarks/load_sessions.py --workers 2 --sessions 50 --think 2 8

--think MIN MAX pauses a random MIN-MAX seconds between pages, as people read before they click
(sessions then start spread over the first MAX seconds instead of all at once). --workers N
starts `deploy/serve.py --workers N` on --port (nginx) and the next N ports, on a copy of
--db (default: a database seeded into a temporary folder), and stops it afterwards; a
postgresql:// URL as --db is served as it is (seeded first when empty: give it a scratch database).

Bounded on purpose: only 127.0.0.1/localhost, at most 100 sessions, at most 10 rounds and a hard
overall time limit (--max-seconds). It prints the error count and p50/p95 page times (overall and
per page) and, with --json, one JSON object for the README.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ALLOWED_HOSTS = ("127.0.0.1", "localhost")
MAX_SESSIONS = 100
MAX_ROUNDS = 10


@dataclass
class Result:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, page: str, seconds: float) -> None:
        self.times.setdefault(page, []).append(seconds)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Session:
    def __init__(self, host: str, port: int, lang: str, page_timeout: float) -> None:
        self.url = f"ws://{host}:{port}/_stcore/stream"
        self.origin = f"http://{host}:{port}"
        self.lang = lang
        self.page_timeout = page_timeout
        self.pages: list[tuple[str, str]] = []  # (url_pathname, page_script_hash)
        self.ws = None

    async def __aenter__(self) -> Session:
        self.ws = await websockets.connect(
            self.url,
            subprotocols=["streamlit"],
            origin=self.origin,
            max_size=64 * 2**20,
            open_timeout=self.page_timeout,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run_page(self, page_hash: str = "", page_name: str = "") -> tuple[float, list[str]]:
        """Ask for a page; seconds until the run finished, and the exceptions it showed."""
        state = ClientState(query_string=f"lang={self.lang}", page_script_hash=page_hash, page_name=page_name)
        started = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        problems: list[str] = []
        deadline = started + self.page_timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return time.perf_counter() - started, [*problems, "timeout"]
            raw = await asyncio.wait_for(self.ws.recv(), remaining)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.pages = [
                    (p.url_pathname or p.page_name, p.page_script_hash) for p in msg.navigation.app_pages
                ]
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "exception":
                    problems.append(f"exception: {element.exception.type}: {element.exception.message[:120]}")
                elif element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
                    # st.error: the app caught a problem and said so (e.g. a database error).
                    problems.append(f"error message: {element.alert.body[:120]}")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the script asked for a rerun: wait for that run to finish
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    problems.append("compile error")
                return time.perf_counter() - started, problems
            elif kind == "page_not_found":
                problems.append(f"page not found: {msg.page_not_found.page_name}")


async def _think(args: argparse.Namespace) -> None:
    if args.think:
        await asyncio.sleep(random.uniform(*args.think))


async def one_session(i: int, args: argparse.Namespace, result: Result, start_gate: asyncio.Event) -> None:
    await start_gate.wait()
    await _think(args)  # with think time, people do not all arrive in the same instant
    try:
        async with Session(args.host, args.port, args.lang, args.page_timeout) as s:
            seconds, problems = await s.run_page()
            result.add("(first load)", seconds)
            result.errors += [f"session {i} first load: {p}" for p in problems]
            for _round in range(args.rounds):
                for name, page_hash in list(s.pages):
                    await _think(args)
                    seconds, problems = await s.run_page(page_hash, name)
                    result.add(name or "(default)", seconds)
                    result.errors += [f"session {i} {name}: {p}" for p in problems]
    except (TimeoutError, OSError, websockets.WebSocketException) as exc:
        result.errors.append(f"session {i}: {type(exc).__name__}: {exc}")


async def main_async(args: argparse.Namespace) -> dict:
    result = Result()
    gate = asyncio.Event()
    tasks = [asyncio.create_task(one_session(i, args, result, gate)) for i in range(args.sessions)]
    started = time.perf_counter()
    gate.set()  # all sessions start together
    _done, pending = await asyncio.wait(tasks, timeout=args.max_seconds)
    for task in pending:
        task.cancel()
    if pending:
        result.errors.append(f"{len(pending)} sessions still running after {args.max_seconds} s: cancelled")
    wall = time.perf_counter() - started
    every = [x for values in result.times.values() for x in values]
    return {
        "sessions": args.sessions,
        "workers": args.workers,
        "think": args.think,
        "rounds": args.rounds,
        "pages_per_second": round(len(every) / wall, 2) if wall else None,
        "page_runs": len(every),
        "errors": len(result.errors),
        "error_samples": result.errors[:10],
        "wall_seconds": round(wall, 2),
        "p50_seconds": round(percentile(every, 0.50), 3),
        "p95_seconds": round(percentile(every, 0.95), 3),
        "max_seconds": round(max(every), 3) if every else None,
        "per_page": {
            page: {
                "runs": len(values),
                "p50": round(percentile(values, 0.5), 3),
                "p95": round(percentile(values, 0.95), 3),
                "mean": round(statistics.fmean(values), 3),
            }
            for page, values in sorted(result.times.items())
        },
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1", choices=ALLOWED_HOSTS, help="local server only")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--sessions", type=int, default=20, help=f"simultaneous sessions (1-{MAX_SESSIONS})")
    parser.add_argument(
        "--rounds", type=int, default=1, help=f"visits of every page per session (1-{MAX_ROUNDS})"
    )
    parser.add_argument("--lang", default="vi", choices=("vi", "en"))
    parser.add_argument(
        "--page-timeout", type=float, default=60.0, help="seconds before a page run is an error"
    )
    parser.add_argument("--max-seconds", type=float, default=300.0, help="hard limit for the whole test")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--think", nargs=2, type=float, metavar=("MIN", "MAX"), help="random pause between pages (seconds)"
    )
    parser.add_argument(
        "--workers", type=int, help="start this many dashboard processes behind nginx (deploy/serve.py)"
    )
    parser.add_argument(
        "--db",
        help="with --workers: the DuckDB file to copy (default: a new seeded one), or a postgresql:// URL "
        "to serve as it is (seeded first if empty)",
    )
    args = parser.parse_args(argv)
    if args.think and not 0 <= args.think[0] <= args.think[1] <= 60:
        parser.error("--think needs 0 <= MIN <= MAX <= 60")
    if args.workers is not None and not 1 <= args.workers <= 8:
        parser.error("--workers must be between 1 and 8")
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be between 1 and {MAX_SESSIONS}")
    if not 1 <= args.rounds <= MAX_ROUNDS:
        parser.error(f"--rounds must be between 1 and {MAX_ROUNDS}")
    args.max_seconds = min(args.max_seconds, 900.0)
    return args


ROOT = Path(__file__).resolve().parents[1]


def start_workers(args: argparse.Namespace, folder: Path) -> subprocess.Popen:
    """deploy/serve.py with --workers on a copy of the DuckDB file, or on the PostgreSQL database
    itself (a URL cannot be copied: use a scratch database); returns once nginx answers."""
    db: str | Path = folder / "load.duckdb"
    if args.db and args.db.startswith(("postgresql://", "postgres://")):
        db = args.db
        subprocess.run([sys.executable, "-m", "metrics", "seed", "--db", db], cwd=ROOT, check=True)
    elif args.db:
        shutil.copy(args.db, db)
    else:
        subprocess.run([sys.executable, "-m", "metrics", "seed", "--db", str(db)], cwd=ROOT, check=True)
    log = folder / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "serve.py"), "--workers", str(args.workers),
             "--port", str(args.port), "--db", str(db), "--dir", str(folder / "run")],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 180
    while b"serving http" not in log.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_workers(proc)
            raise SystemExit(f"deploy/serve.py did not start:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.5)
    return proc


def stop_workers(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the supervisor we started stops its workers and nginx
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    proc = None
    folder = Path(tempfile.mkdtemp(prefix="load_sessions_"))
    try:
        if args.workers:
            proc = start_workers(args, folder)
        report = asyncio.run(main_async(args))
    finally:
        if proc is not None:
            stop_workers(proc)
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(
            f"{report['sessions']} sessions x {report['rounds']} round(s), workers {report['workers'] or 'external'},"
            f" think {report['think'] or 'none'}: {report['page_runs']} page runs in {report['wall_seconds']} s"
            f" ({report['pages_per_second']}/s); errors {report['errors']}; page time p50 {report['p50_seconds']} s, "
            f"p95 {report['p95_seconds']} s, max {report['max_seconds']} s"
        )
        for page, stats in report["per_page"].items():
            print(f"  {page:<16} runs {stats['runs']:>4}  p50 {stats['p50']:.3f} s  p95 {stats['p95']:.3f} s")
        for line in report["error_samples"]:
            print("  error:", line)
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
