"""`python -m metrics ...` run inside the test process: `metrics.cli.main(argv)` with its own
standard input, output and error, as a process would have them.

A whole `python -m metrics` process costs 1-2 s of interpreter start-up and imports on this
2-core machine, and the CLI tests ran about a hundred of them. What they check is the command's
behaviour (its exit code, what it prints, what it writes to the database), which `main(argv)` is:
`metrics/__main__.py` only calls it and leaves with its code. The process itself (start-up
imports, the exit code through `os._exit`, a second process holding the file) keeps its own tests
in real subprocesses: tests/test_cli_startup.py, test_store_sharing.py, test_cli.py's
`test_module_entry_point_exit_codes`, and the kill and fault tests.

As at a process's exit, the stores the command opened are closed when it returns (their file
locks and PostgreSQL connections released); a store the test opened before is left alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from metrics.cli import main
from metrics.store.connection import _OPEN_STORES


@dataclasses.dataclass(frozen=True)
class Ran:
    """What a finished command left: the fields of subprocess.CompletedProcess the tests read."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, db: str | Path | None = None, stdin: str = "") -> Ran:
    """Run one command as `python -m metrics *args --db db` would, `stdin` as its input."""
    argv = [*args, *(["--db", str(db)] if db is not None else [])]
    out, err = _stream(), _stream()
    before = set(_OPEN_STORES)
    try:
        with _standard_streams(_stream(stdin), out, err):
            code = _exit_code(argv)
    finally:
        for store in set(_OPEN_STORES) - before:
            store.close()
    return Ran(argv, code, _text(out), _text(err))


def _exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1


def _stream(text: str = "") -> io.TextIOWrapper:
    """A text stream over bytes, as a process's own (a command may write to `.buffer`)."""
    return io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8", newline=None)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


@contextlib.contextmanager
def _standard_streams(
    stdin: io.TextIOWrapper, stdout: io.TextIOWrapper, stderr: io.TextIOWrapper
) -> Iterator[None]:
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
