"""Who is acting, and what they may do. Every service function that changes data calls
`require_role` first: hiding a page is not authorisation.

Roles are ordered: viewer < analyst < admin. Local accounts keep an Argon2id hash of the password
(argon2-cffi); the accounts themselves live in the database (metrics.store.users). This module is
pure: rules and hashing only, no database and no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeGuard

from metrics.errors import MetricsError, PermissionDenied

if TYPE_CHECKING:
    from argon2 import PasswordHasher

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")
ROLE_ORDER: dict[str, int] = {"viewer": 0, "analyst": 1, "admin": 2}

# Account names: plain logins or e-mail addresses (the identity provider's e-mail maps to an account).
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@+-]{1,63}")
# Names the system uses for itself in the audit log; nobody may sign in as one of them.
RESERVED_NAMES = frozenset({"anonymous", "cli", "seed", "system"})
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
# zxcvbn's score (0-4) a password must reach: 3 is "safely unguessable" (about 10^8 guesses), which
# refuses dictionary words with digits, keyboard runs and sequences (1234567890, qwertyuiop,
# Password1!) while passphrases pass.
PASSWORD_MIN_SCORE = 3
# zxcvbn's run time grows with the length; beyond this many characters only the prefix is judged.
_STRENGTH_PREFIX = 100
# After this many failed sign-ins in a row an account is locked for LOCKOUT_MINUTES.
MAX_FAILED_ATTEMPTS = 5
LOCKOUT_MINUTES = 15
# Besides the per-account lockout: failed sign-ins from one client (any account names) within
# CLIENT_WINDOW_MINUTES; beyond CLIENT_MAX_FAILURES that client must wait for the window to pass.
CLIENT_MAX_FAILURES = 20
CLIENT_WINDOW_MINUTES = 15


# The hasher, made at its first use (_hasher) rather than at import: most processes (an import, a
# report, a backup) check no password, and loading argon2 cost each of them about 5 ms.
_HASHER: PasswordHasher | None = None


def product_hasher() -> PasswordHasher:
    """Argon2id with the library's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def _hasher() -> PasswordHasher:
    global _HASHER
    if _HASHER is None:
        _HASHER = product_hasher()
    return _HASHER


# Verified against when an account is unknown or has no password, so the time taken does not
# tell an attacker which names exist. A literal (the hash of "not a password: timing equaliser"
# with the hasher's parameters) rather than hashed at import: that cost 64 MiB and a fraction of
# a second in every process, each CLI command included.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$yqZaPMXVTUOORzRBQ4anhQ$SSxIARenen3fzCC9VIb9Ijr/idoiw4EOcmIsaPOEyss"
)


Origin = Literal["system", "password", "oidc"]


@dataclass(frozen=True, kw_only=True)
class Actor:
    """The signed-in person (or a system actor such as the seed or the CLI).

    `origin` says how the actor was made. A "password" or "oidc" actor came from a sign-in and
    holds its role only while the account does: metrics.store.users.current_actor re-reads it
    for every page run and every service call. `fallback_role` is the role an identity-provider
    person has without a local account (the configured default)."""

    name: str
    role: Role = "viewer"
    origin: Origin = "system"
    fallback_role: Role = "viewer"


ANONYMOUS = Actor(name="anonymous", role="viewer")
# The command line runs with the server's own rights (whoever can run it can open the file anyway).
CLI_ACTOR = Actor(name="cli", role="admin")


@dataclass(frozen=True, kw_only=True)
class Account:
    """A local account as an administrator sees it (never the hash)."""

    name: str
    role: Role
    has_password: bool
    created_at: dt.datetime | None = None
    created_by: str = ""
    last_sign_in: dt.datetime | None = None
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def has_role(actor: Actor, needed: Role) -> bool:
    return ROLE_ORDER[actor.role] >= ROLE_ORDER[needed]


def require_role(actor: Actor, needed: Role) -> None:
    if not has_role(actor, needed):
        raise PermissionDenied(needed=needed, role=actor.role, actor=actor.name)


def is_role(value: str) -> TypeGuard[Role]:
    return value in ROLE_ORDER


def parse_role(text: str) -> Role:
    role = str(text).strip().lower()
    if not is_role(role):
        raise MetricsError("unknown_role", role=text, roles=", ".join(ROLES))
    return role


def normalise_name(name: str) -> str:
    """An account name in its stored form (lower case, trimmed); MetricsError when not allowed."""
    clean = str(name).strip().lower()
    if not NAME_PATTERN.fullmatch(clean) or clean in RESERVED_NAMES:
        raise MetricsError("invalid_account_name", name=str(name)[:80])
    return clean


def check_password_policy(password: str, name: str) -> None:
    """At least PASSWORD_MIN_LENGTH characters, not the account name, not one repeated character,
    and hard to guess by zxcvbn's estimate (common passwords, words, keyboard runs, dates, the
    account name itself all count as guessable)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise MetricsError("password_too_short", min=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        raise MetricsError("password_too_long", max=PASSWORD_MAX_LENGTH)
    if password.strip().lower() == name.strip().lower() or len(set(password)) < 4:
        raise MetricsError("password_too_weak")
    hints = [part for part in re.split(r"[@._+-]", name.lower()) if part] + [name.lower()]
    from zxcvbn import zxcvbn  # here, not at import: its dictionaries cost every process 0.2 s

    if zxcvbn(password[:_STRENGTH_PREFIX], user_inputs=hints)["score"] < PASSWORD_MIN_SCORE:
        raise MetricsError("password_too_guessable")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches. Takes the same time whether or not a hash exists."""
    if len(password) > PASSWORD_MAX_LENGTH:
        password = password[:PASSWORD_MAX_LENGTH]  # still hashed: no shortcut an attacker can time
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    target = stored_hash or _DUMMY_HASH
    try:
        ok: bool = _hasher().verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    return ok and bool(stored_hash)


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's: rehash at next sign-in."""
    from argon2.exceptions import InvalidHashError

    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def parse_flag(value: object) -> bool:
    """A yes/no setting from a TOML value or an environment variable ("1", "true", "yes", "on")."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on", "y"}


# --- who may export reports (data/permissions.toml, one setting) -------------------------------

PERMISSIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "permissions.toml"
EXPORT_SETTINGS = ("anyone", "viewer", "analyst", "admin")


def report_export_setting(path: Path = PERMISSIONS_FILE) -> str:
    """Who may generate and download reports: "anyone", "viewer" (any signed-in account),
    "analyst" or "admin". A missing or unknown value is the strictest reading of the default:
    signed-in accounts only."""
    try:
        with open(path, "rb") as f:
            value = str(tomllib.load(f).get("report_export", "viewer")).strip().lower()
    except (OSError, tomllib.TOMLDecodeError):
        value = "viewer"
    return value if value in EXPORT_SETTINGS else "viewer"


def may_export(actor: Actor, setting: str | None = None) -> bool:
    setting = setting or report_export_setting()
    if setting == "anyone":
        return True
    if actor == ANONYMOUS or actor.name == ANONYMOUS.name:
        return False
    return has_role(actor, parse_role(setting))


def require_export(actor: Actor, setting: str | None = None) -> None:
    setting = setting or report_export_setting()
    if not may_export(actor, setting):
        raise PermissionDenied(f"export_denied_{setting}", role=actor.role, actor=actor.name)
