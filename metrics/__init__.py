"""Viet Nam AI-strategy progress dashboard: everything that is not UI.

Pure core (no Streamlit, DuckDB or plotly): models, ranking, progress, scenario, errors.
Adapters: store (DuckDB), ingest (files), charts (plotly), reports (pptx/pdf/xlsx), i18n.
"""

__version__ = "0.1.0"
