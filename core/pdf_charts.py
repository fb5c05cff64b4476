"""Charts in a PDF, drawn as vectors: the same chart a page draws with Chart.js, from the same spec.

A spec is the dict templates/reports/_chart.html takes: ``title``, ``labels`` and ``datasets``, each with
``label``, ``data``, ``money`` (rupees: short form on the axis) and ``type`` ("line" for a line on an axis of its
own at the right; bars otherwise). Drawn with fpdf2's own lines and rectangles, so a chart is as sharp on paper as
the table, and its words are shaped text like every other (a Hindi division name, लाख on an axis): no image
library, no second renderer. Values are taken as zero or more (the reports' figures are).
"""

import math
from decimal import Decimal

from fpdf import FPDF

from core.money import format_inr_short, group_indian
from core.pdf import LATIN, before_text

# The pages' palette (static/js/charts.js), so a chart looks the same on the screen and on paper.
COLOURS = [(11, 92, 171), (178, 106, 0), (106, 61, 154), (30, 125, 50), (179, 38, 30), (0, 105, 92)]
INK = (27, 36, 48)
GRID = (217, 222, 229)
TICKS = 4
TITLE_SIZE = 9.0  # pt
TEXT_SIZE = 6.5  # pt: legend, axes, labels
LINE = 3.5  # mm, a line of small text


def _scale(largest: float) -> tuple[float, float]:
    """(top, step) of an axis from zero: a round step (1, 2, 2.5 or 5 × a power of ten) in TICKS steps or fewer."""
    if largest <= 0:
        return 1.0, 0.25
    rough = largest / TICKS
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    return step * math.ceil(largest / step - 1e-9), step


def _tick(value: float, *, money: bool) -> str:
    if money:
        return format_inr_short(Decimal(str(round(value, 2))))
    if float(value).is_integer():
        return group_indian(int(value))
    return f"{value:g}"


def _text(pdf: FPDF, text: str, *, x: float, y: float, w: float, size: float, align: str = "L",
          style: str = "", colour=INK) -> None:
    pdf.set_font(LATIN, style, size)
    pdf.set_text_color(*colour)
    before_text(pdf, text)
    pdf.set_xy(x, y)
    pdf.cell(w, LINE, text, align=align)


def _width(pdf: FPDF, text: str, size: float) -> float:
    pdf.set_font(LATIN, "", size)
    before_text(pdf, text)
    return pdf.get_string_width(text)


def _values(dataset: dict, count: int) -> list[float]:
    data = [max(float(value or 0), 0.0) for value in (dataset.get("data") or [])]
    return (data + [0.0] * count)[:count]


def pdf_chart(pdf: FPDF, chart: dict, *, x: float, y: float, w: float, h: float) -> None:
    """Draws ``chart`` in the box (mm) at (x, y), w wide and h high: title, legend, axes, bars and lines."""
    labels = [str(label) for label in chart.get("labels") or []]
    count = max(len(labels), 1)
    datasets = chart.get("datasets") or []
    bars = [(index, d) for index, d in enumerate(datasets) if d.get("type") != "line"]
    lines = [(index, d) for index, d in enumerate(datasets) if d.get("type") == "line"]
    left_sets = bars or lines
    right_sets = lines if bars else []

    _text(pdf, str(chart.get("title") or ""), x=x, y=y, w=w, size=TITLE_SIZE, style="B")
    legend_x = x
    for index, dataset in enumerate(datasets):
        label = str(dataset.get("label") or "")
        pdf.set_fill_color(*COLOURS[index % len(COLOURS)])
        pdf.rect(legend_x, y + 5.6, 2.6, 2.6, style="F")
        _text(pdf, label, x=legend_x + 3.2, y=y + 5.2, w=_width(pdf, label, TEXT_SIZE) + 1, size=TEXT_SIZE)
        legend_x += 3.2 + _width(pdf, label, TEXT_SIZE) + 5

    def axis(sets) -> tuple[float, float, bool]:
        largest = max((value for _index, d in sets for value in _values(d, count)), default=0.0)
        top, step = _scale(largest)
        return top, step, any(d.get("money") for _index, d in sets)

    left_top, left_step, left_money = axis(left_sets)
    left_ticks = [_tick(left_step * n, money=left_money) for n in range(TICKS + 1)]
    left_gutter = max(_width(pdf, tick, TEXT_SIZE) for tick in left_ticks) + 2
    right_gutter = 0.0
    if right_sets:
        right_top, right_step, right_money = axis(right_sets)
        right_ticks = [_tick(right_step * n, money=right_money) for n in range(TICKS + 1)]
        right_gutter = max(_width(pdf, tick, TEXT_SIZE) for tick in right_ticks) + 2
    plot_left, plot_right = x + left_gutter, x + w - right_gutter
    plot_top, plot_bottom = y + 12, y + h - LINE - 1
    plot_w, plot_h = plot_right - plot_left, plot_bottom - plot_top

    pdf.set_line_width(0.15)
    pdf.set_draw_color(*GRID)
    for n in range(int(round(left_top / left_step)) + 1):
        level = plot_bottom - plot_h * (left_step * n) / left_top
        pdf.line(plot_left, level, plot_right, level)
        _text(pdf, left_ticks[n] if n < len(left_ticks) else _tick(left_step * n, money=left_money),
              x=x, y=level - LINE / 2, w=left_gutter - 1, size=TEXT_SIZE, align="R")
    if right_sets:
        for n in range(int(round(right_top / right_step)) + 1):
            level = plot_bottom - plot_h * (right_step * n) / right_top
            _text(pdf, _tick(right_step * n, money=right_money), x=plot_right + 1, y=level - LINE / 2,
                  w=right_gutter - 1, size=TEXT_SIZE)

    group = plot_w / count
    if bars:
        width = group * 0.75 / len(bars)
        for slot, (index, dataset) in enumerate(bars):
            pdf.set_fill_color(*COLOURS[index % len(COLOURS)])
            for position, value in enumerate(_values(dataset, count)):
                height = plot_h * value / left_top
                if height > 0:
                    pdf.rect(plot_left + group * position + group * 0.125 + width * slot, plot_bottom - height,
                             width, height, style="F")
    for index, dataset in lines:
        top = right_top if right_sets else left_top
        points = [(plot_left + group * (position + 0.5), plot_bottom - plot_h * value / top)
                  for position, value in enumerate(_values(dataset, count))]
        pdf.set_draw_color(*COLOURS[index % len(COLOURS)])
        pdf.set_fill_color(*COLOURS[index % len(COLOURS)])
        pdf.set_line_width(0.5)
        if len(points) > 1:
            pdf.polyline(points, style="D")
        for point_x, point_y in points:
            pdf.rect(point_x - 0.6, point_y - 0.6, 1.2, 1.2, style="F")

    pdf.set_line_width(0.25)
    pdf.set_draw_color(*INK)
    pdf.line(plot_left, plot_bottom, plot_right, plot_bottom)
    # Every label when they fit side by side, else every second, third...: as Chart.js skips them.
    widest = max((_width(pdf, label, TEXT_SIZE) for label in labels), default=0.0) + 1.5
    every = max(1, math.ceil(widest / group))
    for position, label in enumerate(labels):
        if position % every == 0:
            _text(pdf, label, x=plot_left + group * (position + 0.5) - widest / 2, y=plot_bottom + 0.5,
                  w=widest, size=TEXT_SIZE, align="C")
    pdf.set_text_color(0)
    pdf.set_draw_color(190)
    pdf.set_line_width(0.2)
