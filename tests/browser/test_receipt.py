"""The receipt on a clerk's 390 px phone and an officer's laptop, in English and Hindi: nothing scrolls sideways,
the amount, the arrears still outstanding and the shortfall are in sight, axe-core finds nothing serious."""

import pytest

from accounts.models import User
from payments.services import payment_record
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.browser.test_accessibility import PHONE_LAYOUT, RUN_AXE, axe_page
from tests.drives.reconnection_data import cut, defaulter

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "hi"])
def test_it_fits_the_receipt_on_a_phone_and_a_laptop(browser, live_server, rtp, officer, clerk, password, language):
    # A lifeline consumer cut on ₹12,000 pays ₹1,000 by cheque: ₹200 short of the reconnection minimum.
    consumer = defaulter(rtp, account_no="00054321", owes="12000.00", category="LMV-1", sanctioned_load_kw="0.50",
                         name="Ramesh Chandra Shrivastava Kushwaha")
    cut(consumer, by=officer)
    payment = payment_record(user=clerk, account_no=consumer.account_no, amount="1000.00", mode="cheque",
                             receipt_no="RTP-2026-123456789", instrument_no="004417",
                             bank="State Bank of India, Mall Road, Kanpur Nagar")
    problems = []
    for user, viewport, path in ((clerk, PHONE, f"/field/receipts/{payment.pk}/"),
                                 (officer, PHONE, f"/payments/{payment.pk}/receipt/"),
                                 (officer, DESKTOP, f"/payments/{payment.pk}/receipt/")):
        User.objects.filter(pk=user.pk).update(language=language)
        phone = viewport is PHONE
        page = axe_page(browser, viewport, **({"is_mobile": True, "has_touch": True} if phone else {}))
        log_in(page, live_server, user.username, password)
        assert page.goto(f"{live_server.url}{path}").status == 200
        where = f"{language} {viewport['width']}px {path}"
        problems += [f"{where}: {problem}" for problem in page.evaluate(RUN_AXE)]
        if phone:
            problems += [f"{where}: {problem}" for problem in page.evaluate(PHONE_LAYOUT)]
            for selector in (".amount", ".arrears-after", ".receipt-short-by", ".words-hi"):
                box = page.locator(selector).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (where, selector, box)
        page.context.close()
    assert problems == [], "\n".join(problems)
