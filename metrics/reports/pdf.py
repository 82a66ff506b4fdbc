"""ReportModel -> PDF bytes (fpdf2) for circulation: A4, embedded fonts, vector charts, page numbers.

The fonts ship in metrics/reports/assets (Noto Sans with every Vietnamese glyph, DejaVu Sans as a
fallback for symbols), so the PDF never depends on the machine. All text is NFC. Charts are drawn
as vector graphics in those fonts (metrics.reports.pdf_chart); a chart whose layout fails becomes
its table, with a note saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from metrics.reports import pdf_chart, style
from metrics.reports.model import Bullet, Chart, ReportModel, Section, Table, nfc
from metrics.reports.pdf_library import FPDF, TTFFont, XPos, YPos

log = logging.getLogger(__name__)

FAMILY = "NotoSans"
FALLBACK = "DejaVu"
MARGIN = 15  # mm
PAGE_W = 210
CONTENT_W = PAGE_W - 2 * MARGIN
CHART_H = CONTENT_W * 520 / 1100  # the proportions the charts had as images
# A table row must fit on one page (fpdf2 refuses a taller one): a cell shows at most this many
# wrapped lines of its text, the rest cut with an ellipsis (the XLSX data pack keeps it whole).
CELL_MAX_LINES = 30
PT_MM = 0.3528  # one point in millimetres

# A chart's shapes in a box of w x h mm (pdf_chart.layout); a test passes one that fails.
Layout = Callable[[Chart, float, float, str, pdf_chart.Measure], pdf_chart.Plot]


def write(model: ReportModel, layout: Layout = pdf_chart.layout) -> bytes:
    pdf = _Pdf(model, layout)
    pdf.title_page()
    for section in model.sections:
        pdf.section(section)
    out = pdf.output()
    return bytes(out) if not isinstance(out, bytes) else out


class _Pdf(FPDF):
    def __init__(self, model: ReportModel, layout: Layout) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.model = model
        self.layout = layout
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.add_font(FAMILY, "", str(style.FONT_REGULAR))
        self.add_font(FAMILY, "B", str(style.FONT_BOLD))
        self.add_font(FALLBACK, "", str(style.FONT_FALLBACK))
        self.set_fallback_fonts([FALLBACK], exact_match=False)
        _memoise_widths(self.fonts)
        self.set_title(nfc(model.title))
        self.set_subject(nfc(model.subtitle))
        self.set_lang(model.lang)
        self.set_creator("metrics report")
        # the contents' link of each section (not FPDF.links, fpdf's own table of destinations)
        self.section_links: dict[str, int] = {}

    # --- page furniture --------------------------------------------------------------------------

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-13)
        self.set_draw_color(*style.rgb(style.RULE))
        self.line(MARGIN, self.get_y(), PAGE_W - MARGIN, self.get_y())
        self._font(8, colour=style.MUTED)
        self.set_y(-12)
        self.cell(CONTENT_W - 30, 6, self._fit(nfc(self.model.footer), CONTENT_W - 32))
        label = self.model.labels["page"].format(page=self.page_no(), pages="{nb}")
        self.cell(30, 6, nfc(label), align="R")

    def _font(self, size: float, bold: bool = False, colour: str = style.TEXT) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*style.rgb(colour))

    def _fit(self, text: str, width: float) -> str:
        if self.get_string_width(text) <= width:
            return text
        room = width - self.get_string_width("…")
        if room <= 0 or not text:
            return "…"
        cut = self._longest_prefix(text, room)
        return (text[:cut] if self.get_string_width(text[:cut]) <= room else "") + "…"

    def _para(
        self, text: str, size: float = 10.5, bold: bool = False, colour: str = style.TEXT, h: float = 5.2
    ):
        """A paragraph from the current x to the right margin, lines of height h, a page break
        between lines where the page is full (as multi_cell, without its line breaker)."""
        self._font(size, bold, colour)
        x = self.get_x()
        for line in self.wrap(nfc(text), self.w - self.r_margin - x - 2 * self.c_margin):
            if self.get_y() + h > self.page_break_trigger:
                self.add_page()
                self._font(size, bold, colour)  # the footer set its own
            baseline = self.get_y() + h / 2 + 0.3 * size * PT_MM
            self.text_line(x + self.c_margin, baseline, line, bold)
            self.set_y(self.get_y() + h)
        self.set_x(self.l_margin)

    def _room(self, height: float) -> None:
        if self.get_y() + height > self.h - 20:
            self.add_page()

    # --- pages -----------------------------------------------------------------------------------

    def title_page(self) -> None:
        m = self.model
        self.add_page()
        self.set_fill_color(*style.rgb(style.PRIMARY))
        self.rect(0, 0, PAGE_W, 105, style="F")
        self.set_fill_color(*style.rgb(style.ACCENT))
        self.rect(MARGIN, 38, 2.2, 40, style="F")
        self.set_xy(MARGIN + 7, 36)
        self._font(24, True, style.WHITE)
        self.multi_cell(CONTENT_W - 7, 10, nfc(m.title), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_x(MARGIN + 7)
        self._font(13, False, "D0DCEA")
        self.multi_cell(CONTENT_W - 7, 6.5, nfc(m.subtitle), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_xy(MARGIN, 115)
        self._para(m.meeting_line, 13, True, style.PRIMARY, 7)
        self._para(m.as_of_line, 11, False, style.TEXT, 6)
        self.ln(8)
        self._para(m.labels["contents"], 12, True, style.PRIMARY, 7)
        self.ln(1)
        for number, sec in enumerate(m.sections, start=1):
            link = self.add_link()
            self.section_links[sec.section_id] = link
            self._font(11, False, style.TEXT)
            self.cell(0, 7, nfc(f"{number}.  {sec.title}"), link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(-40)
        self._para(m.footer, 8.5, False, style.MUTED, 4.5)

    def section(self, sec: Section) -> None:
        self.add_page()
        if sec.section_id in self.section_links:
            self.set_link(self.section_links[sec.section_id], page=self.page_no())
        self.set_fill_color(*style.rgb(style.ACCENT))
        self.rect(MARGIN - 4, self.get_y() + 1, 1.4, 8, style="F")
        self._para(sec.title, 17, True, style.PRIMARY, 10)
        if sec.lead:
            self.ln(1)
            self._para(sec.lead, 11.5, True, style.TEXT, 6)
        self.ln(3)
        if sec.bullets:
            self._bullets(sec.bullets)
        for chart in sec.charts:
            self._chart(chart)
        for table in sec.tables:
            self._table(table)
        if sec.notes:
            self._room(14)
            self.ln(2)
            self._para(sec.notes, 8, False, style.MUTED, 4)

    def _bullets(self, bullets: list[Bullet]) -> None:
        pill_w = 30
        for b in bullets:
            self._room(14)
            y = self.get_y()
            indent = pill_w if b.status else 5
            if b.status:
                self.set_fill_color(*style.rgb(style.status_colour(b.status)))
                self.rect(MARGIN, y + 0.3, pill_w - 2, 5.6, style="F", round_corners=True, corner_radius=1.2)
                self.set_xy(MARGIN, y + 0.3)
                self._font(8.5, True, style.WHITE)
                self.cell(pill_w - 2, 5.6, self._fit(nfc(b.status_label), pill_w - 3), align="C")
            else:
                self.set_xy(MARGIN, y)
                self._font(10.5)
                self.cell(5, 6, "•")
            self.set_xy(MARGIN + indent, y)
            self._font(10.5)
            self.multi_cell(CONTENT_W - indent, 6, nfc(b.text), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
            if b.detail:
                self.set_x(MARGIN + indent)
                self._font(8.5, False, style.MUTED)
                self.multi_cell(
                    CONTENT_W - indent, 4.4, nfc(b.detail), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT
                )
            self.set_x(MARGIN)
            self.ln(2)
        self.ln(2)

    def _chart(self, chart: Chart) -> None:
        plot = self._plot(chart)
        self._room(CHART_H + 16 if plot else 30)
        self._para(chart.title, 12, True, style.PRIMARY, 6.5)
        if plot is not None:
            top = self.get_y()
            pdf_chart.paint(self, plot, MARGIN, top, FAMILY, FALLBACK)
            self.set_xy(MARGIN, top + CHART_H + 1)
        else:
            self._para(self.model.labels["chart_fallback"], 9, False, style.ACCENT, 4.8)
            self._table(chart.table, with_title=False)
        if chart.note:
            self._para(chart.note, 8.5, False, style.MUTED, 4.4)
        self.ln(4)

    def _plot(self, chart: Chart) -> pdf_chart.Plot | None:
        """The chart's shapes, or None when they cannot be laid out (its table is shown instead:
        the numbers must reach the meeting even if a chart of an odd shape trips the layout)."""
        try:
            return self.layout(chart, CONTENT_W, CHART_H, self.model.lang, self._measure)
        except Exception:
            log.exception("chart %s could not be laid out; its table is shown", chart.chart_id)
            return None

    def _measure(self, text: str, size: float, bold: bool) -> float:
        self.set_font(FAMILY, "B" if bold else "", size)
        return float(self.get_string_width(nfc(text)))

    def _table(self, table: Table, with_title: bool = True) -> None:
        self._room(25)
        if with_title and table.title:
            self._para(table.title, 11.5, True, style.PRIMARY, 6.5)
            self.ln(1)
        _Grid(self, table).draw()
        if table.note:
            self.ln(1)
            self._para(table.note, 8, False, style.MUTED, 4)
        self.ln(4)

    # --- text without fpdf2's line breaker -------------------------------------------------------

    def wrap(self, text: str, width: float) -> list[str]:
        """`text` broken into lines no wider than `width` at the current font: at spaces, and inside
        a word only when the word alone is too wide (a URL). Greedy, as fpdf2's multi_cell, but by
        words (widths remembered by _memoise_widths) instead of character by character, which made
        the tables most of a PDF's time."""
        lines: list[str] = []
        space = self.get_string_width(" ")
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                w = self.get_string_width(word)
                if line and used + space + w <= width:
                    line, used = f"{line} {word}", used + space + w
                    continue
                if line:
                    lines.append(line)
                while w > width and len(word) > 1:
                    cut = self._longest_prefix(word, width)
                    lines.append(word[:cut])
                    word = word[cut:]
                    w = self.get_string_width(word)
                line, used = word, w
            lines.append(line)
        return lines

    def _longest_prefix(self, word: str, width: float) -> int:
        lo, hi = 1, len(word)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.get_string_width(word[:mid]) <= width:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def text_line(self, x: float, baseline: float, text: str, bold: bool) -> None:
        """One line at (x, baseline) in the current size and colour; a glyph Noto Sans lacks (an
        arrow, a check mark) in DejaVu Sans, as fpdf2's cells do."""
        pdf_chart.draw_text(self, x, baseline, text, FAMILY, FALLBACK, "B" if bold else "")


