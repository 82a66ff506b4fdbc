"""`make serve WORKERS=N`: N Streamlit processes on one database behind nginx, on this machine.

    .venv/bin/python deploy/serve.py --workers 2 --port 8500 [--db PATH] [--dir FOLDER]

Each worker is `streamlit run dashboard.py` on 127.0.0.1:<port+i> (i = 1..N) against the same
database (several processes share a DuckDB file: docs/store.md; or AI_DASHBOARD_DB=postgresql://
where that store is available). nginx (Debian's package, run unprivileged from a config written
into --dir, default var/serve/) listens on --port and keeps each browser on one worker (a
cookie, consistent hashing) with websocket upgrade. A worker that dies is started again after a
second; meanwhile nginx sends its browsers to the others. Ctrl-C (SIGINT/SIGTERM) stops them all.

All workers share one cookie secret (made here, kept in --dir with mode 0600) so a browser moved
to another worker keeps a valid XSRF cookie for uploads.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(prefix: Path, listen: str, ports: list[int], debug: bool = True) -> str:
    """The nginx config; `debug` adds an X-Dashboard-Worker header naming the worker that answered
    (for tests and for finding a worker's log; leave it out facing the public)."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports)
    user = f"user {_user()};" if os.geteuid() == 0 else ""
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in {
        "@USER@": user,
        "@PREFIX@": str(prefix),
        "@LISTEN@": listen,
        "@SERVERS@": servers,
        "@DEBUG@": "            add_header X-Dashboard-Worker $upstream_addr always;" if debug else "",
    }.items():
        text = text.replace(key, value)
    return text


def _user() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def _cookie_secret(folder: Path) -> str:
    path = folder / "cookie_secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def worker_command(port: int, db: str | None) -> list[str]:
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    return [*command, "--", "--db", db] if db else command


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310 - http://127.0.0.1
            return r.status == 200
    except OSError:
        return False


class Supervisor:
    def __init__(self, args: argparse.Namespace) -> None:
        self.folder = Path(args.dir).resolve()
        self.logs = self.folder / "logs"
        self.ports = [args.port + i for i in range(1, args.workers + 1)]
        self.db = args.db
        self.listen = f"{args.host}:{args.port}"
        self.debug = not args.no_debug_header
        self.workers: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.stopping = False

    def start_worker(self, port: int, secret: str) -> None:
        log = open(self.logs / f"worker-{port}.log", "ab")  # noqa: SIM115 - the child keeps it
        # The secret goes by environment: Streamlit refuses it on the command line (ps shows that).
        env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}
        self.workers[port] = subprocess.Popen(  # noqa: S603 - our own command line
            worker_command(port, self.db), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        pids = {str(p): w.pid for p, w in self.workers.items()}
        (self.folder / "workers.json").write_text(json.dumps(pids), encoding="utf-8")

    def run(self) -> int:
        for sub in ("logs", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        secret = _cookie_secret(self.folder)
        seed = [sys.executable, "-m", "metrics", "seed", *(["--db", self.db] if self.db else [])]
        subprocess.run(seed, cwd=ROOT, check=True)  # noqa: S603 - once, before the workers race to it
        for port in self.ports:
            self.start_worker(port, secret)
        conf = self.folder / "nginx.conf"
        conf.write_text(nginx_config(self.folder, self.listen, self.ports, self.debug), encoding="utf-8")
        subprocess.run(  # noqa: S603 - nginx with our config
            [
                NGINX,
                "-t",
                "-q",
                "-e",
                str(self.folder / "error.log"),
                "-p",
                str(self.folder),
                "-c",
                str(conf),
            ],
            check=True,
        )
        self.nginx = subprocess.Popen(  # noqa: S603 - nginx with our config
            [NGINX, "-e", str(self.folder / "error.log"), "-p", str(self.folder), "-c", str(conf)],
            start_new_session=True,
        )
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._stop)
        deadline = time.monotonic() + 120
        while not all(_healthy(f"http://127.0.0.1:{p}") for p in self.ports):
            if time.monotonic() > deadline or self.stopping:
                break
            time.sleep(0.5)
        print(
            f"serving http://{self.listen} ({len(self.ports)} workers: {self.ports}; logs in {self.logs})",
            flush=True,
        )
        while not self.stopping:
            for port, proc in list(self.workers.items()):
                if proc.poll() is not None and not self.stopping:
                    print(f"worker {port} exited ({proc.returncode}); starting it again", flush=True)
                    time.sleep(1)
                    self.start_worker(port, secret)
            if self.nginx.poll() is not None:
                print(f"nginx exited ({self.nginx.returncode}); see {self.folder / 'error.log'}", flush=True)
                self._stop()
                return 1
            time.sleep(0.5)
        return 0

    def _stop(self, *_args) -> None:
        self.stopping = True
        children = [*self.workers.values(), *([self.nginx] if self.nginx else [])]
        for proc in children:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # each child leads its own group (start_new_session)
        for proc in children:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="N dashboard processes behind nginx")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8500, help="nginx's port; workers use the next N ports")
    parser.add_argument("--host", default="127.0.0.1", help="nginx's address (0.0.0.0: every interface)")
    parser.add_argument("--db", help="the database (default: $AI_DASHBOARD_DB or var/dashboard.duckdb)")
    parser.add_argument("--dir", default=str(ROOT / "var" / "serve"), help="nginx config, logs, temp files")
    parser.add_argument(
        "--no-debug-header", action="store_true", help="leave out the X-Dashboard-Worker response header"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 32:
        parser.error("--workers must be between 1 and 32")
    if not Path(NGINX).exists():
        print("nginx is missing: sudo apt-get install nginx (or `make sysdeps` as root)", file=sys.stderr)
        return 1
    return Supervisor(args).run()


if __name__ == "__main__":
    raise SystemExit(main())
