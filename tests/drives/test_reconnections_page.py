"""The officer's Reconnections page (drives.reconnection_views): the cut consumers who have paid something but
less than the minimum, with what they paid, the minimum and the shortfall, each approvable from its row; the
orders overdue, open and done today; a refused approval shown at an address that reloads; the old addresses."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.dates import india_today
from drives.models import ReconnectionOrder, ReconnectionStatus
from drives.reconnections import credits_since
from drives.selectors import reconnections_awaiting_approval
from tests.drives.reconnection_data import cut, defaulter
from tests.factories import add_entry


@pytest.fixture
def cuts(rtp, hsp, officer):
    """RTP: Ram cut owing ₹40,000 (minimum ₹10,000) who has paid ₹3,000 since; Sita cut who has paid nothing;
    Mohan cut who paid the minimum (an order, due tomorrow). HSP: Gopal cut who has paid ₹2,000."""
    ram = defaulter(rtp, account_no="03000001", name="Ram Lal")
    sita = defaulter(rtp, account_no="03000002", name="Sita Devi")
    mohan = defaulter(rtp, account_no="03000003", name="Mohan Das")
    gopal = defaulter(hsp, account_no="04000001", name="Gopal Ji")
    for consumer in (ram, sita, mohan, gopal):
        cut(consumer, by=officer)
    add_entry(ram, "PAYMENT", "3000.00", india_today())
    add_entry(mohan, "PAYMENT", "10000.00", india_today())  # the minimum: an order at once
    add_entry(gopal, "PAYMENT", "2000.00", india_today())
    return {"ram": ram, "sita": sita, "mohan": mohan, "gopal": gopal}


def row(page: str, account_no: str) -> str:
    start = page.index(f'<tr data-account="{account_no}"')
    return page[start:page.index("</tr>", start)]


def section(page: str, name: str) -> str:
    start = page.index(f'<section class="card" id="{name}">')
    return page[start:page.index("</section>", start)]


def test_it_lists_the_cut_who_paid_below_the_minimum_with_their_figures(client, officer, cuts):
    client.force_login(officer)

    page = client.get("/reconnections/").content.decode()

    awaiting = section(page, "awaiting")
    ram = row(awaiting, "03000001")
    assert "Ram Lal" in ram and "₹3,000.00" in ram and "₹10,000.00" in ram and "₹7,000.00" in ram
    assert 'name="reason"' in ram and 'value="03000001"' in ram  # approvable from its row
    assert "03000002" not in awaiting  # paid nothing: not on the list (the form by account number is for them)
    assert "03000003" not in awaiting and "04000001" not in page  # has its order; another division's
    assert 'data-account="03000003"' in section(page, "open")  # the order not yet due


def test_it_counts_what_was_paid_as_the_reconnection_rule_does(officer, cuts):
    listed = {cut.consumer.account_no: cut for cut in reconnections_awaiting_approval(officer)}

    assert set(listed) == {"03000001"}
    assert listed["03000001"].paid_since == credits_since(listed["03000001"]) == Decimal("3000.00")


def test_it_reads_the_list_in_a_fixed_number_of_queries(client, officer, cuts, rtp):
    for n in range(5):
        consumer = defaulter(rtp, account_no=f"0300010{n}")
        cut(consumer, by=officer)
        add_entry(consumer, "PAYMENT", "500.00", india_today())
    client.force_login(officer)

    with CaptureQueriesContext(connection) as few:
        client.get("/reconnections/")
    for n in range(5, 10):
        consumer = defaulter(rtp, account_no=f"0300010{n}")
        cut(consumer, by=officer)
        add_entry(consumer, "PAYMENT", "500.00", india_today())
    with CaptureQueriesContext(connection) as more:
        page = client.get("/reconnections/").content.decode()

    assert section(page, "awaiting").count("<tr data-account=") == 11
    assert len(more) == len(few)  # no query per row


def test_it_approves_from_the_row_with_a_reason(client, officer, cuts):
    client.force_login(officer)

    response = client.post("/reconnections/", {"account_no": "03000001", "reason": "Widow's pension delayed"})

    order = ReconnectionOrder.objects.get(consumer=cuts["ram"])
    assert response.status_code == 302 and response["Location"] == "/reconnections/"
    assert order.approved_by == officer and order.paid == Decimal("3000.00") and order.minimum == Decimal("10000.00")
    page = client.get("/reconnections/").content.decode()
    assert "Reconnection of 03000001 ordered" in page
    assert "03000001" not in section(page, "awaiting")
    assert "Widow&#x27;s pension delayed" in row(section(page, "open"), "03000001")


def test_a_refused_approval_shows_in_its_row_at_the_pages_own_address(client, officer, cuts):
    client.force_login(officer)

    refused = client.post("/reconnections/", {"account_no": "03000001", "reason": "   "})

    assert refused.status_code == 400 and not ReconnectionOrder.objects.filter(consumer=cuts["ram"]).exists()
    assert 'role="alert"' in row(section(refused.content.decode(), "awaiting"), "03000001")
    # The address the browser shows after it is the page's: reloading it (a GET) is the list, never a blank 405.
    assert client.get("/reconnections/").status_code == 200


def test_the_old_addresses_lead_to_the_page(client, officer, cuts):
    client.force_login(officer)

    approve = client.get("/reconnections/approve/")
    overdue = client.get("/reconnections/overdue/")
    old_post = client.post("/reconnections/approve/", {"account_no": "03000002", "reason": "Hospital case"})

    assert approve.status_code == 302 and approve["Location"] == "/reconnections/"
    assert overdue.status_code == 302 and overdue["Location"] == "/reconnections/#overdue"
    assert old_post.status_code == 302 and ReconnectionOrder.objects.get(consumer=cuts["sita"]).paid == 0


def test_it_approves_a_consumer_who_paid_nothing_by_account_number_and_says_why_not_otherwise(client, officer, cuts):
    client.force_login(officer)

    unknown = client.post("/reconnections/", {"account_no": "04000001", "reason": "Hospital case"})
    connected = client.post("/reconnections/", {"account_no": "03000003", "reason": "Hospital case"})

    assert unknown.status_code == 400 and "No consumer with this account number" in section(
        unknown.content.decode(), "approve")
    assert connected.status_code == 400 and "already has a reconnection order" in section(
        connected.content.decode(), "approve")


def test_it_shows_the_overdue_and_those_done_today(client, officer, clerk, cuts):
    order = ReconnectionOrder.objects.get(consumer=cuts["mohan"])
    ReconnectionOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - timedelta(hours=2))
    client.force_login(officer)

    page = client.get("/reconnections/").content.decode()
    assert "Mohan Das" in row(section(page, "overdue"), "03000003")
    ReconnectionOrder.objects.filter(pk=order.pk).update(status=ReconnectionStatus.DONE, done_at=timezone.now(),
                                                          done_by=clerk)
    page = client.get("/reconnections/").content.decode()

    assert "No reconnection is overdue." in page and "Mohan Das" in row(section(page, "done"), "03000003")


def test_it_pages_a_long_list(client, officer, cuts, rtp, monkeypatch):
    monkeypatch.setattr("drives.reconnection_views.ROWS_PER_SECTION", 1)
    sita = cuts["sita"]
    add_entry(sita, "PAYMENT", "100.00", india_today())
    client.force_login(officer)

    first = section(client.get("/reconnections/").content.decode(), "awaiting")
    second = section(client.get("/reconnections/?awaiting=2").content.decode(), "awaiting")

    assert first.count("<tr data-account=") == 1 and second.count("<tr data-account=") == 1
    assert "?awaiting=2#awaiting" in first


def test_a_clerk_is_refused_the_page(client, clerk, cuts):
    client.force_login(clerk)

    assert client.get("/reconnections/").status_code == 403
    assert client.post("/reconnections/", {"account_no": "03000001", "reason": "x"}).status_code == 403
    assert not ReconnectionOrder.objects.filter(consumer=cuts["ram"]).exists()
