from datetime import date

import pytest

from tests.factories import add_entry, make_consumer


@pytest.fixture
def consumers(rtp, hsp):
    ram = make_consumer(rtp, account_no="00012345", name="Ram Prasad", phone="9876543210", meter_no="M-1")
    add_entry(ram, "BILL", "12000.00", date(2026, 1, 1), due_date=date(2026, 1, 15), reference="B-1")
    add_entry(ram, "PAYMENT", "500.00", date(2026, 2, 1), reference="R-1")
    sita = make_consumer(rtp, account_no="00012346", name="Sita Devi", status="disconnected")
    other = make_consumer(hsp, account_no="00099999", name="Hanspuram Consumer")
    return ram, sita, other


def get(api_client, user, path):
    api_client.force_authenticate(user)
    return api_client.get(path)


def test_it_lists_only_the_callers_division(api_client, clerk, consumers):
    body = get(api_client, clerk, "/api/v1/consumers/").json()
    assert body["count"] == 2
    assert set(body) == {"count", "count_capped", "next", "previous", "results"}
    assert body["count_capped"] is False
    assert [c["account_no"] for c in body["results"]] == ["00012345", "00012346"]  # highest arrears first
    assert body["results"][0] == {
        "account_no": "00012345", "name": "Ram Prasad", "division": "RTP", "category": "LMV-1",
        "category_group": "domestic", "status": "connected", "is_protected": False, "balance": "11500.00",
        "arrears": "11500.00", "oldest_due_date": "2026-01-15"}


def test_hq_sees_every_division_and_filters(api_client, md, consumers):
    assert get(api_client, md, "/api/v1/consumers/").json()["count"] == 3
    assert get(api_client, md, "/api/v1/consumers/?division=HSP").json()["count"] == 1
    assert get(api_client, md, "/api/v1/consumers/?status=disconnected").json()["results"][0]["name"] == "Sita Devi"
    assert get(api_client, md, "/api/v1/consumers/?q=sita").json()["count"] == 1
    assert get(api_client, md, "/api/v1/consumers/?q=9876543210").json()["results"][0]["account_no"] == "00012345"


def test_it_refuses_a_bad_status_filter(api_client, md, consumers):
    response = get(api_client, md, "/api/v1/consumers/?status=asleep")
    assert response.status_code == 400
    assert "status" in response.json()


def test_it_shows_one_consumer_and_their_ledger(api_client, clerk, consumers):
    detail = get(api_client, clerk, "/api/v1/consumers/00012345/").json()
    assert detail["phone"] == "9876543210"
    assert detail["arrears"] == "11500.00"
    ledger = get(api_client, clerk, "/api/v1/consumers/00012345/ledger/").json()
    assert [(e["kind"], e["amount"], e["reference"]) for e in ledger["results"]] == [
        ("BILL", "12000.00", "B-1"), ("PAYMENT", "500.00", "R-1")]


@pytest.mark.parametrize("path", ["/api/v1/consumers/00099999/", "/api/v1/consumers/00099999/ledger/"])
def test_it_answers_404_for_another_division(api_client, clerk, consumers, path):
    assert get(api_client, clerk, path).status_code == 404


def test_it_refuses_anonymous_callers(api_client, consumers):
    assert api_client.get("/api/v1/consumers/").status_code == 401
