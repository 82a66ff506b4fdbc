"""Writes of targets and progress records: each in one transaction with its audit-log entry.

Callers (metrics.services) check the actor's role first; the models arrive validated.
"""

from __future__ import annotations

from metrics.errors import MetricsError, NotFound, Problem, ValidationFailed
from metrics.models import WORLD, ProgressRecord, Target, coverage_region
from metrics.store.connection import Store
from metrics.target_rules import cross_row_problems

_RECORD_COLUMNS = (
    "target_id",
    "kind",
    "recorded_on",
    "value",
    "unit",
    "fit",
    "label",
    "source_url",
    "note_en",
    "note_vi",
)


def _record_values(record: ProgressRecord) -> list:
    # A milestone carries no number: whatever value it was given is not stored.
    value = record.value if record.kind == "value" else None
    return [value if c == "value" else getattr(record, c) for c in _RECORD_COLUMNS]


def _insert_record(cur, actor: str, record: ProgressRecord, replaces: int | None = None) -> int:
    known = cur.execute("SELECT count(*) FROM targets WHERE target_id = ?", [record.target_id]).fetchall()
    if not known[0][0]:
        raise NotFound("unknown_target", target_id=record.target_id)
    columns = (*_RECORD_COLUMNS, "created_by", "replaces")
    row = cur.execute(
        f"INSERT INTO progress_records ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608 - fixed names
        " RETURNING record_id",
        [*_record_values(record), actor, replaces],
    ).fetchall()
    return int(row[0][0])


def add_progress_record(store: Store, actor: str, record: ProgressRecord) -> int:
    """Insert one evidence record (a value or a milestone); return its record_id."""
    detail = record.model_dump(mode="json", exclude={"record_id"})
    with store.transaction(actor, "add_progress_record", detail) as cur:
        return _insert_record(cur, actor, record)


def _active_record(cur, record_id: int) -> dict:
    rows = (
        cur.execute("SELECT * FROM progress_records WHERE record_id = ?", [record_id])
        .fetchdf()
        .to_dict("records")
    )
    if not rows:
        raise NotFound("unknown_record", record_id=record_id)
    if rows[0]["status"] != "active":
        raise MetricsError("record_withdrawn", record_id=record_id)
    return rows[0]


def _withdraw(cur, actor: str, record_id: int, reason: str) -> None:
    cur.execute(
        "UPDATE progress_records SET status = 'withdrawn', withdrawn_by = ?, withdrawn_at = current_timestamp,"
        " withdrawn_reason = ? WHERE record_id = ?",
        [actor, reason, record_id],
    )


def correct_progress_record(
    store: Store, actor: str, record_id: int, record: ProgressRecord, reason: str
) -> int:
    """A correction: a new record that replaces `record_id` (same target), which is withdrawn.
    One transaction; the audit-log entry keeps both the old and the new record."""
    detail: dict = {
        "replaces": record_id,
        "reason": reason,
        "new": record.model_dump(mode="json", exclude={"record_id"}),
    }
    with store.transaction(actor, "correct_progress_record", detail) as cur:
        old = _active_record(cur, record_id)
        if old["target_id"] != record.target_id:
            raise MetricsError("record_other_target", record_id=record_id, target_id=old["target_id"])
        detail["old"] = {k: (None if v is None or v != v else str(v)) for k, v in old.items()}
        new_id = _insert_record(cur, actor, record, replaces=record_id)
        _withdraw(cur, actor, record_id, reason)
        detail["new_record_id"] = new_id
    return new_id


def withdraw_progress_record(store: Store, actor: str, record_id: int, reason: str) -> None:
    """Mark a record withdrawn (never deleted), with who, when and why; audit-logged with the record."""
    detail: dict = {"record_id": record_id, "reason": reason}
    with store.transaction(actor, "withdraw_progress_record", detail) as cur:
        old = _active_record(cur, record_id)
        detail["old"] = {k: (None if v is None or v != v else str(v)) for k, v in old.items()}
        _withdraw(cur, actor, record_id, reason)


_TARGET_COLUMNS = (
    "strategy_id",
    "target_id",
    "horizon_year",
    "kind",
    "comparator",
    "target_value",
    "group_id",
    "yardstick_index",
    "yardstick_measure",
    "unit_en",
    "unit_en_one",
    "unit_vi",
    "text_vi",
    "text_en",
    "source_url",
    "target_high",
    "base_year",
    "indicator_no",
    "appendix_group",
    "lead_agency",
    "coordinating_agencies",
    "yardstick_proxy",
    "succeeded_by",
)


