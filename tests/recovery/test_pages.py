"""The officer's recovery pages: the permanently disconnected with age and amount, Form I recorded and printed in
Hindi and English, the RC raised, walked to recovered and printed for the collector."""

from datetime import timedelta

import pytest
from django.test import Client

from core.dates import india_today
from payments.models import Payment
from recovery.models import DemandNotice, RecoveryCertificate
from recovery.services import permanent_disconnections_mark
from tests.recovery.rc_data import defaulter_cut_long_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(officer):
    client = Client()
    client.force_login(officer)
    return client


def test_it_walks_the_officer_from_the_pd_list_to_a_recovered_rc(rtp, officer, browser, settings):
    settings.RC_NOTICE_DAYS = 30
    defaulter_cut_long_ago(rtp, by=officer, account_no="00099001", days=400)
    permanent_disconnections_mark()
    listed = browser.get("/recovery/").content.decode()
    assert "00099001" in listed and "₹16,200.00" in listed and ">400<" in listed

    served_on = india_today() - timedelta(days=30)
    response = browser.post("/recovery/consumer/00099001/form-i/", {
        "served_on": served_on, "service_mode": "affixed", "proof_ref": "PANCHNAMA-7"})
    notice = DemandNotice.objects.get()
    assert response.status_code == 302 and response.url == f"/recovery/form-i/{notice.pk}/"
    letter = browser.get(response.url).content.decode()
    assert "Form I: notice of demand" in letter and "मांग" in letter and "₹15,000.00" in letter

    response = browser.post("/recovery/consumer/00099001/rc/", {"demand_notice_id": notice.pk})
    rc = RecoveryCertificate.objects.get()
    assert response.url == f"/recovery/rc/{rc.pk}/"
    today = india_today()
    for step in ("citation_issued", "attachment"):
        assert browser.post(f"/recovery/rc/{rc.pk}/status/", {"status": step, "on": today,
                                                              "mode": "cash"}).status_code == 302
    refused = browser.post(f"/recovery/rc/{rc.pk}/status/", {"status": "recovered", "on": today, "mode": "cash"})
    assert refused.status_code == 400 and "give the amount recovered" in refused.content.decode()
    assert browser.post(f"/recovery/rc/{rc.pk}/status/", {"status": "recovered", "on": today, "mode": "cash",
                                                          "amount_recovered": "16200.00"}).status_code == 302
    page = browser.get(f"/recovery/rc/{rc.pk}/").content.decode()
    assert "Recovered" in page and Payment.objects.get().receipt_no in page
    certificate = browser.get(f"/recovery/rc/{rc.pk}/letter/").content.decode()
    assert "Collector" in certificate and "कलेक्टर" in certificate and "PANCHNAMA-7" in certificate
    assert "₹16,200.00" in browser.get("/recovery/rc/?status=recovered").content.decode()


def test_it_shows_a_refusal_on_the_form(rtp, officer, browser, settings):
    settings.RC_NOTICE_DAYS = 30
    defaulter_cut_long_ago(rtp, by=officer, account_no="00099002")
    permanent_disconnections_mark()
    browser.post("/recovery/consumer/00099002/form-i/", {"served_on": india_today(), "service_mode": "by_hand"})
    notice = DemandNotice.objects.get()
    refused = browser.post("/recovery/consumer/00099002/rc/", {"demand_notice_id": notice.pk})
    assert refused.status_code == 400 and "may be raised from" in refused.content.decode()
    assert not RecoveryCertificate.objects.exists()
