"""The MD's summary gains the recovery certificates' figures (issue 24): RCs raised and money recovered under them in
the range, per division and in total, appended after the others; checked against a plain recount of the
certificates and through the API, the page and the CSV."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from core.dates import india_today
from recovery.models import RCStatus, RecoveryCertificate
from recovery.services import demand_notice_issue, permanent_disconnections_mark, rc_raise, rc_status_set
from reports.formats import RC_COLUMNS
from reports.selectors import FIGURES, summary
from tests.recovery.rc_data import defaulter_cut_long_ago

pytestmark = pytest.mark.django_db


def _walk(officer, account_no: str, *, close: str | None, amount: str | None = None):
    today = india_today()
    notice = demand_notice_issue(user=officer, account_no=account_no, served_on=today - timedelta(days=40),
                                 service_mode="registered_post")
    rc = rc_raise(user=officer, account_no=account_no, demand_notice_id=notice.pk)
    if close:
        rc_status_set(user=officer, rc_id=rc.pk, status="citation_issued", on=today)
        rc_status_set(user=officer, rc_id=rc.pk, status=close, on=today,
                      amount_recovered=Decimal(amount) if amount else None)
    return rc


def _recount(date_from, date_to) -> dict:
    counts = {}
    for rc in RecoveryCertificate.objects.all():
        row = counts.setdefault(rc.division.code, {"rc_raised": 0, "rc_recovered": Decimal("0.00")})
        if date_from <= rc.sent_on <= date_to:
            row["rc_raised"] += 1
        if (rc.status in (RCStatus.RECOVERED, RCStatus.PARTLY_RECOVERED) and rc.closed_on
                and date_from <= rc.closed_on <= date_to):
            row["rc_recovered"] += rc.amount_recovered
    return counts


def test_it_counts_rcs_raised_and_money_recovered_as_a_recount_does(rtp, hsp, officer, other_officer, md,
                                                                   settings):
    settings.RC_NOTICE_DAYS = 30
    for division, leader, numbers in ((rtp, officer, ("00066001", "00066002", "00066003")),
                                      (hsp, other_officer, ("00066004",))):
        for account_no in numbers:
            defaulter_cut_long_ago(division, by=leader, account_no=account_no)
    permanent_disconnections_mark()
    _walk(officer, "00066001", close="recovered", amount="16200.00")
    _walk(officer, "00066002", close="partly_recovered", amount="5000.50")
    _walk(officer, "00066003", close="returned")
    _walk(other_officer, "00066004", close=None)
    # One raised long ago (returned today, no money): not among those raised in today's range.
    old = RecoveryCertificate.objects.get(consumer__account_no="00066003")
    RecoveryCertificate.objects.filter(pk=old.pk).update(sent_on=india_today() - timedelta(days=60))

    today = india_today()
    result = summary(md, date_from=today, date_to=today)
    recount = _recount(today, today)
    rows = {row.code: row for row in result.rows}
    for code in ("RTP", "HSP"):
        assert (rows[code].rc_raised, rows[code].rc_recovered) == (recount[code]["rc_raised"],
                                                                   recount[code]["rc_recovered"])
    assert (rows["RTP"].rc_raised, rows["RTP"].rc_recovered) == (2, Decimal("21200.50"))
    assert (result.totals.rc_raised, result.totals.rc_recovered) == (3, Decimal("21200.50"))
    # The money is in the collections too: it is on the ledger as payments.
    assert rows["RTP"].collections == Decimal("21200.50")
    assert FIGURES[-2:] == ("rc_raised", "rc_recovered")

    client = Client()
    client.force_login(md)
    body = client.get("/api/v1/reports/summary/", {"from": today, "to": today}).json()
    assert list(body["totals"])[-2:] == ["rc_raised", "rc_recovered"]
    assert (body["totals"]["rc_raised"], body["totals"]["rc_recovered"]) == (3, "21200.50")
    html = client.get("/reports/summary/", {"from": today, "to": today}).content.decode()
    assert 'id="recovery-certificates"' in html
    for _key, heading in RC_COLUMNS:
        assert str(heading) in html
    assert 'data-key="rc_recovered" data-label="Recovered under RCs"' in html
    csv_text = b"".join(client.get("/reports/summary.csv", {"from": today, "to": today}).streaming_content).decode(
        "utf-8-sig")
    assert csv_text.splitlines()[0].endswith("Recovery certificates raised,Recovered under RCs")
