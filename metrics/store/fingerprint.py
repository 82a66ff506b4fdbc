"""The fingerprint of the default data in data/: which default data a database was seeded from.

Light on purpose (hashlib only): every process checks it when it opens the store, and only a
database whose fingerprint differs loads the seeder (pandas, the models) to upgrade.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DATA_KEY = "default_data_sha256"


def data_fingerprint(data_dir: Path = DATA_DIR) -> str:
    """One hash of every default data file: a change in any of them means an upgrade is due."""
    files = sorted(data_dir.glob("*.csv"))
    stamp = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    return _digest(data_dir, stamp)


@functools.lru_cache(maxsize=8)
def _digest(data_dir: Path, stamp: tuple) -> str:
    # Keyed by the files' names, sizes and times: a long-running process re-reads data/ only
    # when a file there changed.
    digest = hashlib.sha256()
    for name, _size, _mtime in stamp:
        digest.update(name.encode())
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()
