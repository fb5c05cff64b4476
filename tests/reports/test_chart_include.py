"""The chart include (templates/reports/_chart.html): the canvas charts.js draws, its JSON, and the same
numbers in a plain table for screen readers and pages without JavaScript."""

import json
import re
from decimal import Decimal

from django.template.loader import render_to_string

CHART = {
    "id": "trend-chart", "caption": "Disconnections and collections per day", "type": "bar",
    "title": "Per day", "labels": ["01-12", "02-12"],
    "datasets": [
        {"label": "Disconnections", "data": [93, 1234], "axis": "y"},
        {"label": "Collections", "data": [665000.0, Decimal("12345678.50")], "axis": "y2", "money": True},
    ],
}


def render(chart=CHART) -> str:
    return render_to_string("reports/_chart.html", {"chart": chart})


def test_it_draws_a_canvas_from_its_json():
    html = render()
    assert re.search(r'<canvas data-chart="trend-chart" role="img" '
                     r'aria-label="Disconnections and collections per day">', html)
    data = json.loads(re.search(r'<script id="trend-chart" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["type"] == "bar"
    assert data["labels"] == ["01-12", "02-12"]
    assert data["datasets"][1] == {"label": "Collections", "data": [665000.0, "12345678.50"], "axis": "y2",
                                   "money": True}
    assert "<figcaption>Disconnections and collections per day</figcaption>" in html


def test_it_shows_the_same_numbers_in_a_table_the_indian_way():
    html = render()
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", html)
    cells = {label: re.findall(r'<td class="num">(.*?)</td>', rest) for label, rest in rows}
    assert cells == {"01-12": ["93", "₹6,65,000.00"], "02-12": ["1,234", "₹1,23,45,678.50"]}
    assert '<th scope="col" class="num">Collections</th>' in html


def test_it_keeps_a_caption_and_labels_from_running_as_markup():
    chart = {**CHART, "caption": '<img src=x onerror="alert(1)">', "labels": ["</script><b>x</b>"]}
    html = render(chart)
    assert "<img src=x" not in html
    assert "</script><b>" not in html
    assert "\\u003C/script\\u003E" in html  # inside the JSON, escaped by json_script


def test_it_marks_a_missing_value_in_the_table():
    chart = {**CHART, "datasets": [{"label": "Target", "data": [None], "money": True}]}
    assert '<td class="num">—</td>' in render(chart)


def test_it_loads_the_vendored_library_before_the_charts():
    html = render_to_string("reports/_chart_scripts.html")
    scripts = re.findall(r'<script defer src="([^"]+)"></script>', html)
    assert scripts == ["/static/vendor/chartjs/chart.umd.min.js", "/static/js/charts.js"]
    assert "cdn" not in html.lower()
