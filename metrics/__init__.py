"""Viet Nam AI-strategy progress dashboard: everything that is not UI.

Pure core (no Streamlit, DuckDB or plotly): the modules of the "pure-core" import contract in
pyproject.toml. Adapters: store (DuckDB), ingest (files), charts (plotly), reports (pptx/pdf/xlsx).
docs/ARCHITECTURE.md says which folder owns what.
"""

__version__ = "0.1.0"
