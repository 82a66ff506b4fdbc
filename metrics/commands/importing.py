"""Import commands: import, versions, diff, rollback, aliases.

    python -m metrics import FILE [--index ID] [--edition YEAR] [--source-url URL] [--licence TEXT]
        [--sheet NAME] [--name NAME --unit UNIT] [--map HEADER=MEASURE ...] [--no-totals]
        [--db PATH] [--dry-run] [--json] [--lang vi|en]
    python -m metrics versions [--index ID] [--json]
    python -m metrics diff VERSION_A VERSION_B [--json]
    python -m metrics rollback VERSION_ID
    python -m metrics withdraw VERSION_ID --reason TEXT
    python -m metrics aliases add NAME ISO3

Exit codes: 0 done (or nothing to do), 2 the file has problems (every one is listed, nothing was
written), 1 any other error. --json prints a list of objects (stable snake_case keys).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from metrics import cli_checks, i18n, safe_paths
from metrics.cli_support import add_common, cli_actor, print_json, print_table
from metrics.errors import MetricsError, ValidationFailed
from metrics.ingest import pipeline
from metrics.jsonable import jsonable
from metrics.present import format as fmt
from metrics.store import imports as store_imports
from metrics.store import open_store, restore_points


def register(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import", help="import a publisher spreadsheet or an analyst CSV/XLSX as a new version"
    )
    imp.add_argument("file", help="the file (.xlsx, .csv, .tsv, .txt)")
    imp.add_argument(
        "--index", dest="index_id", help="index id (GAIRI, WIPO_GII, ...) or a NEW_ID for a new dataset"
    )
    imp.add_argument(
        "--edition", dest="edition_year", type=int, help="edition year (when the file has no year column)"
    )
    imp.add_argument("--source-url", default="", help="where the file was downloaded from")
    imp.add_argument("--licence", default="", help="licence of the data (default: the index's)")
    imp.add_argument("--sheet", help="sheet to read (when several tables qualify)")
    imp.add_argument("--name", help="a new dataset's name (English)")
    imp.add_argument("--name-vi", help="a new dataset's name in Vietnamese (default: --name)")
    imp.add_argument("--unit", help="a new dataset's unit (e.g. 'points', '%% of GDP')")
    imp.add_argument("--publisher", default="", help="a new dataset's publisher")
    imp.add_argument(
        "--scale-min", type=float, help="scale of a new edition (default: the previous edition's)"
    )
    imp.add_argument(
        "--scale-max", type=float, help="scale of a new edition (default: the previous edition's)"
    )
    imp.add_argument(
        "--layout",
        choices=["auto", "publisher", "tidy"],
        default="auto",
        help="read as a publisher workbook or an analyst table (default: detected)",
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=MEASURE",
        help="read a column as a measure of the index (MEASURE '-' = do not import); kept for the next files",
    )
    imp.add_argument(
        "--no-totals",
        action="store_true",
        help="confirm an edition whose countries mostly have no total (never the default latest edition)",
    )
    imp.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    add_common(imp)
    imp.set_defaults(handler=cmd_import)

    versions = sub.add_parser("versions", help="imported versions with their provenance")
    versions.add_argument("--index", dest="index_id", help="one index only")
    add_common(versions)
    versions.set_defaults(handler=cmd_versions)

    diff = sub.add_parser("diff", help="what changed between two versions")
    diff.add_argument("version_a", type=int)
    diff.add_argument("version_b", type=int)
    add_common(diff)
    diff.set_defaults(handler=cmd_diff)

    rollback = sub.add_parser("rollback", help="make an older version of an edition current again")
    rollback.add_argument("version_id", type=int)
    add_common(rollback)
    rollback.set_defaults(handler=cmd_rollback)

    withdraw = sub.add_parser(
        "withdraw", help="withdraw a version (even the only one of an edition), with the reason"
    )
    withdraw.add_argument("version_id", type=int)
    withdraw.add_argument("--reason", required=True, help="why (kept in the audit log)")
    add_common(withdraw)
    withdraw.set_defaults(handler=cmd_withdraw)

    aliases = sub.add_parser("aliases", help="country-name aliases")
    alias_sub = aliases.add_subparsers(dest="alias_command", required=True)
    add = alias_sub.add_parser("add", help="keep NAME as another name of the country ISO3")
    add.add_argument("name")
    add.add_argument("iso3")
    add_common(add)
    add.set_defaults(handler=cmd_alias_add)


def _options(args: argparse.Namespace) -> pipeline.ImportOptions:
    return pipeline.ImportOptions(
        index_id=args.index_id,
        edition_year=args.edition_year,
        source_url=args.source_url,
        licence=args.licence,
        sheet=args.sheet,
        name=args.name,
        name_vi=args.name_vi,
        unit=args.unit,
        publisher=args.publisher,
        scale_min=args.scale_min,
        scale_max=args.scale_max,
        layout=args.layout,
        column_map=dict(_header_choice(text) for text in args.map),
        allow_no_headline=args.no_totals,
    )


def _header_choice(text: str) -> tuple[str, str]:
    """Split "Tổng điểm 2026=total" into ("Tổng điểm 2026", "total") at the last "="."""
    header, sep, measure = text.rpartition("=")
    if not sep or not header.strip() or not measure.strip():
        raise MetricsError("map_invalid", text=text)
    return header.strip(), measure.strip()


def _problems_json(problems, lang: str) -> list[dict]:
    return [{**asdict(p), "message": i18n.problem_message(p, lang)} for p in problems]


def cmd_import(args: argparse.Namespace) -> int:
    safe_paths.check_input(args.file)  # a folder, device or FIFO: a message at once, nothing read
    cli_checks.check_year(args.edition_year, "--edition")
    store = open_store(args.db, will_write=not args.dry_run)
    lang = args.lang
    try:
        outcome = pipeline.import_file(store, cli_actor(), args.file, _options(args), dry_run=args.dry_run)
    except ValidationFailed as exc:
        if args.json:
            print(
                json.dumps(
                    [{"status": "invalid", "problems": _problems_json(exc.problems, lang)}],
                    ensure_ascii=False,
                    indent=2,
                    default=str,
                )
            )
        raise
    plan = outcome if isinstance(outcome, pipeline.ImportPlan) else outcome.plan
    if args.json:
        item = jsonable(outcome)
        problems_key = item if isinstance(outcome, pipeline.ImportPlan) else item["plan"]
        problems_key["problems"] = _problems_json(plan.problems, lang)
        problems_key["warnings"] = _problems_json(plan.warnings, lang)
        print_json([item])
    else:
        _print_plan(plan, lang)
        if isinstance(outcome, pipeline.ImportResult):
            for v in outcome.versions:
                print(i18n.t("import.cli.written", lang, edition=v["edition_year"], version=v["version_id"]))
            if outcome.status == "unchanged":
                print(i18n.t("import.cli.unchanged", lang))
    if plan.problems:
        print(i18n.error_message("validation_failed", lang, count=len(plan.problems)), file=sys.stderr)
        for p in plan.problems:
            print("  - " + i18n.problem_message(p, lang), file=sys.stderr)
        return 2
    return 0


def _print_plan(plan: pipeline.ImportPlan, lang: str) -> None:
    t = i18n.t
    print(
        t(
            "import.cli.file",
            lang,
            file=plan.file_name,
            reader=t(f"import.reader.{plan.reader}", lang),
            sha=plan.sha256[:12],
        )
    )
    print(
        t(
            "import.cli.index_new" if plan.index_is_new else "import.cli.index",
            lang,
            index=plan.index_id,
            name=plan.index_name,
        )
    )
    print(
        t(
            "import.cli.countries",
            lang,
            names=plan.names_count,
            matched=plan.countries_matched,
            unmatched=plan.names_unmatched,
        )
    )
    for e in plan.editions:
        print(
            t(
                f"import.cli.edition_{e.action}",
                lang,
                edition=e.edition_year,
                rows=fmt.num(e.row_count, lang, 0),
                countries=e.country_count,
                version=e.current_version_id or e.restore_version_id or "–",
                framework=e.framework,
                scale=f"{fmt.num(e.scale_min, lang, 0)}–{fmt.num(e.scale_max, lang, 0)}",
            )
        )
        if e.edition_is_new:
            print(
                "  "
                + t(
                    f"import.scale_source.{e.scale_source}",
                    lang,
                    scale=f"{fmt.num(e.scale_min, lang, 0)}–{fmt.num(e.scale_max, lang, 0)}",
                )
            )
        if e.diff is not None:
            d = e.diff
            print(
                "  "
                + t(
                    "import.cli.diff",
                    lang,
                    changed=d.changed_count,
                    ranks=d.rank_changed_count,
                    added=len(d.added_countries),
                    removed=len(d.removed_countries),
                    unchanged=d.unchanged_count,
                )
            )
    for w in plan.warnings:
        print("  ! " + i18n.problem_message(w, lang))


def cmd_versions(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    frame = store_imports.list_versions(store, args.index_id)
    rows = frame.to_dict("records")
    if args.json:
        print_json(rows)
        return 0
    print_table(
        [
            {
                "version": r["version_id"],
                "index": r["index_id"],
                "edition": r["edition_year"],
                "current": "*" if r["is_current"] else ("withdrawn" if r["withdrawn"] else ""),
                "rows": r["row_count"],
                "countries": r["country_count"],
                "file": r["file_name"],
                "sha256": r["sha256"][:12],
                "by": r["imported_by"],
                "at": str(r["imported_at"])[:19],
            }
            for r in rows
        ]
    )
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    diff = store_imports.compare(store, args.version_a, args.version_b)
    if args.json:
        print_json([diff])
        return 0
    lang = args.lang
    print(
        i18n.t(
            "import.cli.diff",
            lang,
            changed=diff.changed_count,
            ranks=diff.rank_changed_count,
            added=len(diff.added_countries),
            removed=len(diff.removed_countries),
            unchanged=diff.unchanged_count,
        )
    )
    if diff.added_countries:
        print(i18n.t("import.added_countries", lang) + ": " + ", ".join(diff.added_countries))
    if diff.removed_countries:
        print(i18n.t("import.removed_countries", lang) + ": " + ", ".join(diff.removed_countries))
    print_table(
        [
            {
                "iso3": c.iso3,
                "measure": c.measure_id,
                "old": fmt.num(c.old_value, lang, 4),
                "new": fmt.num(c.new_value, lang, 4),
                "old_rank": c.old_rank or "–",
                "new_rank": c.new_rank or "–",
            }
            for c in diff.changed
        ]
    )
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    detail = store_imports.rollback(store, cli_actor(), args.version_id)
    if args.json:
        print_json([detail])
        return 0
    print(i18n.t("import.cli.rolled_back", args.lang, **detail))
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    detail = store_imports.withdraw(store, cli_actor(), args.version_id, args.reason)
    if args.json:
        print_json([detail])
        return 0
    key = "import.cli.withdrawn_to" if detail["now_current"] else "import.cli.withdrawn"
    print(i18n.t(key, args.lang, **detail))
    if detail["edition_removed"]:
        print(i18n.t("import.cli.withdrawn_edition_removed", args.lang, **detail))
    return 0


def print_restore_points(db, lang: str) -> int:
    """`python -m metrics restore` without a file: the restore points of the database, newest first."""
    points = restore_points.list_points(db)
    if not points:
        print(i18n.t("import.cli.no_restore_points", lang, db=str(db)))
        return 0
    print(i18n.t("import.cli.restore_points", lang, count=len(points)))
    print_table(
        [
            {
                "created": f"{p.created_at:%Y-%m-%d %H:%M:%S}",
                "data_version": p.data_version,
                "before": p.reason,
                "by": p.actor,
                "size_mb": fmt.num(p.size_bytes / 2**20, lang, 1),
                "file": p.path,
            }
            for p in points
        ]
    )
    return 0


def cmd_alias_add(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    added = pipeline.add_alias(store, cli_actor(), args.name, args.iso3)
    result = {"alias": args.name, "iso3": args.iso3.upper(), "added": added}
    if args.json:
        print_json([result])
        return 0
    print(i18n.t("import.cli.alias_added" if added else "import.cli.alias_known", args.lang, **result))
    return 0
