"""The writers' shortcuts change nothing in the file: the PDF's widths remembered per document,
PPTX cells copied, data-pack cells shared, the data pack built only for an XLSX."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from metrics.reports import ReportOptions, build_report, pdf
from metrics.reports.model import ReportModel

MEETING = dt.date(2026, 1, 15)


def _stable(data: bytes) -> bytes:
    """The PDF without what differs between two writes of one model (its dates and file id)."""
    data = re.sub(rb"/CreationDate \([^)]*\)", b"", data)
    return re.sub(rb"/ID \[[^\]]*\]", b"", data)


@pytest.fixture(scope="module")
def model(store) -> ReportModel:
    return build_report(store, ReportOptions(lang="vi", meeting_date=MEETING))


def test_remembered_widths_lay_out_the_same_pdf(model, monkeypatch):
    remembered = pdf.write(model)
    monkeypatch.setattr(pdf, "_memoise_widths", lambda fonts: None)
    measured = pdf.write(model)
    assert _stable(remembered) == _stable(measured)
    assert len(remembered) > 50_000  # a whole report, tables and all


def test_the_data_pack_is_built_only_for_an_xlsx(store):
    from metrics.auth import CLI_ACTOR
    from metrics.report_export import export_report

    options = ReportOptions(lang="en", meeting_date=MEETING, sections=("headline",))
    assert export_report(store, CLI_ACTOR, options, ("pptx",)).model.data_pack == []
    with_pack = export_report(store, CLI_ACTOR, options, ("pptx", "xlsx"))
    assert with_pack.model.data_pack and set(with_pack.files) == {"pptx", "xlsx"}


def test_table_cells_copied_from_the_first_of_their_look_are_the_cells_python_pptx_makes():
    from lxml import etree
    from pptx import Presentation
    from pptx.util import Inches

    from metrics.reports import pptx as deck
    from metrics.reports import style

    texts = ["Việt Nam", "a\nb", "bell\x07 tab\t", "", "=1+1", "Việt Nam"]
    looks = [(11, True, style.WHITE, style.PRIMARY), (10, False, style.TEXT, style.LIGHT)]
    slide = Presentation().slides.add_slide(Presentation().slide_layouts[6])

    def table(fill) -> list[bytes]:
        grid = slide.shapes.add_table(len(texts), len(looks), 0, 0, Inches(4), Inches(4)).table
        for i, text in enumerate(texts):
            for j, look in enumerate(looks):
                fill(grid.cell(i, j), text, *look)
        return [etree.tostring(grid.cell(i, j)._tc) for i in range(len(texts)) for j in range(len(looks))]

    cells = deck._Cells()
    assert table(cells.fill) == table(deck._cell)
    assert b"bell_x0007_ tab\t" in b"".join(table(cells.fill))


def test_data_pack_cells_shared_between_equal_values_are_the_cells_made_afresh():
    from metrics.reports.datapack import _columns

    values = ["Việt Nam", "Vie\u0302\u0323t Nam", "", 1, True, 1.0, 0.0, -0.0, None, float("nan"), 2024]
    for value in values:
        for fmt, url in (("", ""), ("0", "https://example.org/a")):
            fresh = _columns._datum(value, fmt, url)
            assert _columns.datum(value, fmt, url) == fresh
            assert type(_columns.datum(value, fmt, url).value) is type(fresh.value)
    assert _columns.datum("x") is _columns.datum("x")  # shared
    assert _columns.datum(1).value is not True and _columns.datum(True).value is True
    assert _columns.datum(-0.0).text == "-0.0" and _columns.datum(0.0).text == "0.0"
