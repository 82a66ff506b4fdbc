"""`python -m metrics report`: a meeting report (PPTX, PDF or XLSX) in Vietnamese or English."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from metrics import cli_checks, i18n, report_export, safe_paths
from metrics.auth import CLI_ACTOR
from metrics.errors import MetricsError
from metrics.present import format as fmt
from metrics.reports.model import FORMATS, SECTION_IDS, ReportOptions
from metrics.store import default_db_path, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write a meeting report: slides (pptx), a PDF or the data pack (xlsx)",
        description="Write a meeting report from the same numbers as the dashboard.",
    )
    p.add_argument("--format", choices=FORMATS, required=True, help="pptx, pdf or xlsx")
    p.add_argument(
        "--lang", choices=i18n.LANGS, default=i18n.DEFAULT_LANG, help="language of the report (vi or en)"
    )
    p.add_argument(
        "--as-of", type=int, dest="as_of", help="edition of the yardstick to judge by (default: latest)"
    )
    p.add_argument("--group", default="ASEAN", help="peer group of the comparison sections (default ASEAN)")
    p.add_argument(
        "--sections",
        help=f"comma-separated sections to include, in any order (default: all): {','.join(SECTION_IDS)}",
    )
    p.add_argument(
        "--kind",
        choices=("meeting", "closing_review"),
        default="meeting",
        help="meeting (default) or closing_review: the summing-up of the strategy the one in force replaced",
    )
    p.add_argument("--meeting-date", dest="meeting_date", help="YYYY-MM-DD (default: today)")
    p.add_argument(
        "--out", help="output file (default: report-<INDEX><EDITION>-<lang>.<format> in the current folder)"
    )
    p.add_argument("--db", help="DuckDB file (default: $AI_DASHBOARD_DB or var/dashboard.duckdb)")
    p.set_defaults(handler=cmd_report)


def parse_sections(text: str | None) -> tuple[str, ...]:
    if not text:
        return SECTION_IDS
    wanted = [s.strip() for s in text.split(",") if s.strip()]
    for s in wanted:
        if s not in SECTION_IDS:
            raise MetricsError("report_unknown_section", section=s, allowed=", ".join(SECTION_IDS))
    return tuple(wanted)


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise MetricsError("report_bad_date", value=text) from exc


def cmd_report(args: argparse.Namespace) -> int:
    cli_checks.check_year(args.as_of, "--as-of")
    options = ReportOptions(
        lang=args.lang,
        kind=args.kind,
        as_of=args.as_of,
        group_id=args.group,
        sections=parse_sections(args.sections),
        meeting_date=parse_date(args.meeting_date),
    )
    started = time.perf_counter()
    db = Path(args.db) if args.db else default_db_path()
    if args.out:  # refused before any work: never the database, its log, a folder or a device
        safe_paths.check_output(args.out, [db])
    store = open_store(db)
    try:
        done = report_export.export_report(store, CLI_ACTOR, options, (args.format,))
    finally:
        store.close()
    if args.format in done.failures:
        raise done.failures[args.format]
    data = done.files[args.format]
    model = done.model
    out = Path(args.out or f"report-{model.index_id}{model.as_of_edition}-{args.lang}.{args.format}")
    safe_paths.write_output(safe_paths.check_output(out, [db]), data)
    seconds = fmt.num(time.perf_counter() - started, args.lang, 1)
    print(
        i18n.t("report.cli.written", args.lang, path=out, size=len(data) // 1024, seconds=seconds),
        file=sys.stderr,
    )
    return 0
