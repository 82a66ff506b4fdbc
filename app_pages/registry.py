"""Every page of the app, in menu order, with the least role that may open it.

A page whose script does not exist yet is left out of the menu, so pages can land one at a time.
Hiding a page is not authorisation: each protected page checks the role again at its top.
"""

from __future__ import annotations

from pathlib import Path

from metrics.auth import ROLE_ORDER, Role

ROOT = Path(__file__).resolve().parent

# (name used for nav.<name> and the URL, script, least role: viewer < analyst < admin)
PAGES: list[tuple[str, str, Role]] = [
    ("overview", "overview.py", "viewer"),
    ("rankings", "rankings.py", "viewer"),
    ("asean", "asean.py", "viewer"),
    ("pillars", "pillars.py", "viewer"),
    ("whatif", "whatif.py", "viewer"),
    ("indices", "indices.py", "viewer"),
    ("targets", "targets.py", "viewer"),
    ("agencies", "agencies.py", "viewer"),
    ("data", "data.py", "viewer"),
    ("methodology", "methodology.py", "viewer"),
    ("report", "report.py", "viewer"),
    ("import_data", "import_data.py", "analyst"),
    ("admin", "admin.py", "admin"),
]


def available_pages() -> list[tuple[str, Path, Role]]:
    return [(name, ROOT / script, role) for name, script, role in PAGES if (ROOT / script).exists()]


# Shown alone when the server requires everyone to sign in (require_sign_in_for_viewers).
LOGIN_PAGE: tuple[str, Path, Role] = ("login", ROOT / "login.py", "viewer")


def pages_for(role: Role) -> list[tuple[str, Path, Role]]:
    """The pages someone with `role` may open, in menu order (each protected page checks again)."""
    return [p for p in available_pages() if ROLE_ORDER[p[2]] <= ROLE_ORDER[role]]
