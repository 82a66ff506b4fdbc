"""ReportModel -> PPTX bytes: a clean 16:9 deck with native (editable) charts and sources in the notes.

Every chart is a PowerPoint chart object with its data embedded, so the secretariat can restyle or
correct it in PowerPoint; nothing is a picture. Each slide's speaker notes carry its sources.
"""

from __future__ import annotations

import copy
import io
import math
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.text import CT_RegularTextRun
from pptx.util import Emu, Inches, Pt

from metrics.reports import style
from metrics.reports.model import Bullet, Chart, ReportModel, Section, Table

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in: exactly 16:9
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.75)
BODY_BOTTOM = Inches(6.85)
CONTENT_W = SLIDE_W - 2 * MARGIN
ROW_H = Inches(0.36)
FONT = style.PPTX_FONT
EMU_PER_IN = 914400
PILL_W = Inches(1.6)
TABLE_TITLE_H = Inches(0.42)
NOTE_H = Inches(0.3)
# Bullets beside a chart when there are few; otherwise they get a slide of their own.
SIDE_BULLETS_MAX = 5
# Two groups of bullets (rank | counted targets) go side by side from this many bullets.
TWO_COLUMNS_FROM = 7


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour)


def write(model: ReportModel) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    deck = _Deck(prs, model)
    deck.title_slide()
    for section in model.sections:
        deck.section(section)
    deck.number_pages()
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


