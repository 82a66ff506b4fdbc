"""The pure core loads no Streamlit, DuckDB or plotly, checked in a fresh interpreter, and the
import-linter contracts of pyproject.toml hold.

The module list is the "pure-core" contract's (pyproject.toml), read from there, so the contract,
this test and docs/ARCHITECTURE.md cannot disagree. The contract proves it statically, over the
import graph; this test proves what the graph cannot see: imports made at run time (importlib,
plugins, a third-party package that pulls in a UI or a driver when imported).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from tests.conftest import ROOT


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c.get("id") == contract_id)


PURE_CORE = _contract("pure-core")
PURE = PURE_CORE["source_modules"]
FORBIDDEN = tuple(PURE_CORE["forbidden_modules"])


def test_the_pure_core_list_is_read():
    assert "metrics.progress" in PURE and "duckdb" in FORBIDDEN


@pytest.mark.parametrize("module", PURE)
def test_pure_module_loads_no_ui_db_or_plotting(module):
    code = (
        f"import sys, {module}; "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}); print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def test_import_contracts_hold():
    lint = ROOT / ".venv" / "bin" / "lint-imports"
    exe = str(lint) if lint.exists() else "lint-imports"
    out = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
