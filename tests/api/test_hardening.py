"""Hostile input gets a clear 4xx, never a 500: deep JSON, NUL characters, unknown API paths."""

import json

import pytest
from django.urls import reverse

from tests.defaulters.defaulter_data import defaulter_scene

# Every GET page and endpoint, with every parameter it reads (plus one it doesn't).
GET_PARAMETERS = [
    ("/", ["page"]),
    ("/consumers/", ["q", "status", "division", "page"]),
    ("/consumers/01000001/", ["page"]),
    ("/defaulters/", ["division", "q", "min_arrears", "max_arrears", "bucket", "sort", "page"]),
    ("/defaulters/{list}/", ["q", "min_arrears", "max_arrears", "bucket", "sort", "page"]),
    ("/defaulters/{list}/print/", ["q", "sort"]),
    ("/defaulters/{list}/defaulters.csv", ["q", "sort"]),
    ("/defaulters/{list}/defaulters.xlsx", ["q", "sort"]),
    ("/imports/", ["page"]),
    ("/admin/accounts/user/", ["q", "role", "o"]),
    ("/admin/arrears/consumer/", ["q", "division__code__exact", "o"]),
    ("/admin/axes/accessattempt/", ["q"]),
    ("/api/v1/divisions/", ["page"]),
    ("/api/v1/consumers/", ["q", "division", "status", "page"]),
    ("/api/v1/consumers/01000001/ledger/", ["page"]),
    ("/api/v1/defaulter-lists/", ["division", "as_of", "page"]),
    ("/api/v1/defaulter-lists/{list}/entries/", ["min_arrears", "page"]),
    ("/api/schema/", ["format", "lang"]),
]


@pytest.fixture
def scene(rtp, hsp):
    return defaulter_scene(rtp, hsp)[0]


@pytest.mark.parametrize("path, parameters", GET_PARAMETERS, ids=[p for p, _ in GET_PARAMETERS])
def test_it_refuses_a_nul_in_any_query_parameter(client, it_admin, scene, path, parameters):
    client.force_login(it_admin)
    url = path.format(list=scene.pk)
    for name in [*parameters, "unknown"]:
        response = client.get(f"{url}?{name}=ab%00cd")
        assert response.status_code == 400, f"{url}?{name}=%00: {response.status_code}"
        assert b"NUL" in response.content
        name_nul = client.get(f"{url}?{name}%00=1")
        assert name_nul.status_code == 400, f"{url}?{name}%00=1: {name_nul.status_code}"


def test_it_answers_the_api_nul_refusal_in_json(api_client, clerk):
    api_client.force_authenticate(clerk)
    response = api_client.get("/api/v1/consumers/?q=%00")
    assert response.status_code == 400
    # The one shape of every 400 (core.api_docs.FieldErrors): the parameter named with its message.
    assert response.json() == {"q": ["must not hold a NUL character"]}


def test_it_names_no_parameter_for_a_nul_in_a_parameters_name(api_client, clerk):
    api_client.force_authenticate(clerk)
    response = api_client.get("/api/v1/consumers/?q%00=1")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["a parameter's name holds a NUL character"]}


