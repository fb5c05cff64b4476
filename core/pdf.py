"""Every PDF export goes through here: a landscape A4 table whose Hindi reads right on screen and on copy.

Devanagari needs shaping (a matra drawn before its consonant, conjuncts, marks placed under
a letter), so fpdf2 hands the text to HarfBuzz (uharfbuzz). The fonts are vendored in
static/fonts (SIL Open Font License, OFL.txt beside them) and embedded, subset, in every
file, so a PDF looks the same on a phone with no Hindi font: Noto Sans for Latin, digits
and ₹, Noto Sans Devanagari as the fallback fpdf2 switches to glyph by glyph.
"""

import logging
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import NamedTuple

from django.conf import settings
from django.http import HttpResponse
from fpdf import FPDF
from fpdf.fonts import TTFFont

from core.money import format_inr, group_indian

LATIN = "notosans"
DEVANAGARI = "notodeva"
FONT_FILES = {
    (LATIN, ""): "NotoSans-Regular.ttf",
    (LATIN, "B"): "NotoSans-Bold.ttf",
    (DEVANAGARI, ""): "NotoSansDevanagari-Regular.ttf",
    (DEVANAGARI, "B"): "NotoSansDevanagari-Bold.ttf",
}
PDF_TYPE = "application/pdf"
EMPTY = "—"

MARGIN = 10  # mm
LARGEST_SIZE = 9.0  # pt, the body text when the columns fit
SMALLEST_SIZE = 6.0  # pt, below this a printed page is unreadable: wrap instead
SIZE_STEP = 0.5
PADDING = 1.0  # mm inside each cell, either side
NARROWEST = 7.0  # mm, room for the widest glyph and the padding: fpdf2 refuses a narrower cell
LINE_HEIGHT = 1.7  # × the font size: room for a matra above and a mark below the line
MAX_LINES = 6  # a cell wraps to at most this many lines, then ends in "…"
HEADING_FILL = (226, 232, 240)
STRIPE_FILL = (246, 247, 249)