class _Deck:
    def __init__(self, prs, model: ReportModel) -> None:
        self.prs = prs
        self.model = model
        self.layout = prs.slide_layouts[6]  # blank: every shape is ours
        self.page_boxes: list = []

    # --- building blocks -------------------------------------------------------------------------

    def _text(
        self,
        slide,
        left,
        top,
        width,
        height,
        text,
        size=14,
        bold=False,
        colour=style.TEXT,
        align=PP_ALIGN.LEFT,
        anchor=MSO_ANCHOR.TOP,
    ):
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = anchor
        frame.margin_left = frame.margin_right = Inches(0.05)
        para = frame.paragraphs[0]
        para.alignment = align
        run = para.add_run()
        run.text = text
        _run_font(run, size, bold, colour)
        return box

    def _slide(self, title: str, lead: str = "", notes: str = ""):
        slide = self.prs.slides.add_slide(self.layout)
        bar = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Inches(0.35), Inches(0.42), Inches(0.09), Inches(0.55)
        )
        _fill(bar, style.ACCENT)
        self._text(
            slide,
            MARGIN,
            Inches(0.3),
            CONTENT_W,
            Inches(0.75),
            title,
            26,
            True,
            style.PRIMARY,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        if lead:
            self._text(slide, MARGIN, Inches(1.08), CONTENT_W, Inches(0.6), lead, 15, False, style.TEXT)
        rule = slide.shapes.add_connector(1, MARGIN, Inches(7.0), SLIDE_W - MARGIN, Inches(7.0))
        rule.line.color.rgb = _rgb(style.RULE)
        self._text(
            slide,
            MARGIN,
            Inches(7.03),
            CONTENT_W - Inches(1.5),
            Inches(0.35),
            self.model.footer,
            9,
            colour=style.MUTED,
        )
        self.page_boxes.append(
            self._text(
                slide,
                SLIDE_W - MARGIN - Inches(1.5),
                Inches(7.03),
                Inches(1.5),
                Inches(0.35),
                "",
                9,
                colour=style.MUTED,
                align=PP_ALIGN.RIGHT,
            )
        )
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def number_pages(self) -> None:
        total = len(self.prs.slides)
        for number, box in enumerate(self.page_boxes, start=2):
            run = box.text_frame.paragraphs[0].runs[0]
            run.text = self.model.labels["page"].format(page=number, pages=total)

    # --- slides ----------------------------------------------------------------------------------

    def title_slide(self) -> None:
        m = self.model
        slide = self.prs.slides.add_slide(self.layout)
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_W, SLIDE_H)
        _fill(band, style.PRIMARY)
        stripe = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Inches(0.8), Inches(2.2), Inches(0.12), Inches(2.2)
        )
        _fill(stripe, style.ACCENT)
        self._text(
            slide,
            Inches(1.15),
            Inches(2.0),
            Inches(11.2),
            Inches(1.5),
            m.title,
            36,
            True,
            style.WHITE,
            anchor=MSO_ANCHOR.BOTTOM,
        )
        self._text(
            slide, Inches(1.15), Inches(3.55), Inches(11.2), Inches(0.9), m.subtitle, 20, False, "D0DCEA"
        )
        self._text(
            slide,
            Inches(1.15),
            Inches(5.2),
            Inches(11.2),
            Inches(0.45),
            m.meeting_line,
            16,
            True,
            style.WHITE,
        )
        self._text(
            slide, Inches(1.15), Inches(5.65), Inches(11.2), Inches(0.45), m.as_of_line, 14, False, "D0DCEA"
        )
        self._text(slide, Inches(1.15), Inches(6.7), Inches(11.2), Inches(0.4), m.footer, 10, False, "A9BCD0")
        notes = "\n".join(s.label + (f" — {s.url}" if s.url else "") for s in m.sources)
        slide.notes_slide.notes_text_frame.text = notes

    def section(self, sec: Section) -> None:
        notes = sec.notes
        cont = f"{sec.title} ({self.model.labels['continued']})"
        bullets_pending = list(sec.bullets)
        first = True
        side = bool(sec.charts) and 0 < len(bullets_pending) <= SIDE_BULLETS_MAX
        if bullets_pending and not side:
            slide = self._slide(sec.title, sec.lead, notes)
            top: int = BODY_TOP if sec.lead else Inches(1.2)
            self._bullet_columns(slide, bullets_pending, top, BODY_BOTTOM - top)
            bullets_pending, first = [], False
        elif not sec.charts and not sec.tables:
            self._slide(sec.title, sec.lead, notes)
            return
        for chart in sec.charts:
            slide = self._slide(
                sec.title if first else cont, sec.lead if first else "", _join(notes, chart.note)
            )
            top = BODY_TOP if first and sec.lead else Inches(1.2)
            height = BODY_BOTTOM - top - (Inches(0.4) if chart.note else 0)
            chart_w = CONTENT_W
            if bullets_pending:
                chart_w = Inches(8.3)
                left = MARGIN + chart_w + Inches(0.3)
                width = CONTENT_W - chart_w - Inches(0.3)
                self._bullets(
                    slide,
                    bullets_pending,
                    left,
                    top,
                    width,
                    height,
                    self._fit(bullets_pending, width, height),
                )
                bullets_pending = []
            self._chart(slide, chart, MARGIN, top, chart_w, height)
            if chart.note:
                self._text(
                    slide,
                    MARGIN,
                    top + height + Inches(0.02),
                    CONTENT_W,
                    Inches(0.4),
                    chart.note,
                    10,
                    colour=style.MUTED,
                )
            first = False
        for table in sec.tables:
            first_top = BODY_TOP if first and sec.lead else Inches(1.2)
            size, pages = _layout_table(table, first_top)
            for part, (start, stop) in enumerate(pages):
                slide = self._slide(sec.title if first else cont, sec.lead if first else "", notes)
                top = BODY_TOP if first and sec.lead else Inches(1.2)
                if table.title:
                    self._text(
                        slide, MARGIN, top, CONTENT_W, Inches(0.4), table.title, 14, True, style.PRIMARY
                    )
                    top += TABLE_TITLE_H
                self._table(slide, table, table.rows[start:stop], MARGIN, top, CONTENT_W, size)
                if table.note and part == len(pages) - 1:
                    self._text(
                        slide,
                        MARGIN,
                        BODY_BOTTOM - NOTE_H,
                        CONTENT_W,
                        NOTE_H,
                        table.note,
                        10,
                        colour=style.MUTED,
                    )
                first = False

    # --- content ---------------------------------------------------------------------------------

    def _bullet_columns(self, slide, bullets: list[Bullet], top, height) -> None:
        """One column; or two side by side when the bullets form two groups and one column is too long
        (the headline: rank targets | counted targets; the appendix: method | status classes)."""
        groups = list(dict.fromkeys(b.group for b in bullets))
        if len(groups) == 2 and len(bullets) > TWO_COLUMNS_FROM:
            gutter = Inches(0.35)
            columns = [[b for b in bullets if b.group == g] for g in groups]
            # Each column as wide as its share of the text (within 35-65 %).
            chars = [sum(len(b.text) + 40 for b in c) for c in columns]
            share = min(0.65, max(0.35, chars[0] / sum(chars)))
            widths = [Emu(int((CONTENT_W - gutter) * share)), Emu(int((CONTENT_W - gutter) * (1 - share)))]
            size = min(self._fit(c, w, height) for c, w in zip(columns, widths, strict=True))
            left: int = MARGIN
            for column, width in zip(columns, widths, strict=True):
                self._bullets(slide, column, left, top, width, height, size)
                left += width + gutter
            return
        self._bullets(slide, bullets, MARGIN, top, CONTENT_W, height, self._fit(bullets, CONTENT_W, height))

    @staticmethod
    def _layout(bullets: list[Bullet], width, size: int) -> list[float]:
        out = []
        for b in bullets:
            text_w = (width - (PILL_W if b.status else Inches(0.3))) / EMU_PER_IN - 0.1
            h = _text_height(b.text, text_w, size) + 0.08
            if b.detail:
                h += _text_height(b.detail, text_w, size - 4)
            out.append(max(h, 0.42 if b.status else 0.0))
        return out

    def _fit(self, bullets: list[Bullet], width, height) -> int:
        """The largest font size at which the bullets fit the height (estimated)."""
        for size in (18, 16, 14, 13, 12, 11):
            if sum(self._layout(bullets, width, size)) + _gap(size) * len(bullets) <= height / EMU_PER_IN:
                return size
        return 10

    def _bullets(self, slide, bullets: list[Bullet], left, top, width, height, size: int) -> None:
        heights = self._layout(bullets, width, size)
        y = top
        for b, h in zip(bullets, heights, strict=True):
            row_h = Inches(h)
            indent = PILL_W if b.status else Inches(0.3)
            if b.status:
                pill = slide.shapes.add_shape(
                    MSO_SHAPE.ROUNDED_RECTANGLE, left, y + Inches(0.03), PILL_W - Inches(0.15), Inches(0.34)
                )
                _fill(pill, style.status_colour(b.status))
                frame = pill.text_frame
                frame.margin_left = frame.margin_right = Inches(0.04)
                frame.margin_top = frame.margin_bottom = 0
                frame.vertical_anchor = MSO_ANCHOR.MIDDLE
                para = frame.paragraphs[0]
                para.alignment = PP_ALIGN.CENTER
                run = para.add_run()
                run.text = b.status_label
                _run_font(run, 11, True, style.WHITE)
            else:
                self._text(slide, left, y, Inches(0.3), Inches(0.4), "•", size, True, style.ACCENT)
            box = slide.shapes.add_textbox(left + indent, y, width - indent, row_h)
            frame = box.text_frame
            frame.word_wrap = True
            frame.margin_top = Inches(0.02)
            frame.margin_left = frame.margin_right = Inches(0.05)
            run = frame.paragraphs[0].add_run()
            run.text = b.text
            _run_font(run, size, False, style.TEXT)
            if b.detail:
                run = frame.add_paragraph().add_run()
                run.text = b.detail
                _run_font(run, max(size - 4, 9), False, style.MUTED)
            y += row_h + Inches(_gap(size))

    def _chart(self, slide, chart: Chart, left, top, width, height) -> None:
        data = CategoryChartData(number_format=chart.number_format)
        data.categories = chart.categories
        for s in chart.series:
            data.add_series(s.name, s.values)
        kind = {
            "line": XL_CHART_TYPE.LINE_MARKERS,
            "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
            "barh": XL_CHART_TYPE.BAR_CLUSTERED,
        }[chart.kind]
        frame = slide.shapes.add_chart(kind, left, top, width, height, data)
        frame.name = chart.chart_id
        ch = frame.chart
        ch.font.size = Pt(12)
        ch.font.name = FONT
        ch.has_title = True
        ch.chart_title.text_frame.text = chart.title
        _font(ch.chart_title.text_frame.paragraphs[0].runs[0].font, 14, True, style.PRIMARY)
        ch.has_legend = len(chart.series) > 1
        if ch.has_legend:
            ch.legend.position = XL_LEGEND_POSITION.BOTTOM
            ch.legend.include_in_layout = False
            ch.legend.font.size = Pt(11)
        value_axis = ch.value_axis
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = _rgb(style.RULE)
        value_axis.tick_labels.number_format = chart.number_format
        value_axis.tick_labels.number_format_is_linked = False
        value_axis.format.line.fill.background()
        if chart.y_title:
            value_axis.has_title = True
            value_axis.axis_title.text_frame.text = chart.y_title
            _font(value_axis.axis_title.text_frame.paragraphs[0].runs[0].font, 11, False, style.MUTED)
        if chart.y_reversed:
            value_axis.reverse_order = True
            # Keep the category axis at the bottom: it crosses the reversed value axis at its maximum.
            value_axis.crosses = XL_AXIS_CROSSES.MAXIMUM
        if chart.kind == "line" and not chart.y_reversed:
            # Years along the bottom edge, not on the zero line that negative gaps cross.
            ch.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        if chart.kind == "barh":
            ch.category_axis.reverse_order = True  # first category (rank 1) at the top
            # Names at the left edge, not at zero (negative gaps would cover them).
            ch.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
            # And the value axis stays at the bottom: it crosses the category axis at the last category.
            # (python-pptx has no setter for this side; the OOXML element is c:valAx/c:crosses.)
            crosses = ch.value_axis._element.find(qn("c:crosses"))
            if crosses is not None:
                crosses.set("val", "max")
        roles = [s.role for s in chart.series]
        colours = [s.colour or c for s, c in zip(chart.series, style.series_colours(roles), strict=True)]
        for plot_series, s, colour in zip(ch.plots[0].series, chart.series, colours, strict=True):
            if chart.kind == "line":
                line = plot_series.format.line
                line.color.rgb = _rgb(colour)
                line.width = Pt(3 if s.role == "country" else 2)
                if s.dashed:
                    line.dash_style = MSO_LINE_DASH_STYLE.DASH
                plot_series.smooth = False
                marker = plot_series.marker
                if s.role in ("country", "peer"):
                    marker.style = XL_MARKER_STYLE.CIRCLE
                    marker.size = 8
                    marker.format.fill.solid()
                    marker.format.fill.fore_color.rgb = _rgb(colour)
                    marker.format.line.color.rgb = _rgb(colour)
                else:
                    marker.style = XL_MARKER_STYLE.NONE
            else:
                fill = plot_series.format.fill
                fill.solid()
                fill.fore_color.rgb = _rgb(style.PEER if chart.highlight else colour)
                for i, (cat, v) in enumerate(zip(chart.categories, s.values, strict=True)):
                    point_colour = None
                    if chart.colour_by_sign and v is not None:
                        point_colour = style.sign_colour(v)
                    elif chart.highlight and cat == chart.highlight:
                        point_colour = style.ACCENT
                    if point_colour:
                        point_fill = plot_series.points[i].format.fill
                        point_fill.solid()
                        point_fill.fore_color.rgb = _rgb(point_colour)
        if chart.kind != "line":
            plot = ch.plots[0]
            plot.gap_width = 60
            plot.has_data_labels = True
            labels = plot.data_labels
            labels.number_format = chart.number_format
            labels.number_format_is_linked = False
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            labels.font.size = Pt(10)

    def _table(self, slide, table: Table, rows, left, top, width, size: int) -> None:
        n_cols = len(table.columns)
        shape = slide.shapes.add_table(len(rows) + 1, n_cols, left, top, width, ROW_H * (len(rows) + 1))
        shape.name = table.table_id
        grid = shape.table
        weights = table.widths or [1.0] * n_cols
        total = sum(weights)
        for j, w in enumerate(weights):
            grid.columns[j].width = Emu(int(width * w / total))
        # Rows as tall as their estimated text (PowerPoint grows a row to fit, never shrinks it).
        # Set on the rows' XML, then the frame's height once: python-pptx's row.height setter
        # adds up every row again after each one (a third of a long table's writing time).
        part = Table(table_id=table.table_id, title="", columns=table.columns, rows=rows, widths=table.widths)
        heights = [
            Emu(int(Inches(h)))
            for h in [_header_height(table, width, size), *_row_heights(part, width, size)]
        ]
        for tr, h in zip(grid._tbl.tr_lst, heights, strict=True):
            tr.h = h
        shape.height = Emu(sum(heights))
        cells = _Cells()
        for j, name in enumerate(table.columns):
            cells.fill(grid.cell(0, j), name, size, True, style.WHITE, style.PRIMARY)
        for i, row in enumerate(rows, start=1):
            band = style.LIGHT if i % 2 == 0 else style.WHITE
            for j, c in enumerate(row):
                if c.status:
                    cells.fill(
                        grid.cell(i, j), c.text, size, True, style.WHITE, style.status_colour(c.status)
                    )
                else:
                    cells.fill(grid.cell(i, j), c.text, size, False, style.TEXT, band)


