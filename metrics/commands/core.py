"""Core commands: seed, rank, status."""

from __future__ import annotations

import argparse
import datetime as dt

from metrics import cli_checks, i18n, progress, services
from metrics import services_strategy as strategies
from metrics.cli_support import add_common, print_json, print_table
from metrics.errors import MetricsError
from metrics.present import format as fmt
from metrics.present import phrases
from metrics.quantitative import QuantitativeAssessment
from metrics.store import open_store


def register(sub: argparse._SubParsersAction) -> None:
    rank = sub.add_parser("rank", help="a country's score and ranks in each edition of an index")
    rank.add_argument("--index", default="GAIRI", help="index id (GAIRI, WIPO_GII, IMF_AIPI, ...)")
    rank.add_argument("--country", default=services.DEFAULT_COUNTRY, help="ISO3 code")
    rank.add_argument("--edition", type=int, help="one edition year only")
    rank.add_argument("--group", default="ASEAN", help="peer group for the regional rank")
    add_common(rank)
    rank.set_defaults(handler=cmd_rank)

    seed = sub.add_parser("seed", help="create the database and load data/ if it is empty (idempotent)")
    add_common(seed, json_flag=False)
    seed.set_defaults(handler=cmd_seed)

    status = sub.add_parser(
        "status",
        help="every target's status with rank, threshold, gap, trend (and --trace: how it was computed)",
    )
    status.add_argument("--country", default=services.DEFAULT_COUNTRY, help="ISO3 code")
    status.add_argument("--strategy", help="strategy id (default: the strategy in force)")
    status.add_argument(
        "--as-of",
        type=int,
        dest="as_of",
        metavar="EDITION",
        help="judge by the editions up to this year only",
    )
    status.add_argument(
        "--yardstick",
        help="judge every rank target by this index instead of its default (GAIRI, WIPO_GII, ...)",
    )
    status.add_argument(
        "--today", type=dt.date.fromisoformat, help="the date to judge on (YYYY-MM-DD; default today)"
    )
    status.add_argument("--trace", action="store_true", help="include the calculation trace of every status")
    add_common(status)
    status.set_defaults(handler=cmd_status)


def cmd_rank(args: argparse.Namespace) -> int:
    cli_checks.check_year(args.edition, "--edition")
    store = open_store(args.db)
    known = {row.index_id for row in services.q.index_rows(store)}
    if args.index not in known:
        raise MetricsError("unknown_index", index_id=args.index)
    country = cli_checks.check_country(store, args.country)
    rows = services.rank_history(store, args.index, country, args.group, args.edition)
    if args.edition is not None and not rows:
        raise MetricsError("edition_not_found", index_id=args.index, edition_year=args.edition)
    if args.json:
        print_json(rows)
        return 0
    print_table([_rank_line(r, args.lang) for r in rows])
    region = next((r.coverage for r in rows if r.regional), None)
    if region is not None:
        print(i18n.t("cli.rank_regional", args.lang, index=args.index, region=region))
    return 0


def _rank_line(r: services.RankRow, lang: str) -> dict[str, object]:
    """One edition's line; an index of one region alone has no world rank or percentile columns."""
    world = (
        {}
        if r.regional
        else {
            "rank": f"{r.published_rank or r.computed_rank or '–'}/{r.countries_ranked}",
            "percentile": fmt.num(r.percentile, lang, 1),
        }
    )
    return {
        "edition": r.edition_year,
        "score": fmt.num(r.score, lang),
        **world,
        f"{r.group_id}_rank": f"{r.group_rank or '–'}/{r.group_size}",
        "framework": r.framework,
    }