def test_it_answers_the_api_nul_refusal_in_the_requests_language(api_client, clerk):
    api_client.force_authenticate(clerk)
    response = api_client.get("/api/v1/consumers/?q=%00", HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 400
    assert list(response.json()) == ["q"]
    assert "NUL" in response.json()["q"][0] and response.json()["q"][0] != "must not hold a NUL character"


@pytest.mark.parametrize("path", [
    "/consumers/%00/", "/consumers/0100%000001/", "/consumers/%00/pay/",
    "/api/v1/consumers/%00/", "/api/v1/consumers/%00/ledger/", "/defaulters/%00/",
])
def test_it_answers_404_to_a_nul_in_the_path(client, it_admin, scene, path):
    client.force_login(it_admin)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("account_no", ["1234567", "1234567890123", "0100000a", "01000001 "])
def test_it_answers_404_to_a_path_that_is_no_account_number(client, it_admin, scene, account_no):
    client.force_login(it_admin)
    assert client.get(f"/consumers/{account_no}/").status_code == 404
    assert client.get(f"/api/v1/consumers/{account_no}/").status_code == 404


def test_it_still_serves_a_consumer_by_account_number(client, it_admin, scene):
    client.force_login(it_admin)
    assert client.get(reverse("consumer-detail", args=["01000001"])).status_code == 200
    assert client.get(reverse("api-consumer", args=["01000001"])).json()["account_no"] == "01000001"


def test_it_refuses_a_nul_in_a_posted_form_field(client, clerk, scene):
    client.force_login(clerk)
    response = client.post(reverse("payment-take", args=["01000001"]),
                           {"amount": "100.00", "mode": "cash", "receipt_no": "R-\x00-1"})
    assert response.status_code == 400  # the page again, with the form's error
    assert "Null characters are not allowed." in response.content.decode()


def test_it_refuses_a_nul_in_a_json_field(api_client, clerk, scene):
    api_client.force_authenticate(clerk)
    response = api_client.post("/api/v1/payments/", {"account_no": "01000001", "amount": "100.00", "mode": "cash",
                                                     "receipt_no": "R-\x00-1"}, format="json")
    assert response.status_code == 400
    assert "receipt_no" in response.json()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [40, 5_000, 100_000])
def test_it_refuses_deeply_nested_json(api_client, clerk, depth):
    api_client.force_authenticate(clerk)
    body = '{"account_no": "01000001", "amount": "1.00", "mode": "cash", "receipt_no": ' + nested(depth) + "}"
    response = api_client.post("/api/v1/payments/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["non_field_errors"][0]


def test_it_refuses_deeply_nested_json_at_the_token_endpoint(api_client, db):
    response = api_client.post("/api/v1/auth/token/", nested(5_000), content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["non_field_errors"][0]


def test_it_refuses_a_json_body_over_the_size_limit(api_client, clerk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": clerk.username, "password": "x" * 2000})
    response = api_client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Bad request."]}


def test_it_does_not_count_brackets_inside_json_strings():
    from io import BytesIO

    from core.parsers import JSONParser

    body = json.dumps({"receipt_no": "[{" * 500, "nested": [[{"a": ["]"]}]]}).encode()
    assert JSONParser().parse(BytesIO(body))["receipt_no"] == "[{" * 500


def test_it_still_reads_ordinary_json(api_client, clerk, password):
    response = api_client.post("/api/v1/auth/token/", {"username": clerk.username, "password": password},
                               format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/consumers/01000001/nope/", "/api/nope",
                                  "/api/v2/divisions/"])
def test_it_answers_json_404_for_an_unknown_api_path(api_client, clerk, path):
    api_client.force_authenticate(clerk)
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_it_keeps_the_html_404_for_pages(client, clerk):
    client.force_login(clerk)
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_it_answers_json_500_for_an_api_path(client, clerk, monkeypatch):
    from accounts import api

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.DivisionListApi, "get_queryset", broken)
    client.raise_request_exception = False
    client.force_login(clerk)
    response = client.get("/api/v1/divisions/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_it_serves_the_schema_and_docs_only_after_login(client, clerk, path):
    anonymous = client.get(path)
    if path == "/api/schema/":
        assert anonymous.status_code in (401, 403)
    else:
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("login"))
    client.force_login(clerk)
    assert client.get(path).status_code == 200


def test_it_refuses_the_schema_to_an_anonymous_api_client(api_client, clerk):
    assert api_client.get("/api/schema/").status_code == 401


def test_it_still_redirects_an_api_path_without_its_slash(api_client, clerk):
    api_client.force_authenticate(clerk)
    response = api_client.get("/api/v1/divisions")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/divisions/"
