"""Every error code raised in metrics/ingest (and the import's store module) has a message in
Vietnamese and English, and the message uses only parameters the code is raised with."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from metrics import i18n
from tests.conftest import ROOT

SOURCES = [*sorted((ROOT / "metrics" / "ingest").glob("*.py")), ROOT / "metrics" / "store" / "imports.py"]
RAISERS = {"Problem", "MetricsError", "NotFound", "StoreError", "PermissionDenied", "problem"}
# Codes the tidy-CSV fast path emits from SQL (metrics.store.imports.read_tidy_csv), as the readers do.
FAST_PATH_CODES = {"not_a_number", "missing_country", "missing_year", "year_out_of_range", "missing_measure"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def raised_codes() -> dict[str, list[tuple[str, set[str] | None]]]:
    """code -> [(file, keyword params or None when they are built elsewhere)] for every raise site."""
    found: dict[str, list[tuple[str, set[str] | None]]] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in RAISERS:
                continue
            first = (
                node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
            )
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            fields = (
                {"code", "row", "column", "value", "params"} if name in ("Problem", "problem") else {"code"}
            )
            keywords = {k.arg for k in node.keywords if k.arg} - fields
            dynamic = any(k.arg in (None, "params") for k in node.keywords) or (
                name == "Problem" and len(node.args) > 4
            )
            found.setdefault(first.value, []).append((path.name, None if dynamic else keywords))
    return found


CODES = raised_codes()


def test_the_scan_finds_the_readers_matcher_and_import_codes():
    for code in (
        "not_a_number",
        "layout_ambiguous",
        "country_alias_conflict",
        "country_unmatched",
        "edition_required",
    ):
        assert code in CODES
    assert set(CODES) >= FAST_PATH_CODES


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("code", sorted(CODES))
def test_every_raised_code_has_a_message(code, lang):
    assert f"error.{code}" in i18n.catalog(lang), f"error.{code} missing in {lang}"


@pytest.mark.parametrize("code", sorted(CODES))
def test_messages_use_only_parameters_the_code_is_raised_with(code):
    wanted = set(PLACEHOLDER.findall(i18n.catalog("en")[f"error.{code}"]))
    for file_name, keywords in CODES[code]:
        if keywords is not None:  # params passed as keywords: the message may use only those
            assert wanted <= keywords, (
                f"{code} raised in {file_name} with {sorted(keywords)}, message wants {sorted(wanted)}"
            )


def test_a_parameter_named_key_or_code_does_not_break_the_message():
    text = i18n.error_message(
        "country_alias_conflict", "en", alias="Thailand", key="thailand", iso3="VNM", other="THA"
    )
    assert (
        text == "The name “Thailand” (matching key “thailand”) cannot be given to VNM: it already means THA."
    )


def test_import_catalogs_exist_in_both_languages():
    for lang in i18n.LANGS:
        assert (Path(i18n.__file__).parent / lang / "import.toml").exists()
