"""Hindi on a phone with no Devanagari font of its own (Debian's Chromium without fonts-noto, as on this machine:
`fc-list | grep -i devanagari` finds none): every piece of Devanagari text on the field pages (the brand, headings,
buttons, the consumer's name) is drawn with the bundled Noto Sans Devanagari, never as .notdef boxes.

Before the fix the body's stack began with system-ui, which Chromium on Linux resolves to one fontconfig font
(DejaVu Sans) and draws every character with, boxes for Devanagari, without reaching "KESCO Devanagari" further
down: the screenshot showed the brand as boxes. Two proofs: Chromium's own record of the fonts it drew each text
with (DevTools CSS.getPlatformFontsForNode), and each text's rendered width against the same string measured on a
canvas in the bundled font."""

from pathlib import Path

import pytest

from drives.models import Stop
from tests.browser.conftest import PHONE, log_in, new_page
from tests.drives.drive_data import build_list, defaulter, plan, served

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "field-stop-hi.png"

# Marks each element with a text node of its own holding Devanagari, and says what it is: its text, its font
# (weight, size) and the width that text takes on the page.
MARK_DEVANAGARI = """() => {
  const found = [];
  let n = 0;
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest("script, style, [hidden], template") || !element.getClientRects().length) continue;
    const folded = element.closest("details:not([open])");  // the folded part of a <details> is not drawn
    if (folded && !element.closest("summary")) continue;
    const own = [...element.childNodes].filter(node => node.nodeType === 3).map(node => node.textContent).join("");
    if (!/[\\u0900-\\u097F]/.test(own)) continue;
    element.dataset.dv = String(++n);
    // Chromium counts the glyphs of the element's whole text, its children's included.
    const all = element.textContent.replace(/\\s+/g, " ").trim();
    found.push({dv: String(n), tag: element.tagName.toLowerCase(), cls: element.className, text: all,
                other: all.replace(/[\\u0900-\\u097F\\u200C\\u200D]/g, "").length});
  }
  return found;
}"""

# The width of a Devanagari-only text (a word of the brand or a name) on the page and on a canvas in the bundled
# font at the same weight and size: equal when the page drew it in that font; boxes are far off.
WIDTHS = """async (selector) => {
  const element = document.querySelector(selector);
  const text = element.textContent.trim();
  const style = getComputedStyle(element);
  const font = `${style.fontWeight} ${style.fontSize} "KESCO Devanagari"`;
  await document.fonts.load(font, text);
  const range = document.createRange();
  range.selectNodeContents(element);
  const canvas = document.createElement("canvas").getContext("2d");
  canvas.font = font;
  const boxes = document.createElement("canvas").getContext("2d");
  boxes.font = `${style.fontWeight} ${style.fontSize} "DejaVu Sans"`;
  return {text, page: range.getBoundingClientRect().width, bundled: canvas.measureText(text).width,
          boxes: boxes.measureText(text).width, loaded: document.fonts.check(font, text)};
}"""


def _hindi_phone(browser, live_server, clerk, password):
    page = new_page(browser, PHONE, is_mobile=True, has_touch=True)
    page.context.add_cookies([{"name": "django_language", "value": "hi", "url": live_server.url}])
    log_in(page, live_server, clerk.username, password)
    return page


def _drawn_with_bundled_font(page) -> list[str]:
    """What Devanagari on the page Chromium drew with another font than the bundled one (boxes)."""
    page.evaluate("document.fonts.ready")
    marked = page.evaluate(MARK_DEVANAGARI)
    assert marked, "no Devanagari on the page"
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    wrong = []
    for item in marked:
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f"[data-dv='{item['dv']}']"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        devanagari = sum(font["glyphCount"] for font in fonts if "Devanagari" in font["familyName"])
        others = {font["familyName"] for font in fonts if "Devanagari" not in font["familyName"]}
        # Every Devanagari glyph from the bundled font (shaping may merge letters into fewer glyphs, never none).
        bundled = any(font["isCustomFont"] and "Devanagari" in font["familyName"] for font in fonts)
        other_glyphs = sum(font["glyphCount"] for font in fonts if "Devanagari" not in font["familyName"])
        # Boxes: Devanagari drawn with another font, whose glyphs then outnumber the text's other characters.
        if not bundled or devanagari == 0 or other_glyphs > item["other"] + 1:
            wrong.append(f"{item['tag']}.{item['cls']} {item['text']!r}: {fonts} (others {others})")
    cdp.detach()
    return wrong


def test_the_field_pages_draw_hindi_with_the_bundled_font(browser, live_server, officer, clerk, password, rtp):
    shyam = defaulter(rtp, "40000.00", name="श्याम लाल", phone="9839012345", address="7 लाल बंगला, रतनपुर")
    defaulter(rtp, "25000.00", name="गीता देवी", address="22 जूही कलां, रतनपुर")
    served(officer, shyam)
    build_list(rtp)
    plan(officer, rtp, [clerk], name="रतनपुर अभियान")
    stop = Stop.objects.get(consumer=shyam)
    page = _hindi_phone(browser, live_server, clerk, password)

    for path in ("/field/", f"/field/stops/{stop.pk}/", f"/field/stops/{stop.pk}/pay/", "/field/collections/",
                 "/field/reconnections/"):
        page.goto(f"{live_server.url}{path}")
        assert page.get_attribute("html", "lang") == "hi"
        wrong = _drawn_with_bundled_font(page)
        assert wrong == [], path

    # The brand and the name, measured: the page's width is the bundled font's, not the boxes'.
    page.goto(f"{live_server.url}/field/stops/{stop.pk}/")
    for selector in (".brand", "h1"):
        widths = page.evaluate(WIDTHS, selector)
        assert widths["loaded"], widths
        assert abs(widths["page"] - widths["bundled"]) < 0.03 * widths["bundled"], widths  # a space may differ
        assert abs(widths["page"] - widths["boxes"]) > 0.1 * widths["boxes"], widths
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.context.close()