class _Grid:
    """A table drawn row by row: the heading row in the primary colour, banded rows, a status cell
    in its status colour, rules between rows, the heading repeated after a page break. Each cell's
    text is wrapped by words and shows at most CELL_MAX_LINES lines (the XLSX keeps it whole), so a
    row always fits on one page."""

    PAD = 1.2

    def __init__(self, pdf: _Pdf, table: Table) -> None:
        self.pdf = pdf
        self.table = table
        n = max(len(table.columns), 1)
        self.size = 8.5 if n <= 6 else 7.5
        self.line_h = self.size * 0.5
        shares = list(table.widths) if table.widths else [1.0] * n
        self.widths = [CONTENT_W * w / sum(shares) for w in shares]

    def draw(self) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*style.rgb(style.RULE))
        pdf.set_line_width(0.2)
        heading = self._row([(nfc(c), None, "") for c in self.table.columns], head=True)
        self._put(heading, head=True)
        for i, row in enumerate(self.table.rows):
            band = style.LIGHT if i % 2 else style.WHITE
            cells = [(nfc(c.text), c.status, _safe_link(c.url) or "") for c in row]
            laid = self._row(cells, head=False, band=band)
            if pdf.get_y() + laid[0] > pdf.page_break_trigger:
                pdf.add_page()
                self._put(heading, head=True)
            self._put(laid, head=False)
        pdf.set_xy(MARGIN, pdf.get_y())

    def _row(self, cells: list[tuple[str, str | None, str]], head: bool, band: str = style.WHITE):
        """(height, [(width, lines, fill, colour, bold, link)]) of one row."""
        pdf = self.pdf
        out = []
        for j, (text, status, link) in enumerate(cells):
            width = self.widths[j] if j < len(self.widths) else self.widths[-1]
            bold = head or bool(status)
            pdf.set_font(FAMILY, "B" if bold else "", self.size)
            lines = pdf.wrap(text, width - 2 * self.PAD) if text else []
            if len(lines) > CELL_MAX_LINES:
                lines = lines[:CELL_MAX_LINES]
                lines[-1] = pdf._fit(lines[-1] + "…", width - 2 * self.PAD)
            if head:
                fill, colour = style.PRIMARY, style.WHITE
            elif status:
                fill, colour = style.status_colour(status), style.WHITE
            else:
                fill, colour = band, style.TEXT
            out.append((width, lines, fill, colour, bold, link))
        height = max((len(c[1]) for c in out), default=1) * self.line_h + 2 * self.PAD
        return height, out

    def _put(self, laid, head: bool) -> None:
        pdf = self.pdf
        height, cells = laid
        x, y = MARGIN, pdf.get_y()
        for width, lines, fill, colour, bold, link in cells:
            pdf.set_fill_color(*style.rgb(fill))
            pdf.rect(x, y, width, height, style="F")
            pdf.set_font(FAMILY, "B" if bold else "", self.size)
            pdf.set_text_color(*style.rgb(colour))
            for k, line in enumerate(lines):
                # the baseline where fpdf2's cell puts it in a line of this height
                baseline = y + self.PAD + k * self.line_h + self.line_h / 2 + 0.3 * self.size * PT_MM
                pdf.text_line(x + self.PAD, baseline, line, bold)
            if link:
                pdf.link(x, y, width, height, link)
            x += width
        if not head:
            pdf.line(MARGIN, y + height, MARGIN + CONTENT_W, y + height)
        pdf.set_y(y + height)


