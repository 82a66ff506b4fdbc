"""Meeting reports read back (python-pptx, pypdf, openpyxl) and checked against the engine's numbers.

One report per format and language is built once for the module from the seeded database. The
expected numbers are computed here from metrics.services, never typed in. Snapshots of the
extracted CONTENT (text, table cells, chart data; not bytes), one JSON file per language and format
in tests/__snapshots__/test_reports_content/, are the reports' output contract: an unintended change
fails here. After an intended one, regenerate them with
`.venv/bin/python -m pytest tests/test_reports_content.py --snapshot-update -n 0` and read the diff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from collections import OrderedDict

import pytest
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader
from syrupy.extensions.json import JSONSnapshotExtension

from metrics import committee, i18n, services
from metrics.reports import build_report, render
from metrics.reports import style as report_style
from metrics.reports.model import ReportOptions

MEETING = dt.date(2026, 1, 15)
LANGS = ("vi", "en")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?")


@pytest.fixture(scope="module")
def reports(store):
    out = {}
    for lang in LANGS:
        model = build_report(store, ReportOptions(lang=lang, meeting_date=MEETING))
        out[lang] = {"model": model, **{fmt: render(model, fmt) for fmt in ("pptx", "pdf", "xlsx")}}
    return out


@pytest.fixture(scope="module")
def engine(store):
    """What the engine says, computed here the way the report must have used it."""
    # the report judges by the strategy in force on its meeting date (Decision 127 in January 2026)
    strategy = committee.in_force_on(committee.strategies(store), MEETING).strategy_id
    assessments = services.assess_targets(store, "VNM", strategy_id=strategy, today=MEETING)
    history = services.rank_history(store, "GAIRI", "VNM", "ASEAN")
    return {
        "assessments": assessments,
        "rank": [a for a in assessments if a.kind == "rank"],
        "history": history,
        "status_history": {
            a.target_id: services.status_history(store, a.target_id, "VNM", today=MEETING)
            for a in assessments
            if a.kind == "rank"
        },
    }


# --- content extraction (also the snapshots' shape) ------------------------------------------


def pptx_content(data: bytes) -> list[dict]:
    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        item: dict = {"texts": [], "tables": [], "charts": [], "notes": ""}
        for shape in slide.shapes:
            if shape.has_chart:
                chart = shape.chart
                plot = chart.plots[0]
                item["charts"].append(
                    {
                        "name": shape.name,
                        "title": chart.chart_title.text_frame.text if chart.has_title else "",
                        "type": str(chart.chart_type),
                        "categories": [str(c) for c in plot.categories],
                        "series": [{"name": s.name, "values": list(s.values)} for s in plot.series],
                    }
                )
            elif shape.has_table:
                item["tables"].append(
                    {
                        "name": shape.name,
                        "rows": [[cell.text for cell in row.cells] for row in shape.table.rows],
                    }
                )
            elif shape.has_text_frame and shape.text_frame.text:
                item["texts"].append(shape.text_frame.text)
        if slide.has_notes_slide:
            item["notes"] = slide.notes_slide.notes_text_frame.text
        slides.append(item)
    return slides


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def xlsx_sheets(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _snapshot_form(fmt: str, data: bytes) -> object:
    if fmt == "pptx":
        return pptx_content(data)
    if fmt == "pdf":
        return pdf_pages(data)
    sheets = xlsx_sheets(data)
    out = {}
    for name, rows in sheets.items():
        rows = [[TIMESTAMP.sub("<timestamp>", v) if isinstance(v, str) else v for v in r] for r in rows]
        if len(rows) > 300:  # the underlying data: its size and a digest, not 4,000 lines
            digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()
            rows = {"header": rows[0], "rows": len(rows) - 1, "sha256": digest}
        out[name] = rows
    return out


# --- PPTX ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_pptx_is_16_9_and_its_charts_are_native_chart_objects(reports, lang):
    prs = Presentation(io.BytesIO(reports[lang]["pptx"]))
    assert prs.slide_width * 9 == prs.slide_height * 16
    shapes = [s for slide in prs.slides for s in slide.shapes]
    charts = [s for s in shapes if s.has_chart]
    model_charts = [c for s in reports[lang]["model"].sections for c in s.charts]
    assert len(charts) == len(model_charts) >= 5
    assert not [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    # The data behind each chart is embedded (an Excel part), so PowerPoint can edit it.
    assert all(c.chart.part.chart_workbook.xlsx_part is not None for c in charts)


@pytest.mark.parametrize("lang", LANGS)
def test_pptx_scorecard_rows_match_the_engine(reports, engine, lang):
    slides = pptx_content(reports[lang]["pptx"])
    rows = [r for s in slides for t in s["tables"] if t["name"] == "scorecard" for r in t["rows"][1:]]
    assert len(rows) == len(engine["assessments"])
    by_target = {}
    for a in engine["assessments"]:
        text = a.text_vi if lang == "vi" else a.text_en
        by_target[text[:1].upper() + text[1:]] = a
    for row in rows:
        a = by_target[row[0]]
        assert row[1] == str(a.horizon_year)
        assert row[6] == i18n.t(f"status.{a.status}", lang)
        if a.kind == "rank":
            assert row[3] == i18n.t("report.scorecard.rank_now", lang, rank=a.current_rank, of=a.of)
            sign = "+" if a.gap > 0 else "−"
            assert row[4] == sign + i18n.fmt_number(abs(a.gap), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_pptx_rank_chart_is_the_rank_history(reports, engine, lang):
    slides = pptx_content(reports[lang]["pptx"])
    chart = next(c for s in slides for c in s["charts"] if c["name"] == "world_rank")
    history = engine["history"]
    assert chart["categories"] == [str(r.edition_year) for r in history]
    assert chart["series"][0]["values"] == [float(r.published_rank or r.computed_rank) for r in history]
    targets = sorted(int(a.target_value) for a in engine["rank"] if a.group_id == "WORLD")
    assert sorted(int(s["values"][0]) for s in chart["series"][1:]) == targets


@pytest.mark.parametrize("lang", LANGS)
def test_pptx_speaker_notes_carry_the_sources(reports, engine, lang):
    slides = pptx_content(reports[lang]["pptx"])
    latest_url = engine["history"][-1].source_url
    assert latest_url in slides[0]["notes"]
    for slide in slides[1:]:
        assert "http" in slide["notes"], slide["texts"][:1]


# --- PDF ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_has_the_engine_numbers_and_intact_vietnamese(reports, engine, lang):
    pages = pdf_pages(reports[lang]["pdf"])
    text = "\n".join(pages)
    assert unicodedata.is_normalized("NFC", text)
    if lang == "vi":
        for phrase in ("Việt Nam", "Mục tiêu", "Quyết định 127/QĐ-TTg", "Đòn bẩy".lower()):
            assert unicodedata.normalize("NFC", phrase) in text, phrase
    else:
        assert "Viet Nam" in text
    latest = engine["history"][-1]
    rank = latest.published_rank or latest.computed_rank
    flat = text.replace("\n", " ")
    assert i18n.t("common.rank_of", lang, rank=rank, of=latest.countries_ranked).replace(
        " ", ""
    ) in flat.replace(" ", "")
    for a in engine["assessments"]:
        assert i18n.t(f"status.{a.status}", lang) in flat
    for a in engine["rank"]:
        assert i18n.fmt_number(abs(a.gap), lang) in flat
    assert latest.source_url in flat.replace(" ", "")
    # Page numbers on every page after the title page.
    for number, page in enumerate(pages[1:], start=2):
        label = i18n.t("report.label.page", lang, page=number, pages=len(pages))
        assert label in page, (number, page[-80:])


def test_pdf_embeds_its_fonts(reports):
    reader = PdfReader(io.BytesIO(reports["vi"]["pdf"]))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values()), fonts
    assert any("NotoSans" in name for name in fonts)


@pytest.mark.parametrize("lang", LANGS)
def test_embedded_fonts_cover_every_character_of_the_report(reports, lang):
    chars = {c for text in _strings(reports[lang]["model"].model_dump()) for c in text if not c.isspace()}
    main = TTFont(report_style.FONT_REGULAR).getBestCmap()
    fallback = TTFont(report_style.FONT_FALLBACK).getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in main and ord(c) not in fallback)
    assert not missing, missing


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


# --- XLSX -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_sheets_hold_the_engine_numbers_with_their_source(reports, engine, lang):
    sheets = xlsx_sheets(reports[lang]["xlsx"])
    names = {
        k: i18n.t(f"report.xlsx.{k}", lang)
        for k in ("scorecard", "ranks", "thresholds", "projections", "data")
    }
    assert set(names.values()) <= set(sheets)
    # Scorecard: one row per target, numbers as numbers.
    header, *rows = sheets[names["scorecard"]]
    col = {name: i for i, name in enumerate(header)}
    by_id = {r[0]: r for r in rows}
    for a in engine["assessments"]:
        row = by_id[a.target_id]
        assert row[col[i18n.t("report.col.score", lang)]] == a.score
        assert row[col[i18n.t("report.col.gap", lang)]] == a.gap
        assert row[col[i18n.t("report.col.threshold", lang)]] == a.threshold
        assert row[col[i18n.t("report.col.status_class", lang)]] == a.status
        if a.kind == "rank":
            assert row[col[i18n.t("report.col.source", lang)]] == a.source_url
    # Thresholds: the status history of every rank target, edition by edition.
    header, *rows = sheets[names["thresholds"]]
    col = {name: i for i, name in enumerate(header)}
    got = {
        (r[0], r[col[i18n.t("report.col.edition", lang)]]): r[col[i18n.t("report.col.threshold", lang)]]
        for r in rows
    }
    expected = {(t, h.as_of_edition): h.threshold for t, hs in engine["status_history"].items() for h in hs}
    assert got == expected
    # Ranks: GAIRI rows equal the rank history.
    header, *rows = sheets[names["ranks"]]
    col = {name: i for i, name in enumerate(header)}
    gairi = [r for r in rows if r[0] == "GAIRI"]
    assert [r[col[i18n.t("report.col.published_rank", lang)]] for r in gairi] == [
        h.published_rank for h in engine["history"]
    ]
    # Underlying data: every row names its index, edition and source file/URL.
    header, *rows = sheets[names["data"]]
    col = {name: i for i, name in enumerate(header)}
    assert rows
    for key in ("index", "edition", "source", "version"):
        assert all(r[col[i18n.t(f"report.col.{key}", lang)]] not in (None, "") for r in rows), key


# --- snapshots -----------------------------------------------------------------------------------------


@pytest.fixture
def json_snapshot(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("fmt", ["pptx", "pdf", "xlsx"])
@pytest.mark.parametrize("lang", LANGS)
def test_content_matches_the_snapshot(reports, lang, fmt, json_snapshot):
    # Through JSON first: dates and other cell values as the text a reader sees in the file, and
    # ordered dicts so the snapshot keeps the slides' and sheets' order instead of sorting the keys.
    text = json.dumps(_snapshot_form(fmt, reports[lang][fmt]), ensure_ascii=False, default=str)
    assert json.loads(text, object_pairs_hook=OrderedDict) == json_snapshot


def test_earlier_editions_can_be_the_as_of_edition(store):
    """The first edition has no previous one and no pillars; the one before the latest has
    projections (a series of several editions): the report says so and draws them."""
    editions = [r.edition_year for r in services.rank_history(store, "GAIRI")]
    for year in (editions[0], editions[-2]):
        model = build_report(
            store, ReportOptions(lang="en", as_of=year, meeting_date=dt.date(year + 1, 3, 1))
        )
        assert model.as_of_edition == year
        scorecard = next(t for t in model.data_pack if t.table_id == "pack_scorecard")
        judged = {row[7].value for row in scorecard.rows if row[2].value == "rank"}
        assert judged == {year}
        projections = [c for c in model.section("trajectory").charts if c.chart_id.startswith("projection_")]
        strategy = committee.in_force_on(committee.strategies(store), model.meeting_date).strategy_id
        with_projection = [a for a in services.assess_targets(store, strategy_id=strategy, as_of=year,
                           today=dt.date(year + 1, 3, 1)) if a.projection is not None]  # fmt: skip
        assert len(projections) == len(with_projection)
    first = build_report(store, ReportOptions(lang="vi", as_of=editions[0], meeting_date=MEETING))
    assert first.section("changes").lead == i18n.t("report.changes.none", "vi", index="GAIRI")
    assert Presentation(io.BytesIO(render(first, "pptx"))).slides
    assert load_workbook(io.BytesIO(render(first, "xlsx"))).sheetnames
