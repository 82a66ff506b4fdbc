"""Operations: python -m metrics backup|restore|check|rebuild (see docs/OPERATIONS.md).

They run while the dashboard serves the same file (docs/store.md): backup and check read beside it;
restore and rebuild take the write lock, so the dashboard's pages wait a moment and then read the
new file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from metrics import i18n
from metrics.auth import CLI_ACTOR
from metrics.cli_support import add_common
from metrics.errors import StoreError
from metrics.jsonable import jsonable
from metrics.present import format as fmt
from metrics.store import Store, default_db_path
from metrics.store import backup as ops
from metrics.store.urls import is_postgres_url


def register(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser("backup", help="copy the database to a checked backup file")
    backup.add_argument("--out", help="backup file (default: var/backups/dashboard-<time>.duckdb)")
    add_common(backup, json_flag=False)
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser(
        "restore", help="replace the database with a backup (the dashboard may keep running)"
    )
    restore.add_argument("file", nargs="?", help="a backup or restore point (none: list the restore points)")
    add_common(restore, json_flag=False)
    restore.set_defaults(handler=cmd_restore)

    check = sub.add_parser("check", help="read the whole database and check its consistency")
    add_common(check)
    check.set_defaults(handler=cmd_check)

    rebuild = sub.add_parser(
        "rebuild", help="set the database file aside and build a new one from data/ plus saved imports"
    )
    add_common(rebuild, json_flag=False)
    rebuild.set_defaults(handler=cmd_rebuild)


def _db(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else default_db_path()


def open_existing(path: Path) -> Store:
    """The Store of an existing file, never creating one; StoreError with a useful code otherwise.
    A PostgreSQL URL opens the server's database (store_unreachable when it cannot)."""
    if is_postgres_url(path):
        return Store(path)
    if not path.exists():
        raise StoreError("store_missing", path=str(path))
    try:
        return Store(path)
    except StoreError as exc:
        reason = str(exc.params.get("reason", ""))
        if "lock" in reason.lower():
            raise StoreError("store_in_use", path=str(path)) from exc
        raise StoreError("store_corrupt", path=str(path), reason=reason) from exc


def cmd_backup(args: argparse.Namespace) -> int:
    store = open_existing(_db(args))
    try:
        info = ops.backup(store, CLI_ACTOR, args.out)
    finally:
        store.close()
    print(
        i18n.t(
            "ops.backup_done",
            args.lang,
            path=info.path,
            size_mb=fmt.num(info.size_bytes / 2**20, args.lang, 1),
            version=info.data_version,
        )
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    db = _db(args)
    if args.file is None:
        from metrics.commands.importing import print_restore_points

        return print_restore_points(db, args.lang)
    report, kept = ops.restore(args.file, db)
    print(i18n.t("ops.restore_done", args.lang, db=str(db), backup=args.file, version=report.data_version))
    if kept:
        print(i18n.t("ops.restore_kept", args.lang, kept=str(kept)))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    report = ops.check_file(_db(args))
    if args.json:
        print(json.dumps([jsonable(report)], ensure_ascii=False, indent=2))
        return 0
    accounts = report.tables.get("users", 0)
    print(
        i18n.t(
            "ops.check_ok",
            args.lang,
            path=report.path,
            tables=len(report.tables),
            observations=fmt.num(report.tables.get("observations", 0), args.lang, 0),
            versions=report.current_versions,
            accounts=accounts,
            version=report.data_version,
        )
    )
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    report = ops.rebuild(_db(args))
    if report.kept:
        print(i18n.t("ops.rebuild_set_aside", args.lang, kept=report.kept))
    print(i18n.t("ops.rebuild_done", args.lang, db=report.path, version=report.data_version))
    if report.accounts_carried:
        print(i18n.t("ops.rebuild_accounts", args.lang, count=report.accounts_carried))
    print(i18n.t("ops.rebuild_no_saved_files", args.lang))
    return 0
