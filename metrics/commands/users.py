"""Account commands: python -m metrics users add|remove|set-role|set-password|list.

They run with the server's own rights (CLI_ACTOR, an administrator): whoever can run them can
read the database file anyway. Run them while the dashboard is stopped (DuckDB lets one process
open the file for writing), or use the Administration page while it runs.
Passwords are never taken from the command line (they would show in the process list and the
shell history): --password-stdin reads one line from standard input, otherwise you are prompted.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from metrics import i18n
from metrics.auth import CLI_ACTOR, ROLES
from metrics.cli_support import add_common, print_json, print_table
from metrics.errors import MetricsError
from metrics.store import open_store
from metrics.store import users as accounts


def register(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="local accounts: add, remove, set-role, set-password, list")
    cmds = users.add_subparsers(dest="users_command", required=True)

    add = cmds.add_parser("add", help="add an account")
    add.add_argument(
        "name", help="account name (lower case; an e-mail address for identity-provider sign-in)"
    )
    add.add_argument("--role", required=True, choices=ROLES)
    group = add.add_mutually_exclusive_group()
    group.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    group.add_argument(
        "--no-password",
        action="store_true",
        help="no local password: the person signs in through the organisation's identity provider",
    )
    add_common(add, json_flag=False)
    add.set_defaults(handler=cmd_add)

    remove = cmds.add_parser("remove", help="remove an account")
    remove.add_argument("name")
    add_common(remove, json_flag=False)
    remove.set_defaults(handler=cmd_remove)

    set_role = cmds.add_parser("set-role", help="change an account's role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=ROLES)
    add_common(set_role, json_flag=False)
    set_role.set_defaults(handler=cmd_set_role)

    set_password = cmds.add_parser("set-password", help="set a new password (also unlocks the account)")
    set_password.add_argument("name")
    set_password.add_argument("--password-stdin", action="store_true", help="read it from standard input")
    add_common(set_password, json_flag=False)
    set_password.set_defaults(handler=cmd_set_password)

    listing = cmds.add_parser("list", help="every account with its role (never the password hashes)")
    add_common(listing)
    listing.set_defaults(handler=cmd_list)


def read_password(args: argparse.Namespace, name: str) -> str:
    """One line from stdin with --password-stdin; otherwise an interactive prompt, typed twice."""
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise MetricsError("password_missing")
        return line
    if not sys.stdin.isatty():
        raise MetricsError("password_missing")
    first = getpass.getpass(i18n.t("ops.password_prompt", args.lang, name=name))
    second = getpass.getpass(i18n.t("ops.password_again_prompt", args.lang))
    if first != second:
        raise MetricsError("password_mismatch")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    password = None if args.no_password else read_password(args, args.name)
    account = accounts.add_account(store, CLI_ACTOR, args.name, args.role, password)
    role = i18n.t(f"role.{account.role}", args.lang)
    print(i18n.t("ops.user_added", args.lang, name=account.name, role=role))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    accounts.remove_account(store, CLI_ACTOR, args.name)
    print(i18n.t("ops.user_removed", args.lang, name=args.name.strip().lower()))
    return 0


def cmd_set_role(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    accounts.set_role(store, CLI_ACTOR, args.name, args.role)
    role = i18n.t(f"role.{args.role}", args.lang)
    print(i18n.t("ops.user_role_set", args.lang, name=args.name.strip().lower(), role=role))
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    password = read_password(args, args.name)
    accounts.set_password(store, CLI_ACTOR, args.name, password)
    print(i18n.t("ops.user_password_set", args.lang, name=args.name.strip().lower()))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    rows = accounts.list_accounts(store, CLI_ACTOR)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(i18n.t("ops.no_users", args.lang))
        return 0
    print_table(
        [
            {
                "name": a.name,
                "role": a.role,
                "local_password": "yes" if a.has_password else "no",
                "last_sign_in": a.last_sign_in.strftime("%Y-%m-%d %H:%M") if a.last_sign_in else "–",
                "locked_until": a.locked_until.strftime("%Y-%m-%d %H:%M") if a.locked_until else "–",
            }
            for a in rows
        ]
    )
    return 0