# --- text fitting: python-pptx cannot measure text, so estimate (PowerPoint grows table rows to fit).

LINE = 1.22  # line height in ems
CHAR = 0.5  # average character width in ems (Arial; measured 0.48 on the reports, Vietnamese included)


def _lines(text: str, width_in: float, size: float) -> int:
    per_line = max(1, int(width_in * 72 / (size * CHAR)))
    return sum(max(1, math.ceil(len(part) * 1.05 / per_line)) for part in text.split("\n"))


def _text_height(text: str, width_in: float, size: float) -> float:
    return _lines(text, width_in, size) * size * LINE / 72


def _table_font(table: Table) -> int:
    return 11 if len(table.columns) <= 6 else 10


def _col_widths_in(table: Table, width) -> list[float]:
    weights = table.widths or [1.0] * len(table.columns)
    total = sum(weights)
    return [width / 914400 * w / total for w in weights]


def _row_heights(table: Table, width, size: int) -> list[float]:
    widths = _col_widths_in(table, width)
    return [
        max(_text_height(c.text, w - 0.14, size) for c, w in zip(row, widths, strict=True)) + 0.08
        for row in table.rows
    ]


def _header_height(table: Table, width, size: int) -> float:
    widths = _col_widths_in(table, width)
    return max(_text_height(n, w - 0.14, size) for n, w in zip(table.columns, widths, strict=True)) + 0.08


