"""GET /api/v1/defaulter-lists/…: scoped, filtered, paginated, amounts as strings."""

import pytest

from tests.defaulters.defaulter_data import defaulter_scene


@pytest.fixture
def lists(rtp, hsp):
    return defaulter_scene(rtp, hsp)


def test_it_lists_only_the_callers_division(api_client, officer, lists):
    api_client.force_authenticate(officer)

    body = api_client.get("/api/v1/defaulter-lists/").json()

    assert [item["division"] for item in body["results"]] == ["RTP"]
    item = body["results"][0]
    assert item["consumer_count"] == 3 and item["total_arrears"] == "305000.50"
    assert item["threshold"] == "10000.00"


def test_it_shows_hq_every_division_and_filters_by_division_and_day(api_client, md, lists):
    api_client.force_authenticate(md)
    as_of = lists[0].as_of.isoformat()

    assert api_client.get("/api/v1/defaulter-lists/").json()["count"] == 2
    assert [i["division"] for i in api_client.get("/api/v1/defaulter-lists/?division=HSP").json()["results"]] == [
        "HSP"]
    assert api_client.get(f"/api/v1/defaulter-lists/?as_of={as_of}").json()["count"] == 2
    assert api_client.get("/api/v1/defaulter-lists/?as_of=2001-01-01").json()["count"] == 0
    assert api_client.get("/api/v1/defaulter-lists/?as_of=yesterday").status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/defaulter-lists/{id}/", "/api/v1/defaulter-lists/{id}/entries/"])
def test_it_answers_404_for_another_divisions_list(api_client, officer, clerk, lists, path):
    other = lists[1]
    for user in (officer, clerk):
        api_client.force_authenticate(user)
        assert api_client.get(path.format(id=other.pk)).status_code == 404
        assert api_client.get(path.format(id=lists[0].pk)).status_code == 200


def test_it_refuses_anonymous_callers(api_client, lists):
    assert api_client.get("/api/v1/defaulter-lists/").status_code in (401, 403)
    assert api_client.get(f"/api/v1/defaulter-lists/{lists[0].pk}/entries/").status_code in (401, 403)


def test_it_gives_the_entries_in_rank_order_with_the_contract_fields(api_client, officer, lists):
    api_client.force_authenticate(officer)

    body = api_client.get(f"/api/v1/defaulter-lists/{lists[0].pk}/entries/").json()

    assert body["count"] == 3
    first = body["results"][0]
    assert {k: first[k] for k in ["account_no", "name", "arrears", "days_overdue", "rank"]} == {
        "account_no": "01000001", "name": "Shyam Lal", "arrears": "250000.00", "days_overdue": 400, "rank": 1}
    assert first["oldest_due_date"] == (lists[0].as_of.fromordinal(lists[0].as_of.toordinal() - 400)).isoformat()
    assert [r["is_protected"] for r in body["results"]] == [False, False, True]


def test_it_filters_entries_by_min_arrears(api_client, officer, lists):
    api_client.force_authenticate(officer)
    url = f"/api/v1/defaulter-lists/{lists[0].pk}/entries/"

    assert [r["account_no"] for r in api_client.get(url + "?min_arrears=40000.00").json()["results"]] == [
        "01000001", "01000002"]
    assert api_client.get(url + "?min_arrears=40000.01").json()["count"] == 1
    assert api_client.get(url + "?min_arrears=lots").status_code == 400


def test_it_paginates_entries_the_drf_way(api_client, officer, lists, monkeypatch):
    from rest_framework.pagination import PageNumberPagination

    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    api_client.force_authenticate(officer)
    url = f"/api/v1/defaulter-lists/{lists[0].pk}/entries/"

    first = api_client.get(url).json()
    assert len(first["results"]) == 2 and first["count"] == 3 and first["previous"] is None
    second = api_client.get(first["next"]).json()
    assert [r["rank"] for r in second["results"]] == [3] and second["next"] is None


def test_it_describes_the_endpoints_in_the_schema(api_client, md):
    api_client.force_authenticate(md)

    schema = api_client.get("/api/schema/?format=json").json()

    assert "/api/v1/defaulter-lists/{id}/entries/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/defaulter-lists/{id}/entries/"]["get"]["parameters"]}
    assert {"min_arrears", "page"} <= params
    list_params = {p["name"] for p in schema["paths"]["/api/v1/defaulter-lists/"]["get"]["parameters"]}
    assert {"division", "as_of"} <= list_params