def cmd_seed(args: argparse.Namespace) -> int:
    from metrics.store.seed import seed_or_upgrade  # the loader of data/ (with pandas): seed only

    store = open_store(args.db, seed=False)
    outcome = seed_or_upgrade(store)
    # "upgraded": a database seeded from an earlier data/ gained the default rows it lacked
    said = {"seeded": "seeded", "upgraded": "upgraded", "current": "already seeded"}[outcome]
    print(f"{said}: {store.path} (data version {store.data_version()})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    cli_checks.check_year(args.as_of, "--as-of")
    store = open_store(args.db)
    country = cli_checks.check_country(store, args.country)
    if args.yardstick:
        known = {row.index_id for row in services.q.index_rows(store)}
        if args.yardstick not in known:
            raise MetricsError("unknown_index", index_id=args.yardstick)
    if args.strategy:
        strategies.get_strategy(store, args.strategy)
    rows = strategies.target_reports(
        store,
        args.strategy,
        country,
        today=args.today,
        with_trace=args.trace,
        as_of=args.as_of,
        yardsticks={"*": args.yardstick} if args.yardstick else None,
    )
    if args.json:
        print_json([status_row(r, args.trace) for r in rows])
        return 0
    lang = args.lang
    # A rank target's gap is in its yardstick's unit: points of a scale, or articles for AI articles.
    units = {i: services.index_info(store, i).unit(lang) for i in {r.yardstick_index for r in rows} if i}
    print_table([_status_line(r, lang, units) for r in rows])
    if args.trace:
        for r in rows:
            trace = r.assessment.trace
            print()
            print(f"{r.target_id}: {i18n.t(f'status.{r.status}', lang)} — {i18n.t(trace.rule, lang)}")
            for step in trace.steps:
                formula = progress.step_formula(step, lang)
                print(f"  {i18n.t(step.key, lang)}: {formula} → {progress.step_value(step, lang)}")
    return 0


# The numbers of the growth comparison a quantitative target's assessment adds (metrics.quantitative).
QUANTITATIVE_KEYS = tuple(
    k for k in QuantitativeAssessment.model_fields if k not in progress.Assessment.model_fields
)


def status_row(report: strategies.TargetReport, with_trace: bool) -> dict:
    """One object of `status --json`: the engine's assessment and the target's strategy fields
    (the status is "superseded" where the strategy was replaced before the deadline)."""
    row = dict.fromkeys(QUANTITATIVE_KEYS)  # every row has the same keys, null where they do not apply
    row.update(report.assessment.model_dump(mode="json", exclude={"trace"}))
    row.update(report.model_dump(mode="json", exclude={"trace"}))
    if with_trace:
        row["trace"] = report.assessment.trace.model_dump(mode="json")
    return row


def _status_line(r: strategies.TargetReport, lang: str, units: dict[str, str]) -> dict:
    a = r.assessment
    unit = r.unit_vi if lang == "vi" else r.unit_en
    if r.kind == "rank":
        measured = (
            f"{r.yardstick_index} {r.yardstick_edition}"
            if r.yardstick_edition
            else (r.yardstick_index or "–")
        )
        current = f"{int(r.value)}/{r.of}" if r.value is not None else "–"
    else:
        measured = fmt.date(r.measured_on, lang)
        shown = r.value_unit if r.value_unit != r.unit_en else unit
        current = f"{fmt.num(r.value, lang)} {shown}".strip() if r.value is not None else "–"
    agency = (r.lead_agency_vi if lang == "vi" else r.lead_agency_en) or r.lead_agency or "–"
    status = i18n.t(f"status.{r.status}", lang)
    if r.evidence_fit in ("partial", "proxy") and r.status != "superseded":
        status += f" ({i18n.t(f'strategy.fit_{r.evidence_fit}', lang)})"
    line = {
        "target": r.target_id,
        "kind": i18n.t(f"strategy.kind_{r.kind}", lang),
        "by": r.horizon_year,
        "target_value": fmt.num(r.target_value, lang, 2 if r.target_value and r.target_value % 1 else 0),
        "measured_by": measured + (" (proxy)" if r.yardstick_proxy else ""),
        "current": current,
        # signed as the pages and reports sign it ("+1,50", "−2,25", "0,00"); a rank target's with
        # its yardstick's unit ("−2.198 bài báo", "+0,11 điểm")
        "gap": phrases.gap(a.gap, units.get(r.yardstick_index or "", ""), lang)
        if r.kind == "rank"
        else fmt.signed(a.gap, lang),
        "status": status,
        "evidence": r.evidence_count,
        "lead_agency": agency,
    }
    if r.strategy_status == "superseded":
        line["successor"] = r.succeeded_by or i18n.t("strategy.no_successor", lang)
    return line
