"""The browser journeys' Chromium: Debian's /usr/bin/chromium driven by Playwright, one launch per test,
and pages that collect the scripts' errors (``page.errors``)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def new_page(browser, viewport, *, init_scripts=(), **options):
    """A page in a context of its own: an Indian browser (en-IN, India time) unless ``options`` say otherwise;
    ``init_scripts`` (source or a Path) run before each page's own, outside the site's CSP; script errors and
    console errors gather in ``page.errors``."""
    options = {"locale": "en-IN", "timezone_id": "Asia/Kolkata", **options}
    context = browser.new_context(viewport=viewport, **options)
    for script in init_scripts:
        context.add_init_script(**({"script": script} if isinstance(script, str) else {"path": str(script)}))
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors
    return page


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_load_state()


@pytest.fixture
def phone(browser):
    """A clerk's phone: a narrow touch screen."""
    page = new_page(browser, PHONE, is_mobile=True, has_touch=True)
    yield page
    page.context.close()


def eventually(page, check, *, seconds=30, what="the page never got there"):
    """Until ``check()`` is true, across the page's own navigations (an evaluate during one fails: tried again)."""
    from playwright.sync_api import Error

    for _ in range(seconds * 5):
        try:
            if check():
                return
        except Error:
            pass
        page.wait_for_timeout(200)
    raise AssertionError(what)


def wait_for_path(page, pattern, *, seconds=30):
    """Until the page's address matches ``pattern`` and it has loaded, across the pages it goes through (an offline
    receipt the server's takes the place of, say: ``wait_for_url`` fails on such a replaced navigation)."""
    import re

    eventually(page, lambda: re.search(pattern, page.url), seconds=seconds,
               what=f"{page.url} never matched {pattern}")
    page.wait_for_load_state()
