"""A cross-process readers-writer lock beside a DuckDB file, with a gate so writers are not starved.

DuckDB lets one process open a file read-write, or any number open it read-only, never both; a
second opener fails at once ("Could not set lock on file"). So every process that opens the file
first takes this lock (flock(2) on `<db>.lock`): shared to read, exclusive to write, waiting a
bounded time. A writer first takes `<db>.gate` exclusively, which stops new readers from joining,
then waits for the readers already in to leave. flock locks belong to an open file, so two Store
objects in one process exclude each other as two processes do, and a killed holder releases its
lock with its last file descriptor (no stale lock files to clean up).

Who holds the lock is read from /proc/locks (Linux), so a refusal can name the process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path

# Polling interval while waiting (flock has no timed wait); grows to the maximum.
_FIRST_SLEEP = 0.005
_MAX_SLEEP = 0.05


@dataclass(frozen=True)
class Holder:
    pid: int
    mode: str  # "read" or "write"
    command: str

    def describe(self) -> str:
        return f"PID {self.pid} ({self.command}, {self.mode})"


class LockTimeout(Exception):
    """The lock was not granted before the deadline; `holders` are the processes in the way."""

    def __init__(self, holders: list[Holder]) -> None:
        super().__init__(", ".join(h.describe() for h in holders) or "unknown")
        self.holders = holders


def _open_lock_file(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o660)
    return fd


def _try(fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    words = [w for w in raw.decode(errors="replace").split("\0") if w]
    text = " ".join(Path(words[0]).name if i == 0 else w for i, w in enumerate(words))
    return text[:120] or "?"


def holders_of(path: Path, *, exclude_pid: int | None = None) -> list[Holder]:
    """Processes holding a lock (flock or POSIX, as DuckDB takes) on `path`, from /proc/locks."""
    try:
        st = os.stat(path)
        table = Path("/proc/locks").read_text()
    except OSError:
        return []
    wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    seen: dict[int, Holder] = {}
    for line in table.splitlines():
        parts = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; a waiting entry has "->" after the number.
        if len(parts) < 6 or parts[1] == "->":
            continue
        kind, pid, ident = parts[3], parts[4], parts[5]
        if ident != wanted or not pid.isdigit():
            continue
        number = int(pid)
        if number == exclude_pid or number in seen:
            continue
        seen[number] = Holder(number, "write" if kind == "WRITE" else "read", _command(number))
    return list(seen.values())


class DatabaseLock:
    """The readers-writer lock of one database file, held by one Store (one open file each)."""

    def __init__(self, db_path: str | Path) -> None:
        db = Path(db_path)
        self.main_path = db.with_name(db.name + ".lock")
        self.gate_path = db.with_name(db.name + ".gate")
        self._main: int | None = None
        self._gate: int | None = None
        self.held: str | None = None  # None, "read" or "write"

    def _fds(self) -> tuple[int, int]:
        if self._main is None or self._gate is None:
            self._main = _open_lock_file(self.main_path)
            self._gate = _open_lock_file(self.gate_path)
        return self._main, self._gate

    def acquire(self, write: bool, deadline: float) -> None:
        """Take the lock shared (read) or exclusive (write) before `deadline` (time.monotonic()),
        else LockTimeout naming who holds it."""
        if self.held is not None:
            raise RuntimeError(f"lock already held ({self.held})")
        main, gate = self._fds()
        sleep = _FIRST_SLEEP
        gated = False
        try:
            while True:
                if write:
                    gated = gated or _try(gate, fcntl.LOCK_EX)
                    if gated and _try(main, fcntl.LOCK_EX):
                        break
                elif _try(gate, fcntl.LOCK_SH):
                    got = _try(main, fcntl.LOCK_SH)
                    fcntl.flock(gate, fcntl.LOCK_UN)
                    if got:
                        break
                if time.monotonic() >= deadline:
                    raise LockTimeout(self.holders())
                time.sleep(sleep)
                sleep = min(sleep * 2, _MAX_SLEEP)
        finally:
            if gated:
                fcntl.flock(gate, fcntl.LOCK_UN)
        self.held = "write" if write else "read"

    def release(self) -> None:
        if self.held is not None and self._main is not None:
            fcntl.flock(self._main, fcntl.LOCK_UN)
        self.held = None

    def writer_waiting(self) -> bool:
        """True when another Store is waiting to write (it holds the gate): readers should leave."""
        _, gate = self._fds()
        if _try(gate, fcntl.LOCK_SH):
            fcntl.flock(gate, fcntl.LOCK_UN)
            return False
        return True

    def holders(self) -> list[Holder]:
        """Who is in the way: holders of the lock (or of the gate), then of DuckDB's own file lock."""
        found = holders_of(self.main_path) or holders_of(self.gate_path)
        db = self.main_path.with_name(self.main_path.name.removesuffix(".lock"))
        return found or holders_of(db)

    def close(self) -> None:
        self.release()
        for fd in (self._main, self._gate):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._main = self._gate = None
