"""Strategy and evidence commands: python -m metrics strategies | evidence add|list|correct|withdraw.

Evidence writes check the actor's role as the pages do (metrics.services_strategy calls
metrics.auth.require_role). The command line acts with the server's rights, as `import` does,
unless --as NAME names a local account: then that account's role is checked and its name
recorded as the author.
"""

from __future__ import annotations

import argparse

import pydantic

from metrics import i18n
from metrics import services_strategy as strategies
from metrics.auth import Actor
from metrics.cli_support import add_common, cli_actor, print_json, print_table
from metrics.errors import MetricsError, ValidationFailed
from metrics.models import ProgressRecord
from metrics.present import format as fmt
from metrics.store import open_store
from metrics.store import users as accounts
from metrics.target_sets import validation_problems


def register(sub: argparse._SubParsersAction) -> None:
    listing = sub.add_parser(
        "strategies", help="each strategy: in force or superseded, by what and since when"
    )
    add_common(listing)
    listing.set_defaults(handler=cmd_strategies)

    ev = sub.add_parser("evidence", help="evidence for targets: add, list, correct, withdraw")
    cmds = ev.add_subparsers(dest="evidence_command", required=True)

    add = cmds.add_parser("add", help="add a value or a dated milestone, with its source")
    add.add_argument("target_id", metavar="TARGET_ID")
    _record_options(add)
    add.set_defaults(handler=cmd_add)

    show = cmds.add_parser("list", help="the evidence records (active ones; --all: withdrawn too)")
    show.add_argument("--target", help="one target only")
    show.add_argument("--all", action="store_true", help="include withdrawn and corrected records")
    add_common(show)
    show.set_defaults(handler=cmd_list)

    correct = cmds.add_parser(
        "correct", help="replace a record by a corrected one (the old one is kept, withdrawn)"
    )
    correct.add_argument("record_id", type=int, metavar="RECORD_ID")
    correct.add_argument("--reason", required=True, help="why the record is corrected")
    _record_options(correct)
    correct.set_defaults(handler=cmd_correct)

    withdraw = cmds.add_parser("withdraw", help="withdraw a record (kept, no longer counted)")
    withdraw.add_argument("record_id", type=int, metavar="RECORD_ID")
    withdraw.add_argument("--reason", required=True, help="why it is withdrawn")
    withdraw.add_argument(
        "--as", dest="as_user", metavar="NAME", help="act as this local account (its role is checked)"
    )
    add_common(withdraw, json_flag=False)
    withdraw.set_defaults(handler=cmd_withdraw)


def _record_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--kind", choices=("value", "milestone"), default="value", help="a number, or a dated event"
    )
    parser.add_argument(
        "--date", required=True, help="as-of date of the value, or date of the event (YYYY-MM-DD)"
    )
    parser.add_argument("--value", help="the number (required for --kind value)")
    parser.add_argument("--unit", default="", help="unit of the value (e.g. 'USD million')")
    parser.add_argument("--source", required=True, help="web address of the source (http or https)")
    parser.add_argument(
        "--fit", choices=("direct", "partial", "proxy"), default="direct", help="how well it fits the target"
    )
    parser.add_argument(
        "--label", choices=("V", "P"), default="V", help="V: read in the source; P: partial or secondary"
    )
    parser.add_argument("--note-en", default="", help="note in English")
    parser.add_argument("--note-vi", default="", help="note in Vietnamese")
    parser.add_argument(
        "--as", dest="as_user", metavar="NAME", help="act as this local account (its role is checked)"
    )
    add_common(parser, json_flag=False)


def _actor(store, args: argparse.Namespace) -> Actor:
    if not args.as_user:
        return cli_actor()
    account = accounts.get_account(store, args.as_user.strip().lower())
    if account is None:
        raise MetricsError("unknown_account", name=args.as_user)
    return Actor(name=account.name, role=account.role)


def _record(args: argparse.Namespace, target_id: str) -> ProgressRecord:
    given = {
        "target_id": target_id,
        "kind": args.kind,
        "recorded_on": args.date,
        "value": args.value,
        "unit": args.unit,
        "fit": args.fit,
        "label": args.label,
        "source_url": args.source,
        "note_en": args.note_en,
        "note_vi": args.note_vi,
    }
    try:
        return ProgressRecord(**{k: v for k, v in given.items() if v is not None})
    except pydantic.ValidationError as exc:
        raise ValidationFailed(validation_problems(exc, args.lang, None, given)) from exc


def cmd_strategies(args: argparse.Namespace) -> int:
    rows = strategies.list_strategies(open_store(args.db))
    if args.json:
        print_json(rows)
        return 0
    lang = args.lang
    print_table(
        [
            {
                "strategy": r.strategy_id + (" *" if r.is_default else ""),
                "decision": r.decision,
                "signed": fmt.date(r.signed_on, lang),
                "status": i18n.t(f"strategy.status_{r.status}", lang),
                "superseded_by": r.superseded_by or "–",
                "since": fmt.date(r.superseded_on, lang),
                "targets": r.target_count,
            }
            for r in rows
        ]
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    record = _record(args, args.target_id)
    record_id = strategies.add_evidence(store, _actor(store, args), record)
    print(i18n.t("strategy.evidence_added", args.lang, id=record_id, target=args.target_id))
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    old = next(
        (e for e in strategies.evidence(store, include_withdrawn=True) if e.record_id == args.record_id), None
    )
    if old is None:
        raise MetricsError("unknown_record", record_id=args.record_id)
    record = _record(args, old.target_id)
    new_id = strategies.correct_evidence(store, _actor(store, args), args.record_id, record, args.reason)
    print(i18n.t("strategy.evidence_corrected", args.lang, id=new_id, old=args.record_id))
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    strategies.withdraw_evidence(store, _actor(store, args), args.record_id, args.reason)
    print(i18n.t("strategy.evidence_withdrawn", args.lang, id=args.record_id))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    if args.target:
        strategies.get_target(store, args.target)
    rows = strategies.evidence(store, args.target, include_withdrawn=args.all)
    if args.json:
        print_json(rows)
        return 0
    lang = args.lang
    if not rows:
        print(i18n.t("strategy.no_evidence", lang))
        return 0
    print_table(
        [
            {
                "id": r.record_id,
                "target": r.target_id,
                "kind": i18n.t(f"strategy.evidence_kind_{r.kind}", lang),
                "date": fmt.date(r.recorded_on, lang),
                "value": "–" if r.value is None else f"{fmt.num(r.value, lang)} {r.unit}".strip(),
                "fit": i18n.t(f"strategy.fit_{r.fit}", lang),
                "label": r.label,
                "status": i18n.t(f"strategy.record_{r.status}", lang),
                "source": r.source_url,
            }
            for r in rows
        ]
    )
    return 0
