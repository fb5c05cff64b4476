"""GET defaulter-lists/{id}/entries/: each entry carries what a visit needs (address, phone, meter no., the
connection status now), in a constant number of queries, and an officer still sees only their division."""

import pytest

from arrears.models import ConnectionStatus, Consumer
from defaulters.services import defaulter_list_build_division
from tests.defaulters.defaulter_data import defaulter_scene, owe
from tests.factories import make_consumer


@pytest.fixture
def lists(rtp, hsp):
    built = defaulter_scene(rtp, hsp)
    Consumer.objects.filter(account_no="01000001").update(phone="9415012345", meter_no="KSC1048823")
    return built


def test_it_gives_address_phone_meter_and_status(api_client, officer, lists):
    Consumer.objects.filter(account_no="01000002").update(status=ConnectionStatus.DISCONNECTED)
    api_client.force_authenticate(officer)

    body = api_client.get(f"/api/v1/defaulter-lists/{lists[0].pk}/entries/").json()

    first, second = body["results"][:2]
    assert {k: first[k] for k in ["account_no", "address", "phone", "meter_no", "status"]} == {
        "account_no": "01000001", "address": "7 Lal Bangla, Kanpur", "phone": "9415012345",
        "meter_no": "KSC1048823", "status": "connected"}
    assert second["account_no"] == "01000002" and second["status"] == "disconnected"
    assert second["phone"] == "" and second["meter_no"] == ""
    # The contract's fields are all still there.
    assert {"account_no", "name", "arrears", "oldest_due_date", "days_overdue", "rank"} <= set(first)


def test_it_answers_another_divisions_entries_404(api_client, officer, lists):
    api_client.force_authenticate(officer)

    assert api_client.get(f"/api/v1/defaulter-lists/{lists[1].pk}/entries/").status_code == 404
    accounts = [e["account_no"] for e in api_client.get(
        f"/api/v1/defaulter-lists/{lists[0].pk}/entries/").json()["results"]]
    assert "02000001" not in accounts


def test_it_reads_fifty_entries_in_as_few_queries_as_three(api_client, officer, rtp, lists,
                                                          django_assert_max_num_queries):
    api_client.force_authenticate(officer)
    with django_assert_max_num_queries(10) as few:
        assert api_client.get(f"/api/v1/defaulter-lists/{lists[0].pk}/entries/").json()["count"] == 3
    for n in range(50):
        owe(make_consumer(rtp, account_no=f"0150{n:04d}", phone=f"94150{n:05d}", meter_no=f"M{n}"), "20000.00",
            days_overdue=100)
    defaulter_list_build_division(division_id=rtp.pk, as_of=lists[0].as_of, trigger="command")

    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api_client.get(f"/api/v1/defaulter-lists/{lists[0].pk}/entries/").json()

    assert body["count"] == 53 and all(e["phone"] and e["meter_no"] for e in body["results"][:50]
                                       if e["account_no"].startswith("0150"))


def test_it_refuses_a_negative_minimum_like_any_amount(api_client, officer, lists):
    api_client.force_authenticate(officer)

    response = api_client.get(f"/api/v1/defaulter-lists/{lists[0].pk}/entries/?min_arrears=-5")

    assert response.status_code == 400 and response.json() == {"min_arrears": ["must be zero or more"]}
