"""The MD's settlement figures (issue 22) against a plain recount: a loop over the settlements and their consumers'
ledgers, the rules of reports.settlement_figures written again by hand. Two divisions: in Ratanpur two registrations
into a scheme with a target, one completed (its waiver on the ledger); in Hanspuram a registration and an officer's
plan that defaults the next night."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from arrears.models import EntryKind, LedgerEntry
from core.dates import india_today
from payments.services import payment_record
from reports.formats import SETTLEMENT_COLUMNS, figure_text
from reports.selectors import summary
from reports.settlement_figures import SETTLEMENT_FIGURES
from settlements.models import SchemeTarget, Settlement, SettlementKind, SettlementStatus
from settlements.services import plan_grant, settlement_register, settlements_default_missed
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = pytest.mark.django_db

ZERO = Decimal("0.00")


def pay(user, consumer, amount, receipt_no):
    return payment_record(user=user, account_no=consumer.account_no, amount=Decimal(amount), mode="cash",
                          receipt_no=receipt_no, source="web")


def register(user, consumer, scheme, receipt_no, plan):
    return settlement_register(user=user, account_no=consumer.account_no, scheme=scheme, plan=plan,
                               deposit_receipt_no=receipt_no)


@pytest.fixture
def scene(rtp, hsp, clerk, other_clerk, other_officer, settings):
    """Each consumer owes principal ₹10,000 and surcharge ₹2,000 before the cut-off: instalments (half the surcharge
    waived) come to ₹11,000, ₹3,000 down; a lump sum (all of it waived) to ₹10,000, ₹3,000 down."""
    settings.SETTLEMENT_GRACE_DAYS = 7
    scheme = open_scheme()
    SchemeTarget.objects.create(scheme=scheme, division=rtp, registrations=4, amount=Decimal("20000.00"))
    before = scheme.dues_cutoff
    # Ratanpur: A pays something before registering (not towards it), then the deposit, then ₹2,500.
    a = owing(rtp, principal="10000.00", surcharge="2000.00", before=before)
    pay(clerk, a, "100.00", "RTP-EARLY")
    pay(clerk, a, "3000.00", "RTP-DEP-A")
    register(clerk, a, scheme, "RTP-DEP-A", "instalments")
    pay(clerk, a, "2500.00", "RTP-A-1")
    # B pays ₹500 more than the deposit, then ₹7,000 where ₹6,500 was left: completed, ₹2,000 waived.
    b = owing(rtp, principal="10000.00", surcharge="2000.00", before=before)
    pay(clerk, b, "3500.00", "RTP-DEP-B")
    register(clerk, b, scheme, "RTP-DEP-B", "lump_sum")
    pay(clerk, b, "7000.00", "RTP-B-1")
    # Hanspuram: C registers and pays ₹1,000; D is granted a plan of 3 from today, pays ₹500 and misses the rest.
    c = owing(hsp, principal="10000.00", surcharge="2000.00", before=before)
    pay(other_clerk, c, "3000.00", "HSP-DEP-C")
    register(other_clerk, c, scheme, "HSP-DEP-C", "instalments")
    pay(other_clerk, c, "1000.00", "HSP-C-1")
    d = owing(hsp, principal="9000.00", surcharge="0", before=india_today())
    plan_grant(user=other_officer, account_no=d.account_no, instalments=3, reason="crop failed",
               first_due_on=india_today())
    pay(other_clerk, d, "500.00", "HSP-D-1")
    # The night's check, a grace past D's first instalment (A's and C's fall due a month on).
    assert settlements_default_missed(today=india_today() + timedelta(days=8))["defaulted"] == 1
    return {"scheme": scheme, "a": a, "b": b, "c": c, "d": d}


def recount(date_from: date, date_to: date) -> dict[str, dict]:
    """{division code: figures}: every settlement and its consumer's ledger read in Python, one by one."""
    from settlements.models import Scheme

    open_in_range = {s.pk for s in Scheme.objects.all() if s.starts_on <= date_to and s.ends_on >= date_from}
    figures: dict[str, dict] = {}
    for s in Settlement.objects.order_by("pk"):
        f = figures.setdefault(s.division.code, {
            "settlements_registered": 0, "settlement_deposits": ZERO, "settlement_collected": ZERO,
            "settlement_waivers": ZERO, "settlements_defaulted": 0, "scheme_registrations": 0, "scheme_amount": ZERO})
        targeted = s.kind == SettlementKind.SCHEME and s.scheme_id in open_in_range
        if date_from <= timezone.localdate(s.registered_at) <= date_to:
            f["settlements_registered"] += 1
            f["settlement_deposits"] += s.deposit
            if targeted:
                f["scheme_registrations"] += 1
                f["scheme_amount"] += s.deposit
        if s.status == SettlementStatus.DEFAULTED and date_from <= timezone.localdate(s.closed_at) <= date_to:
            f["settlements_defaulted"] += 1
        if s.credit_entry is not None and date_from <= s.credit_entry.entry_date <= date_to:
            f["settlement_waivers"] += -s.credit_entry.amount
        for reversal in LedgerEntry.objects.filter(reference=f"{s.reference}-REV"):
            if date_from <= reversal.entry_date <= date_to:
                f["settlement_waivers"] -= reversal.amount
        # Its credits as the schedule takes them: the deposit first, then as recorded while it was live.
        credits = []
        for e in LedgerEntry.objects.filter(consumer_id=s.consumer_id):
            is_deposit = e.pk == s.deposit_entry_id
            while_live = e.pk > s.ledger_after and (s.ledger_upto is None or e.pk <= s.ledger_upto)
            if e.credit > 0 and (is_deposit or (while_live and e.pk != s.credit_entry_id)):
                credits.append((not is_deposit, e.pk, e))
        before = ZERO
        for _first, _pk, e in sorted(credits):
            share = min(max(s.payable - before, ZERO), e.credit)
            before += e.credit
            if e.kind == EntryKind.PAYMENT and date_from <= e.entry_date <= date_to:
                towards = share - (s.deposit if e.pk == s.deposit_entry_id else ZERO)
                f["settlement_collected"] += towards
                if targeted:
                    f["scheme_amount"] += towards
    return figures