# Text in Devanagari is shaped; other text (Latin, digits, ₹) needs no shaping, and shaping and
# the bidi pass that comes with it are most of the time spent on a cell.
_SHAPED_SCRIPT = re.compile("[\u0900-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff]")
# Dropped from cell text: C0 and C1 controls, and the bidi embeddings, overrides and isolates
# that could make a name display as another. Tab and newline become a space: a cell is one
# paragraph. Joiners (U+200C, U+200D) stay, Hindi spelling uses them.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# fpdf2 subsets each font with fontTools, which logs some fifty INFO lines a font: noise in the app's log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def pdf_text(value) -> str:
    """A cell's value as the PDF prints it: None as a dash, numbers grouped the Indian way."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return format_inr(value, symbol=False) if value.is_finite() else EMPTY
    if isinstance(value, int):
        return ("-" if value < 0 else "") + group_indian(abs(value))
    return _CONTROL.sub("", _BREAKS.sub(" ", unicodedata.normalize("NFC", str(value)))).strip()


@cache
def _font_path(family: str, style: str) -> str:
    return str(settings.BASE_DIR / "static" / "fonts" / FONT_FILES[family, style])


# How copied text comes out of shaped Devanagari. HarfBuzz may draw one cluster with several
# glyphs in another order than its letters: कि is the matra's glyph, then क's. fpdf2 maps the
# whole cluster's text to the first glyph and leaves the others out of the ToUnicode map, so a
# reader invents a character for each (a stray '$' inside a name), and one that places text by
# glyph sees a gap after a one-glyph "कि" (pdftotext gives "कि दवई"). So a cluster's letters are
# handed out one a glyph in drawing order, the last glyph taking any rest: कि maps to क then ि,
# and reads back in its typed order with no gap. What is drawn does not change. (A cluster of
# more glyphs than letters would leave a glyph unmapped again; with these fonts none is: the
# conjuncts, reph and matra forms of some 150 Hindi words and place names were checked.)


class _GlyphInfo(NamedTuple):
    codepoint: int
    cluster: int


def _spread_clusters(infos, length: int):
    """Each glyph of a cluster takes the next letter of it; fpdf2 then maps glyph k to letter k."""
    clusters = [info.cluster for info in infos]
    if len(set(clusters)) == len(clusters):
        return infos  # a glyph a cluster (Latin, digits): nothing to spread
    if any(later < earlier for earlier, later in pairwise(clusters)):
        return infos  # right-to-left text: left as fpdf2 does it
    spread = []
    first = 0
    while first < len(infos):
        start = infos[first].cluster
        after = first
        while after < len(infos) and infos[after].cluster == start:
            after += 1
        letters = max((infos[after].cluster if after < len(infos) else length) - start, 1)
        spread.extend(
            _GlyphInfo(infos[index].codepoint, start + min(index - first, letters - 1)) for index in range(first, after)
        )
        first = after
    return spread


class _SpreadClustersFont(TTFFont):
    __slots__ = ()

    def perform_harfbuzz_shaping(self, text, font_size_pt, text_shaping_params):
        infos, positions = super().perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        return (_spread_clusters(infos, len(text)) if infos else infos), positions


def _shape_if_needed(pdf: FPDF, text: str) -> None:
    pdf.set_text_shaping(bool(_SHAPED_SCRIPT.search(text)))


def before_text(pdf: FPDF, text: str) -> None:
    """Ready to draw this text: shaped if it needs to be, and with its font said again on the page.

    fpdf2 2.8.9 names the font inside a text object when a text starts with a fallback glyph
    (a Hindi cell), then takes it as named for the page; after the cell's graphics state is
    restored the next cell is drawn with the page's previous font: "Ratanpur" comes out as
    bold gibberish (py-pdf/fpdf2#1772 and its fix). Saying the font again each time avoids it.
    """
    _shape_if_needed(pdf, text)
    pdf.current_font_is_set_on_page = False


class _TablePDF(FPDF):
    def __init__(self, *, footer_text: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.footer_text = footer_text
        for (family, style) in FONT_FILES:
            self.add_font(family, style, _font_path(family, style))
        for font in self.fonts.values():
            font.__class__ = _SpreadClustersFont  # same slots; fpdf2 has no hook to pick the font class
        self.set_fallback_fonts([DEVANAGARI])
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.c_margin = PADDING
        self.set_line_width(0.2)
        self.set_draw_color(190)

    def footer(self):
        self.set_y(-MARGIN - 3)
        self.set_font(LATIN, "", 7)
        self.set_text_color(90)
        width = self.epw / 2
        before_text(self, self.footer_text)
        self.cell(width, 4, self.footer_text, align="L")
        before_text(self, "")
        self.cell(width, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)


class _Widths:
    """Shaped widths at 1 pt, each text measured once: shaping is most of the cost of a PDF."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.seen: dict[tuple[str, str], float] = {}

    def __call__(self, text: str, style: str) -> float:
        key = (text, style)
        if key not in self.seen:
            pdf = self.pdf
            family, current_style, size = pdf.font_family, pdf.font_style, pdf.font_size_pt
            pdf.set_font(LATIN, style, 1)
            _shape_if_needed(pdf, text)
            self.seen[key] = pdf.get_string_width(text)
            if family:
                pdf.set_font(family, current_style, size)
        return self.seen[key]


def _layout(widths: _Widths, epw: float, headers: list[str], body: list[list[str]],
            total_row: list[str] | None) -> tuple[float, list[float]]:
    """The font size and the columns' widths (mm): every cell on one line if shrinking allows it, else wrapped.

    A column wants its widest cell and its heading's longest word (headings wrap before the
    body shrinks). The largest size at which that fits the page wins. If even the smallest
    does not (a column of long remarks), cells wrap: each column gets at least its longest
    word, the columns that must wrap share what the others leave, and the size is the largest
    at which no wrapped cell needs more than MAX_LINES - 1 lines.
    """
    rows = [(row, "") for row in body] + ([(total_row, "B")] if total_row else [])
    heading_words = [max((widths(word, "B") for word in heading.split()), default=0.0) for heading in headers]
    wanted = list(heading_words)
    for row, style in rows:
        for index, text in enumerate(row):
            wanted[index] = max(wanted[index], widths(text, style))

    def at(size: float, sizes: list[float]) -> list[float]:
        return [width * size + 2 * PADDING + 0.2 for width in sizes]  # +0.2: a hair for the renderer's rounding

    size = LARGEST_SIZE
    while size > SMALLEST_SIZE and sum(at(size, wanted)) > epw:
        size -= SIZE_STEP
    if sum(at(size, wanted)) <= epw:
        return size, _spread_spare(at(size, wanted), at(size, [widths(heading, "B") for heading in headers]), epw)

    longest_word = list(heading_words)
    for row, style in rows:
        for index, text in enumerate(row):
            if widths(text, style) > longest_word[index]:  # else no word of it can be longer
                longest_word[index] = max([longest_word[index]] + [widths(word, style) for word in text.split()])
    # The largest size at which the wrapped cells keep to their lines (a line spare for word breaks).
    size = LARGEST_SIZE
    while True:
        least, most = at(size, longest_word), at(size, wanted)
        if sum(least) > epw:  # words too long for any layout: they break inside, columns in proportion
            columns = [max(width * epw / sum(least), NARROWEST) for width in least]
        else:
            columns = _water_fill(least, most, epw)
        kept_to_lines = all(want <= (MAX_LINES - 1) * width for want, width in zip(most, columns, strict=True))
        if kept_to_lines or size <= SMALLEST_SIZE:
            return size, columns
        size -= SIZE_STEP


def _water_fill(least: list[float], most: list[float], epw: float) -> list[float]:
    """Each column its least; then the columns that need least more get all of it, the rest share what remains."""
    columns, spare = list(least), epw - sum(least)
    hungry = sorted(range(len(columns)), key=lambda index: most[index] - least[index])
    for position, index in enumerate(hungry):
        grant = min(most[index] - least[index], spare / (len(hungry) - position))
        columns[index] += grant
        spare -= grant
    return columns


def _spread_spare(natural: list[float], whole_headings: list[float], epw: float) -> list[float]:
    """Room left on the line goes to the headings: first so that none takes more than two lines,
    then to put them on one line, the nearest to it first. What is left is spread evenly."""
    natural, spare = list(natural), epw - sum(natural)
    for target in ([width / 2 + PADDING for width in whole_headings], whole_headings):
        for index in sorted(range(len(natural)), key=lambda index: target[index] - natural[index]):
            grant = min(max(target[index] - natural[index], 0.0), spare)
            natural[index] += grant
            spare -= grant
    return [width + spare / len(natural) for width in natural]


class _Table:
    """Rows of one-line cells (most of them, drawn with one shaping each), wrapping only what does not fit."""

    def __init__(self, pdf: FPDF, widths: _Widths, *, size: float, columns: list[float], align: list[str],
                 headers: list[str]):
        self.pdf, self.widths, self.size, self.columns, self.align = pdf, widths, size, columns, align
        self.headers = headers
        self.line = size * LINE_HEIGHT * 25.4 / 72

    def _lines(self, text: str, width: float, style: str) -> list[str]:
        if self.widths(text, style) * self.size + 2 * PADDING <= width:
            return [text]
        before_text(self.pdf, text)
        lines = self.pdf.multi_cell(width, self.line, text, dry_run=True, output="LINES")
        if len(lines) > MAX_LINES:
            lines = lines[:MAX_LINES - 1] + [lines[MAX_LINES - 1].rstrip() + "…"]
        return lines

    def row(self, cells: list[str], *, style: str = "", fill=None, heading: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font(LATIN, style, self.size)
        lines = [self._lines(text, width, style) for text, width in zip(cells, self.columns, strict=True)]
        height = max(len(cell) for cell in lines) * self.line
        if not heading and pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            self.heading()
            pdf.set_font(LATIN, style, self.size)
        x, y = pdf.l_margin, pdf.get_y()
        if fill is not None:
            pdf.set_fill_color(fill)
        for cell, width, align in zip(lines, self.columns, self.align, strict=True):
            pdf.rect(x, y, width, height, style="DF" if fill is not None else "D")
            for index, text in enumerate(cell):
                pdf.set_xy(x, y + index * self.line)
                before_text(pdf, text)
                pdf.cell(width, self.line, text, align=align)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    def heading(self) -> None:
        self.row(self.headers, style="B", fill=HEADING_FILL, heading=True)


def pdf_table(*, title: str, subtitle: str = "", headers: list[str], rows: list[list], totals: list | None = None,
              numeric: set[int] = frozenset(), footer: str = "", charts: Sequence[dict] = ()) -> bytes:
    """A landscape A4 table as PDF bytes: the heading row on every page, numbers to the right, totals in bold;
    then ``charts`` (core.pdf_charts specs, the pages' own), two side by side. ``footer`` is on every page (when
    the file was made, say).

    Cells may be text (already formatted, e.g. "₹6,65,000.00"), int, Decimal (two places,
    Indian grouping, no ₹) or None (a dash). Text is printed as text, whatever it starts with.
    A short row is padded with empty cells and a long one cut to the headings.
    """
    if not headers:
        raise ValueError("a PDF table needs at least one column")
    columns = len(headers)
    title, subtitle = pdf_text(title), pdf_text(subtitle)
    headers = [pdf_text(heading) for heading in headers]
    body = [_fit([pdf_text(value) for value in row], columns) for row in rows]
    total_row = _fit([pdf_text(value) for value in totals], columns) if totals is not None else None

    pdf = _TablePDF(footer_text=pdf_text(footer))
    pdf.set_title(title)
    pdf.set_creator("KESCO Arrears")
    pdf.add_page()
    pdf.set_font(LATIN, "B", 13)
    before_text(pdf, title)
    pdf.multi_cell(0, 7, title, align="L", new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font(LATIN, "", 9)
        pdf.set_text_color(70)
        before_text(pdf, subtitle)
        pdf.multi_cell(0, 5, subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
    pdf.ln(2)

    widths = _Widths(pdf)
    size, column_widths = _layout(widths, pdf.epw, headers, body, total_row)
    align = ["R" if index in numeric else "L" for index in range(columns)]
    table = _Table(pdf, widths, size=size, columns=column_widths, align=align, headers=headers)
    table.heading()
    for index, row in enumerate(body):
        table.row(row, fill=STRIPE_FILL if index % 2 else None)
    if total_row is not None:
        table.row(total_row, style="B", fill=HEADING_FILL)
    if charts:
        _charts(pdf, charts)
    return bytes(pdf.output())


CHART_HEIGHT = 80  # mm: two charts side by side, under the table or on a page of their own
CHART_GAP = 8  # mm


def _charts(pdf: FPDF, charts: Sequence[dict]) -> None:
    from core.pdf_charts import pdf_chart  # it draws with this module's fonts and text helpers

    width = (pdf.epw - CHART_GAP) / 2
    for first in range(0, len(charts), 2):
        y = pdf.get_y() + 6
        if y + CHART_HEIGHT > pdf.page_break_trigger:
            pdf.add_page()
            y = pdf.get_y()
        for column, chart in enumerate(charts[first:first + 2]):
            pdf_chart(pdf, chart, x=pdf.l_margin + column * (width + CHART_GAP), y=y, w=width, h=CHART_HEIGHT)
        pdf.set_xy(pdf.l_margin, y + CHART_HEIGHT)


def _fit(row: list[str], columns: int) -> list[str]:
    return (row + [""] * columns)[:columns]


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF download under an ASCII file name (anything else in the name becomes '_')."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "export"
    if not safe.lower().endswith(".pdf"):
        safe += ".pdf"
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response
