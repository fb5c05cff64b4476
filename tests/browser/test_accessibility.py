"""Every page a clerk, an officer and the MD use, in a real Chromium, in English and Hindi, on a 390 px phone and a
1366 px laptop: axe-core (vendored, tests/browser/vendor) finds nothing serious or critical; on the phone nothing
scrolls sideways, tables are labelled cards with their money column in sight and the menu's tap targets are 44 px.
The same run writes the README's screenshots of the clerk's phone."""

from pathlib import Path

import pytest

from accounts.demo import demo_password
from accounts.models import User
from core.dates import india_today
from defaulters.selectors import defaulter_list_latest
from drives.models import Drive, Stop
from tests.browser.conftest import DESKTOP, PHONE, new_page
from tests.browser.test_md_summary_journey import SCREENSHOTS, demo, legible_hindi, settled  # noqa: F401 (demo)

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# axe's findings that stop a user (impact serious or critical), one line each: "rule: selector (summary)".
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    if (!result.passes.length) return ["axe checked nothing"];
    return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
        .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary}`));
}"""

# The phone's layout: sideways scroll, and every card table's first row with its cells labelled and its money in sight.
PHONE_LAYOUT = """() => {
    const problems = [];
    const root = document.scrollingElement;
    if (root.scrollWidth > window.innerWidth)
        problems.push(`scrolls sideways: ${root.scrollWidth} > ${window.innerWidth}`);
    for (const table of document.querySelectorAll("table.cards")) {
        if (table.closest("details:not([open])") || !table.offsetParent) continue;
        const row = table.querySelector("tbody tr");
        if (!row || row.querySelector("[colspan]")) continue;
        for (const cell of row.querySelectorAll("td")) {
            if (!cell.textContent.trim() && !cell.querySelector("input, button, details")) continue;
            const label = getComputedStyle(cell, "::before").content;
            if (!cell.dataset.label || label !== JSON.stringify(cell.dataset.label))
                problems.push(`unlabelled cell in table.${table.className}: ${cell.textContent.trim().slice(0, 30)}`);
            const box = cell.getBoundingClientRect();
            if (cell.classList.contains("num") && (box.width === 0 || box.left < 0 || box.right > window.innerWidth))
                problems.push(`money cell out of sight: ${cell.dataset.label} at ${box.left}-${box.right}`);
        }
        if (getComputedStyle(row).display !== "block") problems.push(`table.${table.className} is not cards`);
    }
    return problems;
}"""


def axe_page(browser, viewport, **options):
    return new_page(browser, viewport, init_scripts=[AXE], **options)  # an init script is outside the site's CSP


def log_in(page, live_server, username, language):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo_password())
    page.click("button.primary")
    page.wait_for_load_state()
    if page.get_attribute("html", "lang") != language:
        if page.is_visible("label.nav-toggle-label"):
            page.click("label.nav-toggle-label")
        page.click(f"button[name=language][value={language}]")
        page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == language


def pages_of(username) -> list[str]:
    """The pages the role's menu and its home lead to, with real rows from the demo."""
    user = User.objects.get(username=username)
    consumer = Stop.objects.filter(drive__division__code="RTP").order_by("pk").first().consumer
    search = f"/consumers/?q={consumer.name.split()[0]}"
    if user.role == "clerk":
        stop = Stop.objects.filter(clerk=user, drive__date=india_today(), status="open").order_by("sequence").first()
        return ["/field/", f"/field/stops/{stop.pk}/", f"/field/stops/{stop.pk}/pay/", "/field/collections/",
                "/field/reconnections/", search, f"/consumers/{consumer.account_no}/"]
    if user.role == "officer":
        drive = Drive.objects.filter(division=user.division).order_by("-date", "pk").first()
        latest = defaulter_list_latest(user, user.division)
        return ["/", search, f"/consumers/{consumer.account_no}/", "/defaulters/", f"/defaulters/{latest.pk}/print/",
                "/drives/", "/drives/plan/", f"/drives/{drive.pk}/", f"/drives/{drive.pk}/notices/",
                "/reconnections/", "/disputes/", "/reports/summary/", "/reports/divisions/RTP/",
                "/imports/", "/imports/upload/"]
    return ["/", "/reports/summary/", "/reports/defaulters/", "/reports/divisions/RTP/", search,
            f"/consumers/{consumer.account_no}/", "/imports/"]


def check_menu_on_a_phone(page):
    toggle = page.locator("label.nav-toggle-label").bounding_box()
    assert toggle["width"] >= 44 and toggle["height"] >= 44, toggle
    page.click("label.nav-toggle-label")
    items = page.locator(".nav > a, .nav button.link")
    assert items.count() > 2
    for i in range(items.count()):
        box = items.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (items.nth(i).inner_text(), box)
    page.click("label.nav-toggle-label")


@pytest.mark.parametrize("username", ["clerk_rtp", "officer_rtp", "md"])
def test_it_finds_no_serious_accessibility_problem_on_any_page_in_either_language_or_width(
        browser, live_server, demo, username):  # noqa: F811
    paths = pages_of(username)
    problems = []
    for language in ("en", "hi"):
        for viewport in (PHONE, DESKTOP):
            phone = viewport is PHONE
            page = axe_page(browser, viewport, **({"is_mobile": True, "has_touch": True} if phone else {}))
            log_in(page, live_server, username, language)
            if phone:
                check_menu_on_a_phone(page)
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, (path, response.status)
                where = f"{username} {language} {viewport['width']}px {path}"
                problems += [f"{where}: {problem}" for problem in page.evaluate(RUN_AXE)]
                if phone:
                    problems += [f"{where}: {problem}" for problem in page.evaluate(PHONE_LAYOUT)]
            page.context.close()
    assert problems == [], "\n".join(problems)


def test_it_lets_a_keyboard_skip_to_the_content_and_open_the_menu(browser, live_server, demo):  # noqa: F811
    page = axe_page(browser, PHONE, is_mobile=True)
    log_in(page, live_server, "officer_rtp", "en")
    page.goto(f"{live_server.url}/consumers/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.is_visible(".skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(f"{live_server.url}/consumers/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # the menu
    assert page.evaluate("document.activeElement.id") == "nav-toggle"
    assert page.evaluate("getComputedStyle(document.querySelector('.nav-toggle-label')).outlineStyle") == "solid"
    assert not page.is_visible("nav.nav a[href='/consumers/']")
    page.keyboard.press("Space")
    assert page.is_visible("nav.nav a[href='/consumers/']")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/"
    page.keyboard.press("Escape")
    assert not page.is_visible("nav.nav a[href='/consumers/']")
    assert page.evaluate("document.activeElement.id") == "nav-toggle"


def test_it_shows_only_what_each_role_uses_in_the_menu(browser, live_server, demo):  # noqa: F811
    for username, api in (("clerk_rtp", False), ("md", False), ("officer_rtp", True), ("itadmin", True)):
        page = axe_page(browser, DESKTOP)
        log_in(page, live_server, username, "en")
        assert (page.locator("nav.nav a", has_text="API").count() == 1) is api, username
        page.context.close()


@pytest.mark.parametrize("language", ["en", "hi"])
def test_it_shows_the_clerk_today_on_a_phone(browser, live_server, demo, language):  # noqa: F811
    page = axe_page(browser, PHONE, is_mobile=True, has_touch=True)
    log_in(page, live_server, "clerk_rtp", language)
    assert page.locator("article.stop").count() > 0  # the clerk's home: today's stops
    assert language != "hi" or legible_hindi(page), "Hindi drawn as empty boxes"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    settled(page).screenshot(path=str(SCREENSHOTS / f"clerk-phone-{language}.png"))
    page.context.close()


@pytest.mark.parametrize("language", ["en", "hi"])
def test_it_shows_what_a_post_did_at_the_top_of_the_phone(browser, live_server, demo, language):  # noqa: F811
    drive = Drive.objects.get(division__code="RTP", date=india_today())
    page = axe_page(browser, PHONE, is_mobile=True, has_touch=True)
    log_in(page, live_server, "officer_rtp", language)
    page.goto(f"{live_server.url}/drives/{drive.pk}/")
    page.click(f"form[action='/drives/{drive.pk}/start/'] button")
    page.wait_for_load_state()
    message = page.locator("#messages [role=status]")
    assert message.inner_text() == ("The drive has started." if language == "en" else message.inner_text())
    assert page.evaluate("document.activeElement.id") == "messages"
    header = page.locator("header.topbar").bounding_box()
    box = message.bounding_box()
    assert 0 <= box["y"] - (header["y"] + header["height"]) <= 24, "the message is right under the header"
    assert box["y"] + box["height"] <= PHONE["height"], "the message is on the first screen"
    page.context.close()