def _target_values(target: Target) -> list:
    return [
        ";".join(target.coordinating_agencies) if c == "coordinating_agencies" else getattr(target, c)
        for c in _TARGET_COLUMNS
    ]


def _index_regions(cur) -> dict[str, str]:
    """Index id -> the one peer group its coverage is limited to, for the indices that have one
    (the loader refuses a world target on such an index; so does every write of a target)."""
    rows = cur.execute("SELECT index_id, coverage FROM indices").fetchall()
    return {index_id: region for index_id, coverage in rows if (region := coverage_region(coverage))}


def _regional_params(target: Target, region: str) -> dict[str, str]:
    return {"file": "targets", "index_id": target.yardstick_index, "region": region}


def add_target(store: Store, actor: str, target: Target) -> None:
    """Insert one target of an existing strategy; its id must be new, its group and index known."""
    with store.transaction(actor, "add_target", target.model_dump(mode="json")) as cur:

        def count(sql: str, value: str) -> int:
            return cur.execute(sql, [value]).fetchall()[0][0]

        if not count("SELECT count(*) FROM strategies WHERE strategy_id = ?", target.strategy_id):
            raise NotFound("unknown_strategy", strategy_id=target.strategy_id)
        if count("SELECT count(*) FROM targets WHERE target_id = ?", target.target_id):
            raise MetricsError("target_exists", target_id=target.target_id)
        if target.kind == "rank":
            if target.group_id != "WORLD" and not count(
                "SELECT count(*) FROM peer_groups WHERE group_id = ?", target.group_id
            ):
                raise NotFound("unknown_group_id", group_id=target.group_id)
            if not count("SELECT count(*) FROM indices WHERE index_id = ?", target.yardstick_index):
                raise MetricsError("unknown_index", index_id=target.yardstick_index)
            region = _index_regions(cur).get(target.yardstick_index)
            if target.group_id == WORLD and region:
                raise MetricsError("world_target_regional_index", **_regional_params(target, region))
        values = _target_values(target)
        cur.execute(
            f"INSERT INTO targets ({', '.join(_TARGET_COLUMNS)}) VALUES ({', '.join('?' * len(values))})",  # noqa: S608 - fixed names
            values,
        )


def add_targets(store: Store, actor: str, targets: list[Target]) -> int:
    """Insert a whole target set in ONE transaction (one audit-log entry): all or nothing. Every
    problem (unknown strategy, group or index; an id already taken or repeated) is collected and
    raised together as ValidationFailed, with `row` = the target's position + 1 (the header of an
    uploaded file is row 1), before anything is written. Returns the number of targets added."""
    detail = {"count": len(targets), "target_ids": [t.target_id for t in targets]}
    with store.transaction(actor, "add_targets", detail) as cur:

        def known(sql: str) -> set[str]:
            return {r[0] for r in cur.execute(sql).fetchall()}

        strategies = dict(cur.execute("SELECT strategy_id, signed_on FROM strategies").fetchall())
        taken = known("SELECT target_id FROM targets")
        groups = known("SELECT group_id FROM peer_groups") | {"WORLD"}
        indices = known("SELECT index_id FROM indices")
        agencies = known("SELECT agency_id FROM agencies")
        regions = _index_regions(cur)
        numbered = list(enumerate(targets, start=2))
        problems: list[Problem] = cross_row_problems(numbered, strategies, agencies, taken)
        for row, target in numbered:
            if target.kind == "rank":
                if target.group_id not in groups:
                    problems.append(
                        Problem(
                            "unknown_group_id",
                            row,
                            "group_id",
                            target.group_id,
                            {"group_id": target.group_id},
                        )
                    )
                if target.yardstick_index not in indices:
                    problems.append(
                        Problem(
                            "unknown_index",
                            row,
                            "yardstick_index",
                            target.yardstick_index,
                            {"index_id": target.yardstick_index},
                        )
                    )
                elif target.group_id == WORLD and target.yardstick_index in regions:
                    region = regions[target.yardstick_index]
                    problems.append(
                        Problem(
                            "world_target_regional_index",
                            row,
                            "group_id",
                            target.group_id,
                            _regional_params(target, region),
                        )
                    )
        if problems:
            raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
        if targets:
            rows = [_target_values(t) for t in targets]
            cur.executemany(
                f"INSERT INTO targets ({', '.join(_TARGET_COLUMNS)}) VALUES ({', '.join('?' * len(_TARGET_COLUMNS))})",  # noqa: S608 - fixed names
                rows,
            )
    return len(targets)