def _memoise_widths(fonts: dict[str, Any]) -> None:
    """Remember the fonts' text widths for this document. fpdf2 measures a line again after every
    character it adds, and a table cell twice (its height first, then its text): the default report
    asks about 265,000 widths of 33,000 distinct strings, most of the layout's time.

    A width is a function of the font, the text and the size (text shaping, which takes more, is not
    used and not cached); the one side effect, the font's biggest size used, is the same for a
    repeated size. fpdf2's fonts have slots, so each TTF font of the document becomes an instance of
    a subclass made for this document, whose class holds the document's widths and goes with it."""
    ttf = [f for f in fonts.values() if isinstance(f, TTFFont) and type(f) is TTFFont]
    if not ttf:
        return
    widths: dict[tuple[str, str, float], tuple[int, float]] = {}

    class _Measured(TTFFont):
        __slots__ = ()

        def get_text_width(
            self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
        ) -> tuple[int, float]:
            if text_shaping_params:
                return super().get_text_width(text, font_size_pt, text_shaping_params)
            key = (self.fontkey, text, font_size_pt)
            if key not in widths:
                widths[key] = super().get_text_width(text, font_size_pt, text_shaping_params)
            return widths[key]

    for font in ttf:
        font.__class__ = _Measured


def _safe_link(url: str) -> str | None:
    """Only web links become clickable: a URL typed by an analyst (a progress record's source) must
    not turn into a javascript: or file: action in the PDF."""
    return url if url.startswith(("https://", "http://")) else None
