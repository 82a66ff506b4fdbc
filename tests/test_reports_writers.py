"""The report model and the three writers on small hand-made models (no database): NFC, validation,
formula-like text in XLSX, the PDF's vector charts and its table fallback when a chart cannot be drawn."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pydantic import ValidationError
from pypdf import PdfReader

from metrics.reports import pdf, pptx, xlsx
from metrics.reports.model import (
    SECTION_IDS,
    Bullet,
    Cell,
    Chart,
    ReportModel,
    ReportOptions,
    Section,
    Series,
    Source,
    Table,
)

DECOMPOSED = unicodedata.normalize("NFD", "Việt Nam – Mục tiêu")
LABELS = {
    "page": "Trang {page}/{pages}",
    "continued": "tiếp",
    "contents": "Mục lục",
    "chart_fallback": "Không vẽ được hình biểu đồ; số liệu ở bảng dưới đây.",
    "cover": "Đọc trước",
    "sheets": "Trang tính",
    "sheet_contents": "Nội dung",
    "sources": "Nguồn",
    "data_version": "Phiên bản dữ liệu",
}
FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://x")']


def _table(table_id: str = "t", sheet: str = "") -> Table:
    rows = [[Cell(text=f, value=f), Cell(text="1,50", value=1.5, num_format="0.00")] for f in FORMULAS]
    rows.append([Cell(text="Đã đạt", value="Đã đạt", status="achieved"), Cell(text="–")])
    return Table(table_id=table_id, title="Bảng", columns=["Văn bản", "Số"], rows=rows, sheet=sheet)


def _chart() -> Chart:
    return Chart(
        chart_id="c1",
        title="Hạng thế giới",
        kind="line",
        categories=["2023", "2024", "2025"],
        series=[Series(name="Việt Nam", values=[59.0, 51.0, 45.0]), Series(name="Top 50", values=[50.0] * 3)],
        y_reversed=True,
        number_format="0",
        table=Table(
            table_id="c1_table",
            title="Hạng thế giới",
            columns=["Kỳ", "Việt Nam"],
            rows=[
                [Cell(text=y), Cell(text=str(v), value=v)]
                for y, v in (("2023", 59), ("2024", 51), ("2025", 45))
            ],
        ),
    )


def _model(**changes) -> ReportModel:
    fields = {
        "lang": "vi",
        "title": DECOMPOSED,
        "subtitle": "Báo cáo thử",
        "meeting_date": dt.date(2026, 1, 15),
        "meeting_line": "Cuộc họp ngày 15/01/2026",
        "as_of_line": "Số liệu tính đến GAIRI 2025",
        "index_id": "GAIRI",
        "as_of_edition": 2025,
        "group_id": "ASEAN",
        "data_version": 1,
        "footer": "Nguồn: thử",
        "labels": LABELS,
        "sections": [
            Section(
                section_id="headline",
                title="Tình trạng",
                lead="Việt Nam xếp hạng 45/195",
                bullets=[Bullet(text="Top 60", status="achieved", status_label="Đã đạt", group="rank")],
                notes="Nguồn: https://example.org/gairi",
            ),
            Section(section_id="trajectory", title="Diễn biến", charts=[_chart()], notes="Nguồn: https://x"),
            Section(section_id="appendix", title="Phụ lục", tables=[_table()], notes="Nguồn: https://x"),
        ],
        "data_pack": [_table("pack", sheet="Bảng đánh giá")],
        "sources": [
            Source(index_id="GAIRI", label="Oxford Insights, GAIRI 2025", url="https://example.org/gairi")
        ],
    }
    fields.update(changes)
    return ReportModel(**fields)


# --- the model --------------------------------------------------------------------------------------


def test_model_holds_every_text_in_nfc():
    model = _model()
    assert model.title == unicodedata.normalize("NFC", DECOMPOSED) != DECOMPOSED
    cell = Cell(text=DECOMPOSED)
    assert unicodedata.is_normalized("NFC", cell.text)
    table = Table(table_id="x", title="", columns=[DECOMPOSED], rows=[])
    assert unicodedata.is_normalized("NFC", table.columns[0])


def test_model_rejects_ragged_tables_and_misaligned_series():
    with pytest.raises(ValidationError, match="row 0 has 1 cells"):
        Table(table_id="x", title="", columns=["a", "b"], rows=[[Cell(text="1")]])
    with pytest.raises(ValidationError, match="has 2 values for 3 categories"):
        Chart(
            chart_id="c",
            title="",
            kind="line",
            categories=["a", "b", "c"],
            series=[Series(name="s", values=[1.0, 2.0])],
            table=Table(table_id="t", title="", columns=["a"], rows=[]),
        )


def test_options_keep_the_report_order_and_reject_unknown_sections():
    options = ReportOptions(sections=("appendix", "headline", "headline"))
    assert options.sections == ("headline", "appendix")
    assert ReportOptions().sections == SECTION_IDS
    with pytest.raises(ValidationError, match="unknown sections"):
        ReportOptions(sections=("headline", "gossip"))


# --- XLSX ---------------------------------------------------------------------------------------------


def test_xlsx_writes_formula_like_text_as_text_and_numbers_as_numbers():
    data = xlsx.write(_model())
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Đọc trước", "Bảng đánh giá"]
    sheet = book["Bảng đánh giá"]
    texts = [sheet.cell(row=i, column=1) for i in range(2, 2 + len(FORMULAS))]
    assert [c.value for c in texts] == FORMULAS
    assert all(c.data_type == "s" for c in texts)
    assert all(c.quotePrefix for c in texts)  # Excel shows the text and never evaluates it
    assert sheet.cell(row=2, column=2).value == 1.5
    assert sheet.cell(row=2, column=2).number_format == "0.00"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere


def test_xlsx_sheet_names_are_made_valid_and_unique():
    taken: set[str] = set()
    assert xlsx.sheet_name("a/b:c?" + "x" * 40, taken) == ("a_b_c_" + "x" * 40)[:31]
    assert xlsx.sheet_name("Data", taken) == "Data"
    assert xlsx.sheet_name("data", taken) == "data (2)"


# --- PPTX ---------------------------------------------------------------------------------------------


def test_pptx_chart_is_an_editable_chart_with_the_model_numbers():
    prs = Presentation(io.BytesIO(pptx.write(_model())))
    charts = [s for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert chart.value_axis.reverse_order  # ranks: 1 at the top
    assert [s.name for s in chart.plots[0].series] == ["Việt Nam", "Top 50"]
    assert list(chart.plots[0].series[0].values) == [59.0, 51.0, 45.0]
    notes = [s.notes_slide.notes_text_frame.text for s in prs.slides]
    assert all(notes) and "https://example.org/gairi" in notes[0] + notes[1]


# --- PDF ----------------------------------------------------------------------------------------------


def _broken_layout(*args):
    raise ValueError("a chart of a shape the layout does not know")


def test_pdf_shows_the_table_and_says_so_when_a_chart_cannot_be_drawn():
    data = pdf.write(_model(), layout=_broken_layout)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert LABELS["chart_fallback"] in text.replace("\n", " ")
    assert "Hạng thế giới" in text and "45" in text
    assert "Việt Nam – Mục tiêu" in text  # the NFD title comes out NFC


def test_pdf_draws_its_chart_as_vectors_in_the_reports_fonts():
    reader = PdfReader(io.BytesIO(pdf.write(_model())))
    assert not [img for page in reader.pages for img in page.images]  # no picture: lines and text
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert LABELS["chart_fallback"] not in text.replace("\n", " ")
    # the chart's own words are text in the PDF: categories, series names, rank ticks
    for word in ("2023", "2024", "2025", "Việt Nam", "Top 50"):
        assert word in text
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("NotoSans" in f for f in fonts)


def test_only_web_links_are_clickable_in_the_pdf():
    rows = [
        [Cell(text="ok", url="https://example.org/a")],
        [Cell(text="js", url="javascript:alert(1)")],
        [Cell(text="file", url="file:///etc/passwd")],
    ]
    section = Section(
        section_id="counted", title="Nguồn", tables=[Table(table_id="t", title="", columns=["x"], rows=rows)]
    )
    data = pdf.write(_model(sections=[section]))
    reader = PdfReader(io.BytesIO(data))
    uris = [
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]
    ]
    assert "https://example.org/a" in uris
    assert not [u for u in uris if not u.startswith("http")]


@pytest.mark.parametrize(
    "text",
    [
        "Tỷ lệ khai thác thương mại các sáng chế được cấp văn bằng bảo hộ đạt 8 - 10%",
        "https://oxfordinsights.com/wp-content/uploads/2026/01/2025-Government-AI-Readiness-Index-data-1.xlsx",
        "hai  dấu cách\nmột dòng mới, rồi mộttừrấtdàikhôngcódấucáchnàocảđểngắtdòngchữ " * 3,
        "",
    ],
)
def test_pdf_wraps_by_words_within_the_width_and_loses_no_character(text):
    doc = pdf._Pdf(_model(), pdf.pdf_chart.layout)
    doc.set_font(pdf.FAMILY, "", 8.5)
    for width in (20.0, 45.0, 180.0):
        lines = doc.wrap(text, width)
        assert all(doc.get_string_width(line) <= width + 1e-6 for line in lines), (width, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
        whole_words = [w for w in text.split() if doc.get_string_width(w) <= width]
        kept = " ".join(lines).split()
        assert all(w in kept for w in whole_words)  # a word that fits is never cut


def test_a_pdf_table_cell_shows_at_most_its_line_limit_and_says_it_was_cut():
    long = "chữ " * 4000
    table = Table(table_id="t", title="Dài", columns=["a", "b"], rows=[[Cell(text=long), Cell(text="x")]])
    section = Section(section_id="counted", title="Bảng dài", tables=[table])
    reader = PdfReader(io.BytesIO(pdf.write(_model(sections=[section]))))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "…" in text
    assert text.count("chữ") < 4000  # cut, not spilled over pages
    assert len(reader.pages) <= 3  # the title page, the section, at most one more
