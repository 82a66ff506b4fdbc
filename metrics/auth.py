"""Who is acting, and what they may do. Every service function that changes data calls
`require_role` first: hiding a page is not authorisation.

Roles are ordered: viewer < analyst < admin. Accounts and sign-in build on this (see the security issue).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from metrics.errors import PermissionDenied

Role = Literal["viewer", "analyst", "admin"]
ROLE_ORDER: dict[str, int] = {"viewer": 0, "analyst": 1, "admin": 2}


class Actor(BaseModel):
    """The signed-in person (or a system actor such as the seed or the CLI)."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: Role = "viewer"


ANONYMOUS = Actor(name="anonymous", role="viewer")
# The command line runs with the server's own rights (whoever can run it can open the file anyway).
CLI_ACTOR = Actor(name="cli", role="admin")


def has_role(actor: Actor, needed: Role) -> bool:
    return ROLE_ORDER[actor.role] >= ROLE_ORDER[needed]


def require_role(actor: Actor, needed: Role) -> None:
    if not has_role(actor, needed):
        raise PermissionDenied(needed=needed, role=actor.role, actor=actor.name)
