"""Consumer search and the consumers list: exact numbers, part of a name in English or Hindi, the user's
division only, the biggest arrears first; on PostgreSQL each search is an index lookup."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from arrears.models import Consumer, EntryKind
from arrears.selectors import consumers_search
from tests.factories import add_entry, make_consumer


def _owing(consumer, amount: str):
    billed = timezone.localdate() - timedelta(days=60)
    add_entry(consumer, EntryKind.BILL, amount, billed, billed + timedelta(days=15))
    return consumer


@pytest.fixture
def people(rtp, hsp):
    return {
        "ram": _owing(make_consumer(rtp, account_no="01000001", name="Ram Prasad Shukla", phone="9415000001",
                                    meter_no="KN10000001"), "15000.00"),
        "sita": _owing(make_consumer(rtp, account_no="01000002", name="Sita Ram Verma", phone="9415000002",
                                     meter_no="KN10000002"), "42000.00"),
        "hindi": _owing(make_consumer(rtp, account_no="01000003", name="राम प्रसाद शुक्ल", phone="9415000003",
                                      meter_no="KN10000003"), "27000.00"),
        "mohan": make_consumer(rtp, account_no="01000004", name="Mohan Lal Gupta", phone="9415000004",
                               meter_no="KN10000004"),
        "other": _owing(make_consumer(hsp, account_no="02000001", name="Ramesh Prasad Awasthi", phone="9415000009",
                                      meter_no="KN20000001"), "99000.00"),
    }


def _accounts(client, **query) -> list[str]:
    body = client.get(reverse("consumer-list"), query).content.decode()
    return [part.split("/")[0] for part in body.split('href="/consumers/')[1:] if part[:1].isdigit()]


@pytest.mark.parametrize("q", ["01000002", "9415000002", "KN10000002", "94150 00002", "9415-000-002"])
def test_it_finds_one_consumer_by_an_exact_number(client, officer, people, q):
    client.force_login(officer)
    assert _accounts(client, q=q) == ["01000002"]


def test_it_matches_numbers_whole_not_in_part(client, officer, people):
    client.force_login(officer)
    assert _accounts(client, q="0100000") == []
    assert _accounts(client, q="941500000") == []


@pytest.mark.parametrize(("q", "expected"), [
    ("prasad", ["01000001"]),
    ("RAM", ["01000002", "01000001"]),
    ("ram ver", ["01000002"]),
    ("राम", ["01000003"]),
    ("प्रसाद शु", ["01000003"]),
])
def test_it_finds_part_of_a_name_in_english_or_hindi_biggest_arrears_first(client, officer, people, q, expected):
    client.force_login(officer)
    assert _accounts(client, q=q) == expected


@pytest.mark.parametrize(("q", "expected"), [
    ("ve", ["01000002"]),  # Verma; not the "ve" inside no one's name
    ("Ra", ["01000002", "01000001"]),  # Sita Ram, Ram Prasad; not the "ra" inside Prasad alone
    ("sh", ["01000001"]),  # Shukla
    ("रा", ["01000003"]),
])
def test_it_takes_one_or_two_letters_as_the_start_of_a_word(client, officer, people, q, expected):
    client.force_login(officer)
    assert _accounts(client, q=q) == expected


def test_it_finds_only_the_officers_division_and_every_division_for_the_md(client, officer, md, people):
    client.force_login(officer)
    assert _accounts(client, q="prasad") == ["01000001"]
    assert _accounts(client, q="9415000009") == []
    client.force_login(md)
    assert _accounts(client, q="prasad") == ["02000001", "01000001"]
    assert _accounts(client, q="9415000009") == ["02000001"]


@pytest.mark.parametrize("gathered", [5_000, 2])
def test_it_lists_consumers_by_arrears_highest_first_then_by_account(client, officer, md, people, rtp, gathered,
                                                                     monkeypatch):
    monkeypatch.setattr("arrears.selectors.CONSUMERS_GATHERED", gathered)
    make_consumer(rtp, account_no="01000000", name="Zero Arrears")
    client.force_login(officer)
    assert _accounts(client) == ["01000002", "01000003", "01000001", "01000000", "01000004"]
    client.force_login(md)
    assert _accounts(client)[:2] == ["02000001", "01000002"]


@pytest.mark.parametrize("gathered", [5_000, 2])  # the matches put in order by id, or read off the ordered query
def test_it_lists_the_first_matches_when_there_are_too_many(client, officer, people, monkeypatch, gathered):
    monkeypatch.setattr("arrears.selectors.CONSUMERS_LISTED", 2)
    monkeypatch.setattr("arrears.selectors.CONSUMERS_GATHERED", gathered)
    client.force_login(officer)
    page = client.get(reverse("consumer-list")).content.decode()
    assert "More than 2 consumers: the first 2, highest arrears first." in page
    assert _accounts(client) == ["01000002", "01000003"]
    assert _accounts(client, q="ram") == ["01000002", "01000001"]


def test_it_answers_the_api_search_in_the_same_order(api_client, officer, people):
    api_client.force_authenticate(officer)
    body = api_client.get("/api/v1/consumers/", {"q": "ram"}).json()
    assert [row["account_no"] for row in body["results"]] == ["01000002", "01000001"]
    assert (body["count"], body["count_capped"]) == (2, False)  # below the cap: the exact count
    body = api_client.get("/api/v1/consumers/", {"q": "KN10000003"}).json()
    assert [row["account_no"] for row in body["results"]] == ["01000003"]


@pytest.fixture
def capped_api(monkeypatch, request):
    """The API listing the first 2 matches (as the page does), a page each."""
    monkeypatch.setattr("arrears.selectors.CONSUMERS_LISTED", 2)
    monkeypatch.setattr("arrears.selectors.CONSUMERS_GATHERED", request.param)
    monkeypatch.setattr("rest_framework.pagination.PageNumberPagination.page_size", 1)


def _page(api_client, **query) -> tuple[list[str], int, bool, str | None, str | None]:
    response = api_client.get("/api/v1/consumers/", query)
    assert response.status_code == 200
    body = response.json()
    return ([row["account_no"] for row in body["results"]], body["count"], body["count_capped"], body["next"],
            body["previous"])


@pytest.mark.parametrize("capped_api", [5_000, 2], indirect=True)  # put in order by id, or off the ordered query
def test_it_caps_the_api_count_as_the_page_does_and_pages_through_the_first_matches(api_client, officer, people,
                                                                                    capped_api):
    api_client.force_authenticate(officer)
    accounts, count, capped, after, before = _page(api_client)  # 4 consumers in RTP
    assert (accounts, count, capped, before) == (["01000002"], 2, True, None)
    assert after == "http://testserver/api/v1/consumers/?page=2"
    accounts, count, capped, after, before = _page(api_client, page=2)
    assert (accounts, count, capped, after) == (["01000003"], 2, True, None)
    assert before == "http://testserver/api/v1/consumers/"
    response = api_client.get("/api/v1/consumers/", {"page": 3})
    assert (response.status_code, response.json()) == (400, {"page": ["past the last page: there are 2"]})
    # Exactly at the cap is not over it: the count is exact.
    assert _page(api_client, q="ram")[1:3] == (2, False)


@pytest.mark.parametrize("capped_api", [5_000, 2], indirect=True)
def test_it_keeps_a_capped_api_search_to_the_officers_division(api_client, officer, md, people, capped_api):
    api_client.force_authenticate(officer)
    assert _page(api_client, q="pra")[:3] == (["01000001"], 1, False)  # not Ramesh Prasad of HSP
    assert _page(api_client, q="9415000009")[:3] == ([], 0, False)
    assert _page(api_client, page=2)[0] == ["01000003"]
    api_client.force_authenticate(md)
    assert _page(api_client, q="pra")[:3] == (["02000001"], 2, False)
    accounts, count, capped, _after, _before = _page(api_client, q="ra")  # Ram, Ramesh, Sita Ram: 3 match
    assert (accounts, count, capped) == (["02000001"], 2, True)


# --- on PostgreSQL: the plans ------------------------------------------------------------

@pytest.fixture
def crowd(people, rtp, hsp):
    """Enough consumers that reading the whole table is dearer than an index, as it is at a million."""
    Consumer.objects.bulk_create(
        Consumer(account_no=f"{3_000_000 + n:08d}", name=f"Consumer {n:05d}", division=rtp if n % 10 == 0 else hsp,
                 category="LMV-1", sanctioned_load_kw="1.00", phone=f"{8_000_000_000 + n}", meter_no=f"M{n:07d}")
        for n in range(4_000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE arrears_consumer")
        # Rows other tests wrote and rolled back still sit in the GIN indexes' pending lists (a rollback does not
        # take them out), which the planner prices as read whole: after enough tests the trigram index looked
        # dearer than walking another, and the plan depended on the order the tests ran in. Fold them in.
        cursor.execute("SELECT gin_clean_pending_list(indexrelid::regclass) FROM pg_index i"
                       " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
                       " WHERE i.indrelid = 'arrears_consumer'::regclass AND a.amname = 'gin'")


def _plan(queryset) -> str:
    return queryset.explain()


@pytest.mark.needs_postgres
@pytest.mark.parametrize("q", ["01000002", "9415000002", "KN10000002"])
def test_it_looks_a_number_up_in_the_account_and_the_phone_and_meter_indexes(crowd, md, q):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as for the trigram index below: the pending list
    plan = _plan(consumers_search(md, q=q)[:50])
    assert all(index in plan for index in ("arrears_consumer_account_no_key", "consumer_numbers")), plan
    assert "Seq Scan on arrears_consumer" not in plan, plan


@pytest.mark.needs_postgres
@pytest.mark.parametrize("q", ["prasad", "प्रसाद"])
def test_it_finds_part_of_a_name_through_the_trigram_index(crowd, md, q):
    with connection.cursor() as cursor:
        # The rows written since the index was built wait in its pending list, which the planner prices
        # as read whole: a test's table is read faster from the heap. At a million, not.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = _plan(consumers_search(md, q=q)[:50])
    assert "consumer_name_trgm" in plan and "Seq Scan on arrears_consumer" not in plan, plan


@pytest.mark.needs_postgres
@pytest.mark.parametrize(("user", "index"), [("officer", "consumer_division_arrears"), ("md", "consumer_arrears")])
def test_it_reads_a_page_of_the_list_in_order_off_an_index(crowd, request, user, index):
    plan = _plan(consumers_search(request.getfixturevalue(user))[:50])
    assert f"Index Scan using {index} " in plan and "Sort" not in plan, plan