def _pct(part, whole):
    from decimal import ROUND_HALF_UP

    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if whole else None


@pytest.mark.parametrize("days_back", [0, 1])
def test_it_counts_the_settlement_figures_as_a_plain_recount_does(scene, md, rtp, hsp, days_back):
    today = india_today()
    result = summary(md, date_from=today - timedelta(days=days_back), date_to=today)
    counted = recount(today - timedelta(days=days_back), today)
    targets = {"RTP": (4, Decimal("20000.00")), "HSP": (None, None)}
    for row in result.rows:
        c = counted[row.code]
        assert {key: getattr(row, key) for key in ("settlements_registered", "settlement_deposits",
                                                   "settlement_collected", "settlement_waivers",
                                                   "settlements_defaulted")} == {
            key: c[key] for key in ("settlements_registered", "settlement_deposits", "settlement_collected",
                                    "settlement_waivers", "settlements_defaulted")}, row.code
        target_registrations, target_amount = targets[row.code]
        assert (row.scheme_target_registrations, row.scheme_target_amount) == (target_registrations, target_amount)
        assert row.scheme_registrations_pct == _pct(c["scheme_registrations"], target_registrations)
        assert row.scheme_amount_pct == _pct(c["scheme_amount"], target_amount)
    # The scene is what it says, by hand: deposits ₹3,000 each; collected ₹2,500 (A) + ₹500 over B's deposit and
    # the ₹6,500 B had left (not the ₹500 beyond) in Ratanpur, ₹1,000 (C) + ₹500 (D) in Hanspuram; B's ₹2,000 waived;
    # D defaulted. Ratanpur: 2 of 4 registrations, ₹15,500 of ₹20,000.
    rtp_row, hsp_row = (next(r for r in result.rows if r.code == code) for code in ("RTP", "HSP"))
    assert (rtp_row.settlements_registered, rtp_row.settlement_deposits, rtp_row.settlement_collected,
            rtp_row.settlement_waivers, rtp_row.settlements_defaulted) == (
        2, Decimal("6000.00"), Decimal("9500.00"), Decimal("2000.00"), 0)
    assert (hsp_row.settlements_registered, hsp_row.settlement_deposits, hsp_row.settlement_collected,
            hsp_row.settlement_waivers, hsp_row.settlements_defaulted) == (
        2, Decimal("3000.00"), Decimal("1500.00"), ZERO, 1)
    assert (rtp_row.scheme_registrations_pct, rtp_row.scheme_amount_pct) == (Decimal("50.0"), Decimal("77.5"))
    assert (hsp_row.scheme_registrations_pct, hsp_row.scheme_amount_pct) == (None, None)
    # Totals are sums; the achievement from the summed figures (only Ratanpur has a target).
    totals = result.totals
    for key in ("settlements_registered", "settlement_deposits", "settlement_collected", "settlement_waivers",
                "settlements_defaulted"):
        assert getattr(totals, key) == sum(getattr(row, key) for row in result.rows), key
    assert (totals.scheme_target_registrations, totals.scheme_target_amount) == (4, Decimal("20000.00"))
    assert totals.scheme_registrations_pct == Decimal("75.0")  # 3 registrations into the scheme of 4 targeted


def test_over_a_settlements_life_its_deposit_and_collected_money_are_what_its_schedule_was_paid(scene, md):
    today = india_today()
    result = summary(md, date_from=today - timedelta(days=30), date_to=today)
    paid = sum((s.paid for s in Settlement.objects.all()), ZERO)
    assert sum((r.settlement_deposits + r.settlement_collected for r in result.rows), ZERO) == paid


