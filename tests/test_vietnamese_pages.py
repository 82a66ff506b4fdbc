"""Every page in Vietnamese carries no English: each visible string (text, widget labels, options,
placeholders, help, buttons, tables, chart axes, legends and notes) is read through AppTest and
checked word by word against the English of the catalog and of Streamlit's own widget texts.
Names are allowed: countries, indices, publishers, strategies and measures as the data files spell
them. Also: every catalog key exists in both languages, no measure id is shown instead of its name,
and every number printed on a Vietnamese page has a decimal comma."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import available_pages
from metrics import i18n
from metrics.auth import Actor
from tests.conftest import ROOT
from tests.pages_support import first_run

ADMIN = Actor(name="admin.test", role="admin")
DATA = ROOT / "data"
# Streamlit's built-in widget texts a page shows unless it sets its own (the file uploader's texts
# live in the browser only; tests/e2e/test_phone.py reads them there).
STREAMLIT_ENGLISH = {"choose", "option", "options", "select", "no", "results", "press", "enter", "apply"}
WORD = re.compile(r"[A-Za-zÀ-ỹĐđ][A-Za-zÀ-ỹĐđ'’-]*")
# addresses, file names, file-system paths (an audit record's data_dir=/srv/...) and identifiers
# (T2025_ASEAN_RANK, GAIRI-2020-2024): codes, not words. A path depends on where the checkout lives:
# CI's /check/work/... once read as the English word "check".
URL = re.compile(
    r"https?://\S+|(?<![\w/])/[\w.-]+(?:/[\w.-]+)+/?|\b[\w.-]+@[\w.-]+|\b[\w-]+\.(?:csv|xlsx|xls|tsv|txt|pdf|pptx|duckdb|toml)\b"
    r"|\b\w*_\w+\b|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b"
)
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _names() -> set[str]:
    """Every word of a name in the data files (country, index, publisher, strategy, measure)."""
    words: set[str] = set()
    for file, columns in (
        ("countries.csv", ("iso3", "iso2", "name_en", "name_vi", "name_vi_official", "aliases")),
        ("indices.csv", ("name_en", "short_name", "publisher", "index_id")),
        ("strategies.csv", ("name_en", "decision", "strategy_id")),
        ("measures.csv", ("name_en", "measure_id", "framework")),
        ("editions.csv", ("series", "framework")),
        ("peer_groups.csv", ("group_id", "name_en")),
    ):
        path = DATA / file
        if not path.exists():
            continue
        for row in _rows(file):
            for column in columns:
                words |= {w.lower() for w in WORD.findall(row.get(column) or "")}
    return words


def _catalog_words(lang: str) -> set[str]:
    return {
        w.lower() for text in i18n.catalog(lang).values() for w in WORD.findall(PLACEHOLDER.sub(" ", text))
    }


NAMES = _names()
VI_WORDS = _catalog_words("vi")
# English words that are not also Vietnamese (or a name): "AI", "Top", "ASEAN" are in both.
ENGLISH = (_catalog_words("en") | STREAMLIT_ENGLISH) - VI_WORDS - NAMES
MEASURE_IDS = {r["measure_id"] for r in _rows("measures.csv") if "_" in r["measure_id"]}


def test_every_catalog_key_is_in_both_languages():
    vi, en = set(i18n.catalog("vi")), set(i18n.catalog("en"))
    assert not vi - en, f"only in vi: {sorted(vi - en)[:10]}"
    assert not en - vi, f"only in en: {sorted(en - vi)[:10]}"
    empty = [k for lang in i18n.LANGS for k, v in i18n.catalog(lang).items() if not str(v).strip()]
    assert not empty, empty[:10]


def _leaves(node) -> list:
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for key in sorted(children) for leaf in _leaves(children[key])]


def _proto_texts(proto) -> list[str]:
    out: list[str] = []
    for field in ("label", "placeholder", "help", "body", "caption"):
        value = getattr(proto, field, None)
        if isinstance(value, str):
            out.append(value)
    options = getattr(proto, "options", None)
    if options is not None and not isinstance(options, str):
        out += [str(o) for o in options]
    return out


def _figure_texts(spec: dict) -> list[str]:
    layout = spec["layout"]
    out = [layout.get("title", {}).get("text", "")]
    for axis in ("xaxis", "yaxis"):
        out.append(layout.get(axis, {}).get("title", {}).get("text", ""))
        out += [str(v) for v in layout.get(axis, {}).get("ticktext", [])]
    out += [a.get("text", "") for a in layout.get("annotations", [])]
    out += [s.get("name", "") for s in layout.get("shapes", []) if s.get("showlegend")]
    for trace in spec["data"]:
        out.append(str(trace.get("name", "")))
        out += [str(v) for v in trace.get("text") or [] if isinstance(v, str)]
        out += [str(v) for v in trace.get("hovertext") or [] if isinstance(v, str)]
        if trace.get("type") == "scatterpolar":
            out += [str(v) for v in trace.get("theta", [])]
    return out


def visible_texts(at: AppTest) -> list[str]:
    """Every string a reader of the page sees, in the main area and the sidebar."""
    out: list[str] = []
    for root in (at.main, at.sidebar):
        for leaf in _leaves(root):
            kind = getattr(leaf, "type", "")
            if kind == "plotly_chart":
                out += _figure_texts(json.loads(leaf.proto.spec))
                continue
            if kind == "json":
                continue  # the engine's inputs as a machine-readable record (keys are field names)
            if kind in ("dataframe", "table"):
                frame = leaf.value
                out += [str(c) for c in frame.columns]
                out += [str(v) for v in frame.astype(str).to_numpy().ravel()]
                continue
            value = getattr(leaf, "value", None)
            if isinstance(value, str):
                out.append(value)
            proto = getattr(leaf, "proto", None)
            if proto is not None:
                out += _proto_texts(proto)
    return [t for t in out if t]


def english_words(text: str) -> list[str]:
    clean = URL.sub(" ", text)
    return [w for w in WORD.findall(clean) if w.lower() in ENGLISH]


def _open(page: str, db, monkeypatch) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(db)])
    return first_run(page, "vi", actor=ADMIN, timeout=120)  # every page, analyst and admin ones too


@pytest.fixture(scope="module")
def opened(seeded_db_file, tmp_path_factory):
    """Each page run once for the module, on one private copy of the seeded database: the checks
    below read the same run (a page view writes nothing)."""
    db = tmp_path_factory.mktemp("vi_pages") / "vi.duckdb"
    shutil.copy(seeded_db_file, db)
    runs: dict[str, AppTest] = {}

    def run(page: str) -> AppTest:
        if page not in runs:
            with pytest.MonkeyPatch.context() as monkeypatch:
                runs[page] = _open(page, db, monkeypatch)
        return runs[page]

    return run


PAGES = [name for name, _path, _role in available_pages()]
PAGES_NO_ENGLISH = PAGES


def test_every_edition_note_has_its_vietnamese_rendering():
    """The Data page shows `notes_vi` on the Vietnamese page; a note left English-only would show."""
    missing = [
        (r["index_id"], r["edition_year"]) for r in _rows("editions.csv") if r["notes"] and not r["notes_vi"]
    ]
    assert not missing, f"editions.csv rows with notes but no notes_vi: {missing}"


def test_the_check_finds_english():
    """The detector itself: an English sentence and Streamlit's default placeholder are caught, a
    Vietnamese sentence with names (country, index, publisher) is not."""
    assert english_words("Choose an option") and english_words("Download the data of each edition")
    assert not english_words("Việt Nam hạng 45/195 theo GAIRI của Oxford Insights (nguồn: https://x.org/a_b)")


@pytest.mark.parametrize("page", PAGES_NO_ENGLISH)
def test_vietnamese_page_carries_no_english(page, opened):
    at = opened(page)
    texts = visible_texts(at)
    found = {w for text in texts for w in english_words(text)}
    assert not found, f"English on the Vietnamese {page} page: {sorted(found)[:15]} in " + repr(
        [t for t in texts if set(english_words(t)) & found][:3]
    )
    # a select box or multiselect without its own placeholder shows Streamlit's English one
    for leaf in _leaves(at.main) + _leaves(at.sidebar):
        if getattr(leaf, "type", "") in ("selectbox", "multiselect"):
            assert leaf.proto.placeholder.strip(), f"{page}: {leaf.label!r} has Streamlit's placeholder"
    shown_ids = {m for m in MEASURE_IDS for t in texts if re.search(rf"(?<![\w/]){re.escape(m)}(?![\w])", t)}
    assert not shown_ids, f"{page} shows measure ids instead of names: {sorted(shown_ids)[:5]}"


NUMBER = re.compile(r"(?<![\w.,/:-])\d{1,3}\.\d{1,2}(?![\w.,/-])")


@pytest.mark.parametrize("page", PAGES)
def test_vietnamese_numbers_have_a_decimal_comma(page, opened):
    at = opened(page)
    texts = [URL.sub(" ", t) for t in visible_texts(at)]
    dotted = sorted({m for t in texts for m in NUMBER.findall(t)})
    assert not dotted, f"decimal points on the Vietnamese {page} page: {dotted[:10]}"
    for leaf in _leaves(at.main):
        if getattr(leaf, "type", "") == "plotly_chart":
            assert json.loads(leaf.proto.spec)["layout"]["separators"] == ",."
        if getattr(leaf, "type", "") == "dataframe":
            floats = [c for c, d in leaf.value.dtypes.items() if d.kind == "f"]
            assert not floats, f"{page}: float columns shown with the browser's decimal point: {floats}"
