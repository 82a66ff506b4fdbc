"""Writes of targets and progress records: each in one transaction with its audit-log entry.

Callers (metrics.services) check the actor's role first; the models arrive validated.
"""

from __future__ import annotations

from metrics.errors import MetricsError, NotFound, Problem, ValidationFailed
from metrics.models import ProgressRecord, Target
from metrics.store.connection import Store


def add_progress_record(store: Store, actor: str, record: ProgressRecord) -> int:
    """Insert one progress record; return its record_id."""
    detail = record.model_dump(mode="json")
    with store.transaction(actor, "add_progress_record", detail) as cur:
        known = cur.execute("SELECT count(*) FROM targets WHERE target_id = ?", [record.target_id]).fetchall()
        if not known[0][0]:
            raise NotFound("unknown_target", target_id=record.target_id)
        row = cur.execute(
            "INSERT INTO progress_records (target_id, recorded_on, value, source_url, note_en, note_vi, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING record_id",
            [
                record.target_id,
                record.recorded_on,
                record.value,
                record.source_url,
                record.note_en,
                record.note_vi,
                actor,
            ],
        ).fetchall()
    return int(row[0][0])


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
)


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
        values = [getattr(target, c) for c in _TARGET_COLUMNS]
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

        strategies = known("SELECT strategy_id FROM strategies")
        taken = known("SELECT target_id FROM targets")
        groups = known("SELECT group_id FROM peer_groups") | {"WORLD"}
        indices = known("SELECT index_id FROM indices")
        problems: list[Problem] = []
        seen: set[str] = set()
        for row, target in enumerate(targets, start=2):
            if target.strategy_id not in strategies:
                problems.append(
                    Problem(
                        "unknown_strategy",
                        row,
                        "strategy_id",
                        target.strategy_id,
                        {"strategy_id": target.strategy_id},
                    )
                )
            if target.target_id in taken or target.target_id in seen:
                problems.append(
                    Problem(
                        "target_exists", row, "target_id", target.target_id, {"target_id": target.target_id}
                    )
                )
            seen.add(target.target_id)
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
        if problems:
            raise ValidationFailed(problems)
        if targets:
            rows = [[getattr(t, c) for c in _TARGET_COLUMNS] for t in targets]
            cur.executemany(
                f"INSERT INTO targets ({', '.join(_TARGET_COLUMNS)}) VALUES ({', '.join('?' * len(_TARGET_COLUMNS))})",  # noqa: S608 - fixed names
                rows,
            )
    return len(targets)
