"""The pure core imports no Streamlit, DuckDB or plotly: checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

PURE = [
    "metrics.models",
    "metrics.ranking",
    "metrics.errors",
    "metrics.dataset",
    "metrics.i18n",
    "metrics.progress",
    "metrics.scenario",
    "metrics.auth",
    "metrics.ingest.upload_guard",
    "metrics.reports.model",
    "metrics.present.vocabulary",
    "metrics.present.theme",
]
FORBIDDEN = ("streamlit", "duckdb", "plotly")


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
