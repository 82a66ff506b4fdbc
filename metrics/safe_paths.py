"""Checks on the paths the command line writes to or reads from, before anything is touched.

An output (`report --out`, `backup --out`) must be a regular file or a new name in an existing
folder, never the database, its write-ahead log, a directory or a device. An input (`import FILE`,
`restore FILE`) must be a regular file: a directory gives a message, a device or a FIFO is refused
at once instead of being read until memory runs out or forever.

Errors are MetricsError codes translated in metrics/i18n/*/security.toml.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from metrics.errors import MetricsError

# Files DuckDB keeps beside a database file.
_DB_COMPANIONS = (".wal", ".tmp")


def database_files(db: str | Path) -> list[Path]:
    """The database file and the files DuckDB keeps beside it, resolved."""
    base = Path(db).expanduser().resolve()
    return [base] + [Path(str(base) + suffix) for suffix in _DB_COMPANIONS]


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def check_output(path: str | Path, protected: Iterable[str | Path] = ()) -> Path:
    """`path` resolved, when it may be written: not one of the `protected` database files (or a
    link to one), not a directory, device, FIFO or socket, in a folder that exists or can be made.
    MetricsError otherwise (nothing is created or changed)."""
    raw = Path(path).expanduser()
    target = raw.resolve()
    for db in protected:
        for guarded in database_files(db):
            if target == guarded or same_file(target, guarded):
                raise MetricsError("output_is_database", path=str(raw))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise MetricsError("output_not_writable", path=str(raw), reason=exc.strerror or str(exc)) from exc
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise MetricsError("output_is_directory", path=str(raw))
        raise MetricsError("output_not_regular", path=str(raw), kind=_kind(mode))
    parent = target.parent
    if parent.exists() and not parent.is_dir():
        raise MetricsError("output_not_writable", path=str(raw), reason="not a folder: " + str(parent))
    _probe(target, raw, exists=mode is not None)
    return target


def _probe(target: Path, raw: Path, *, exists: bool) -> None:
    """Try the write before the work: an existing file opened for update (not truncated), or a
    scratch file made and removed in the nearest existing folder. Permission bits alone do not
    tell (root passes os.access on /proc)."""
    try:
        if exists:
            with open(target, "r+b"):
                pass
            return
        folder = target.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        scratch = folder / f".{target.name}.probe-{os.getpid()}"
        with open(scratch, "xb"):
            pass
        scratch.unlink()
    except OSError as exc:
        raise MetricsError("output_not_writable", path=str(raw), reason=exc.strerror or str(exc)) from exc


def check_input(path: str | Path) -> Path:
    """`path` when it is an existing regular file; MetricsError naming what it is otherwise.
    Uses stat, never open: opening a FIFO would block."""
    raw = Path(path).expanduser()
    try:
        mode = os.stat(raw).st_mode
    except FileNotFoundError as exc:
        raise MetricsError("input_missing", path=str(raw)) from exc
    except OSError as exc:
        raise MetricsError("input_unreadable", path=str(raw), reason=exc.strerror or str(exc)) from exc
    if stat.S_ISDIR(mode):
        raise MetricsError("input_is_directory", path=str(raw))
    if not stat.S_ISREG(mode):
        raise MetricsError("input_not_regular", path=str(raw), kind=_kind(mode))
    return raw


def write_output(path: Path, data: bytes) -> None:
    """Write `data` to a checked output path through a temporary name beside it, so a failed
    write never leaves half a file; MetricsError when the folder cannot be written."""
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as f:
            f.write(data)
        os.replace(partial, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise MetricsError("output_not_writable", path=str(path), reason=exc.strerror or str(exc)) from exc
