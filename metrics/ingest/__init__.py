"""Readers that turn publisher workbooks and analyst files into tidy tables (no UI, no database)."""