def _paginate(
    heights: list[float], header: float, has_note: bool, has_title: bool, first_top
) -> list[tuple[int, int]]:
    """(start, stop) row ranges, each fitting between its top (below the lead on the section's
    first slide) and the body's bottom, under the table title and above the note."""
    fixed = header + (TABLE_TITLE_H / EMU_PER_IN if has_title else 0)
    note = NOTE_H / EMU_PER_IN if has_note else 0

    def room(top) -> float:
        return (BODY_BOTTOM - top) / EMU_PER_IN - fixed

    pages, start, used, limit = [], 0, 0.0, room(first_top)
    for i, h in enumerate(heights):
        if i > start and used + h > limit:
            pages.append((start, i))
            start, used, limit = i, 0.0, room(Inches(1.2))
        used += h
    # The note sits at the bottom of the last slide: move rows on if they would run into it.
    if has_note and used > limit - note and len(heights) - start > 1:
        pages.append((start, len(heights) - 1))
        start = len(heights) - 1
    pages.append((start, len(heights)))
    return pages


def _layout_table(table: Table, first_top) -> tuple[int, list[tuple[int, int]]]:
    """Font size and row ranges per slide: one point smaller if that saves a slide, and no slide
    left with a lone row or two (rows move over from the slide before)."""
    candidates = []
    for size in (_table_font(table), _table_font(table) - 1):
        heights = _row_heights(table, CONTENT_W, size)
        header = _header_height(table, CONTENT_W, size)
        candidates.append((size, _paginate(heights, header, bool(table.note), bool(table.title), first_top)))
    # the smaller size only if it has fewer slides (min keeps the first of equals)
    size, pages = min(candidates, key=lambda c: len(c[1]))
    if len(pages) > 1:
        (a, b), (c, d) = pages[-2], pages[-1]
        while d - c < 3 and b - a > 3:
            b, c = b - 1, c - 1
        pages[-2:] = [(a, b), (c, d)]
    return size, pages


