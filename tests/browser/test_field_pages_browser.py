"""The field pages on a phone in a real Chromium: every tap target at least 44 px high, the cut confirmed in a
dialog (method, photo), and the day's list filtered on the phone (static/js/field/filter.js)."""

import pytest

from drives.models import Stop
from tests.browser.conftest import log_in
from tests.drives.drive_data import build_list, defaulter, plan, served

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

# Each visible a, button, summary, input and select: its box height, or for a radio or checkbox the box of the
# label around it (the tap target, WCAG 2.5.5).
TARGETS = """() => [...document.querySelectorAll("a, button, summary, input, select")].map(element => {
  const style = getComputedStyle(element);
  if (element.type === "hidden" || style.visibility === "hidden" || style.opacity === "0") return null;
  const target = (element.type === "radio" || element.type === "checkbox") ? (element.closest("label") || element)
                                                                              : element;
  const box = target.getBoundingClientRect();
  if (!box.width || !box.height || element.closest("[hidden], dialog:not([open])")) return null;
  return {what: element.outerHTML.slice(0, 90), height: box.height};
}).filter(Boolean)"""


@pytest.fixture
def day(officer, clerk, rtp):
    shyam = defaulter(rtp, "40000.00", name="Shyam Lal", phone="9839012345", address="7 Lal Bangla, Ratanpur")
    geeta = defaulter(rtp, "25000.00", name="Geeta Devi", address="22 Juhi Kalan, Ratanpur")
    served(officer, shyam)
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    Stop.objects.filter(consumer=geeta).update(locality="Juhi Kalan")
    return {"shyam": Stop.objects.get(consumer=shyam), "geeta": Stop.objects.get(consumer=geeta)}


def test_every_tap_target_on_the_field_pages_is_44_px_high(phone, live_server, clerk, password, day):
    log_in(phone, live_server, clerk.username, password)
    stop = day["shyam"]
    small = []
    for path in ("/field/", f"/field/stops/{stop.pk}/", f"/field/stops/{stop.pk}/pay/", "/field/collections/",
                 "/field/reconnections/"):
        phone.goto(f"{live_server.url}{path}")
        for details in phone.locator("details").all():  # the folded parts too
            details.evaluate("element => element.open = true")
        targets = phone.evaluate(TARGETS)
        assert targets, path
        small += [f"{path}: {target['height']:.1f}px {target['what']}" for target in targets if target["height"] < 44]
    # The receipt's links (the collections page lists it once a payment is taken).
    phone.goto(f"{live_server.url}/field/stops/{stop.pk}/pay/")
    phone.fill("input[name=amount]", "500")
    phone.click("button.primary[type=submit]")
    phone.wait_for_url(f"{live_server.url}/field/receipts/*/")
    for path in (phone.url.removeprefix(live_server.url), "/field/collections/"):
        phone.goto(f"{live_server.url}{path}")
        small += [f"{path}: {target['height']:.1f}px {target['what']}" for target in phone.evaluate(TARGETS)
                  if target["height"] < 44]
    assert small == []
    assert phone.errors == []


def test_a_cut_asks_for_confirmation_with_the_method_and_the_photo(phone, live_server, clerk, password, day, tmp_path):
    stop = day["shyam"]
    log_in(phone, live_server, clerk.username, password)
    phone.goto(f"{live_server.url}/field/stops/{stop.pk}/")
    photo = tmp_path / "meter.png"
    # A 1×1 PNG.
    photo.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                                    "0000000d49444154789c6360f8cfc0f01f0005000201e1f4c1b80000000049454e44ae426082"))
    phone.click("summary.button:not(.danger)")
    phone.set_input_files("#id_photo", str(photo))
    phone.click("summary.danger")

    # Back: nothing recorded.
    phone.click("button[value='disconnected:meter_removed']")
    dialog = phone.locator("dialog.cut-confirm")
    assert dialog.is_visible()
    assert dialog.locator("[data-confirm-method]").inner_text() == "Meter removed"
    phone.wait_for_function("document.querySelector('[data-confirm-photo]').src.startsWith('data:image/png')")
    assert dialog.locator("[data-confirm-photo]").is_visible()
    phone.click("[data-confirm-back]")
    assert not dialog.is_visible()
    stop.refresh_from_db()
    assert stop.status == "open"

    # Yes: the cut is recorded with the method of the button tapped.
    phone.click("button[value='disconnected:fuse_pulled']")
    assert dialog.locator("[data-confirm-method]").inner_text() == "Fuse pulled"
    phone.click("[data-confirm-yes]")
    phone.wait_for_url(f"{live_server.url}/field/")
    stop.refresh_from_db()
    assert (stop.outcome, stop.method) == ("disconnected", "fuse_pulled")
    assert phone.errors == []


def test_the_day_s_list_filters_on_the_phone_offline(phone, live_server, clerk, password, day):
    log_in(phone, live_server, clerk.username, password)
    shyam, geeta = (f"article.stop[data-stop='{day[name].pk}']" for name in ("shyam", "geeta"))
    phone.context.set_offline(True)  # filter.js works on the page alone

    phone.fill("#id_q", "juhi")
    assert phone.locator(geeta).is_visible() and phone.locator(shyam).is_hidden()
    phone.fill("#id_q", "")
    phone.select_option("#id_notice", "valid")
    assert phone.locator(shyam).is_visible() and phone.locator(geeta).is_hidden()
    phone.select_option("#id_notice", "")
    phone.select_option("#id_locality", "Juhi Kalan")
    assert phone.locator(geeta).is_visible() and phone.locator(shyam).is_hidden()
    phone.select_option("#id_status", "done")
    assert phone.locator(geeta).is_hidden() and phone.locator("[data-filter-none]").is_visible()
    phone.context.set_offline(False)
