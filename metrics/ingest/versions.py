"""The stored versions of an index's editions, and what importing a file does to them (part of
the plan step).

In: the ImportContext (its reference frame of versions) and the file's SHA-256. Out: per edition
its versions (`VersionRow`), and the version action: "new" (no version yet), "replace" (a new
current version), "restore" (the identical file was imported before and not withdrawn: that
version becomes current again) or "unchanged" (the identical file is the current version).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metrics.ingest.reference import ImportContext
from metrics.ingest.results import Action


@dataclass(frozen=True)
class VersionRow:
    """A stored version of one edition of the index."""

    version_id: int
    is_current: bool
    sha256: str
    country_count: int
    withdrawn: bool


def versions_by_year(context: ImportContext) -> dict[int, tuple[VersionRow, ...]]:
    """The index's stored versions by edition, in version order."""
    found: dict[int, list[VersionRow]] = {}
    for row in context.ref.of_index("versions", context.index_id):
        found.setdefault(int(row["edition_year"]), []).append(
            VersionRow(
                int(row["version_id"]),
                bool(row["is_current"]),
                row["sha256"],
                int(row["country_count"]),
                bool(row["withdrawn"]),
            )
        )
    return {year: tuple(group) for year, group in found.items()}


@dataclass(frozen=True)
class VersionAction:
    action: Action
    current_version_id: int | None
    restore_version_id: int | None = None


def version_action(versions: tuple[VersionRow, ...], sha256: str) -> VersionAction:
    """What importing the file does to an edition's versions. The identical file (same sha256 + index +
    edition) is recognised: unchanged when it is the current version, 'restore' when an older one
    that was not withdrawn (it becomes current again)."""
    current = next((v for v in versions if v.is_current), None)
    current_id = current.version_id if current else None
    if current is not None and current.sha256 == sha256:
        return VersionAction("unchanged", current_id)
    same = [v.version_id for v in versions if v.sha256 == sha256 and not v.withdrawn]
    if same:
        return VersionAction("restore", current_id, max(same))
    return VersionAction("replace" if current_id is not None else "new", current_id)


def current_country_count(
    versions: dict[int, tuple[VersionRow, ...]], edition: dict[str, Any] | None
) -> int | None:
    if edition is None:
        return None
    current = [v for v in versions.get(int(edition["edition_year"]), ()) if v.is_current]
    return current[0].country_count if current else None