def _gap(size: int) -> float:
    return 0.12 if size >= 14 else 0.06


class _Cells:
    """Table cells filled through python-pptx once per look (size, weight, colour, fill), then as
    copies of that first cell's XML with their own text: the same XML, at a fraction of the cost
    (python-pptx's property setters, about 1 ms a cell, were half the deck's writing time).

    Every cell of a new python-pptx table starts as the same empty `a:tc`, and `_cell` gives a cell
    of one look the same XML but for the run's text; the copy's text is set the way `run.text`
    sets it (CT_RegularTextRun.text, which escapes control characters)."""

    def __init__(self) -> None:
        self._first: dict[tuple[int, bool, str, str], Any] = {}

    def fill(self, cell, text: str, size: int, bold: bool, colour: str, fill: str) -> None:
        look = (size, bold, colour, fill)
        first = self._first.get(look)
        if first is None:
            _cell(cell, text, size, bold, colour, fill)
            self._first[look] = cell._tc
            return
        tc = copy.deepcopy(first)
        runs = tc.findall(f"{qn('a:txBody')}/{qn('a:p')}/{qn('a:r')}")
        assert len(runs) == 1 and isinstance(runs[0], CT_RegularTextRun)
        runs[0].text = text
        cell._tc.getparent().replace(cell._tc, tc)


def _cell(cell, text: str, size: int, bold: bool, colour: str, fill: str) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = _rgb(fill)
    cell.margin_left = cell.margin_right = Inches(0.06)
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    run = para.add_run()
    run.text = text
    _run_font(run, size, bold, colour)


# One `a:rPr` per look, made by python-pptx's setters the first time and copied after: the setters
# cost about 0.3 ms a run, over 400 runs a deck.
_RUN_LOOKS: dict[tuple[int, bool, str], Any] = {}


def _run_font(run, size: int, bold: bool, colour: str) -> None:
    """A text run's font, size, weight and colour (as _font sets them)."""
    look = (size, bold, colour)
    made = _RUN_LOOKS.get(look)
    if made is None:
        _font(run.font, size, bold, colour)
        _RUN_LOOKS[look] = copy.deepcopy(run._r.rPr)
        return
    r = run._r
    if r.rPr is not None:
        r.remove(r.rPr)
    r.insert(0, copy.deepcopy(made))  # rPr is the run's first child


def _font(font, size: int, bold: bool, colour: str) -> None:
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = _rgb(colour)


def _fill(shape, colour: str) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    shape.line.fill.background()
    shape.shadow.inherit = False


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)