def test_a_range_before_the_registrations_counts_none_of_them(scene, md):
    yesterday = india_today() - timedelta(days=1)
    for row in summary(md, date_from=yesterday, date_to=yesterday).rows:
        assert (row.settlements_registered, row.settlement_deposits, row.settlement_collected,
                row.settlement_waivers, row.settlements_defaulted) == (0, ZERO, ZERO, ZERO, 0), row.code


def test_an_it_reversal_takes_the_waiver_back_in_the_range_it_is_dated(scene, md, it_admin):
    from settlements.services import settlement_credit_reverse

    completed = Settlement.objects.get(status=SettlementStatus.COMPLETED)
    settlement_credit_reverse(user=it_admin, settlement=completed, reason="deposit cheque bounced")
    today = india_today()
    rtp_row = summary(md, date_from=today, date_to=today).rows[-1]
    assert rtp_row.code == "RTP" and rtp_row.settlement_waivers == ZERO == recount(today, today)["RTP"][
        "settlement_waivers"]


def test_the_api_page_and_csv_show_the_settlement_figures(scene, md):
    today = str(india_today())
    client = APIClient()
    client.force_authenticate(md)
    body = client.get("/api/v1/reports/summary/", {"from": today, "to": today}).json()
    # After the theft figures; the recovery certificates' two (issue 24) come after them.
    keys = list(body["totals"])
    start = keys.index("theft_cases_assessed") + 1
    assert keys[start:start + len(SETTLEMENT_FIGURES)] == list(SETTLEMENT_FIGURES)
    assert body["totals"]["settlement_collected"] == "11000.00"
    # Every division's scheme money against the targets set (Ratanpur's only): ₹19,500 of ₹20,000.
    assert body["totals"]["scheme_amount_pct"] == "97.5"
    assert body["divisions"][0]["scheme_target_registrations"] is None

    page = Client()
    page.force_login(md)
    html = page.get("/reports/summary/", {"from": today, "to": today}).content.decode()
    assert 'id="settlements"' in html
    for _key, heading in SETTLEMENT_COLUMNS:
        assert str(heading) in html
    exact = figure_text("settlement_collected", Decimal("11000.00"))
    assert f'data-key="settlement_collected" data-label="Collected under settlements" title="{exact}">₹11,000<' in html
    csv_text = b"".join(page.get("/reports/summary.csv", {"from": today, "to": today}).streaming_content).decode(
        "utf-8-sig")
    assert "Collected under settlements" in csv_text.splitlines()[0]
    # The settlements' nine columns, then the recovery certificates' two (none in this scene).
    assert csv_text.splitlines()[-1].split(",")[-11:] == ["4", "9000.00", "11000.00", "2000.00", "1", "4", "75.0",
                                                         "20000.00", "97.5", "0", "0.00"]


def test_the_officers_home_shows_the_open_schemes_progress_and_the_weeks_defaults(scene, officer, other_officer):
    client = Client()
    client.force_login(officer)
    html = client.get("/").content.decode()
    # Ratanpur: 2 of its 4 registrations, ₹15,500 of ₹20,000 (deposits ₹6,000 and ₹9,500 collected).
    assert 'data-scheme="OTS-TEST"' in html and "Test settlement" in html
    assert "2 registrations" in html and "50.0% of the target of 4" in html
    assert "77.5% of" in html
    assert 'data-figure="settlements_defaulted_week">0<' in html

    client.force_login(other_officer)
    html = client.get("/").content.decode()
    # Hanspuram: one registration into the scheme (the plan is not one), no target; D's plan defaulted.
    assert "1 registration<" in html and "no target set" in html
    assert "₹4,000 collected" in html
    assert 'data-figure="settlements_defaulted_week">1<' in html


def test_what_a_settlement_collected_is_read_in_the_ledgers_order_whatever_the_clocks_say(scene, officer):
    # B's last payment completed it; a database clock ahead of the app's stamps it after the completion.
    b = Settlement.objects.get(consumer=scene["b"])
    LedgerEntry.objects.filter(reference="RTP-B-1").update(created_at=b.closed_at + timedelta(hours=1))

    client = Client()
    client.force_login(officer)
    assert "77.5% of" in client.get("/").content.decode()


def test_the_settlement_figures_read_in_hindi(scene, md, other_officer):
    today = str(india_today())
    client = Client()
    client.force_login(md)
    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    html = client.get("/reports/summary/", {"from": today, "to": today}).content.decode()
    for hindi in ("समाधानों में वसूली", "छूट और रियायत", "योजना लक्ष्य (पंजीकरण)", "राशि उपलब्धि %"):
        assert hindi in html
    client.force_login(other_officer)
    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    html = client.get("/").content.decode()
    assert "परीक्षण समाधान" in html and "1 पंजीकरण" in html and "पिछले 7 दिनों में टूटे समाधान" in html
