"""A page that is not one (`?page=0`, `-1`, `abc`, past the last) is a 400 on `page` in the one shape of every
400, not DRF's undocumented 404 "Invalid page." (issue 21, item 12)."""

import json

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.pagination import PageNumberPagination

from tests.factories import make_consumer


@pytest.fixture(scope="module")
def schema():
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))


def _field_errors(schema) -> dict:
    return {**schema["components"]["schemas"]["FieldErrors"], "components": schema["components"]}


@pytest.fixture
def three_pages(rtp, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    for _ in range(5):
        make_consumer(rtp)


@pytest.mark.parametrize("page", ["0", "-1"])
def test_it_answers_a_page_below_1_with_a_400_on_page(api_client, clerk, three_pages, schema, page):
    api_client.force_authenticate(clerk)
    response = api_client.get(f"/api/v1/consumers/?page={page}")
    assert response.status_code == 400
    assert response.json() == {"page": ["must be a whole number, 1 or more"]}
    jsonschema.validate(response.json(), _field_errors(schema))


@pytest.mark.parametrize("page", ["abc", "1.5", "%20"])
def test_it_answers_a_page_that_is_no_number_with_a_400_on_page(api_client, clerk, three_pages, page):
    api_client.force_authenticate(clerk)
    response = api_client.get(f"/api/v1/consumers/?page={page}")
    assert response.status_code == 400
    assert response.json() == {"page": ["must be a whole number, 1 or more"]}


def test_it_answers_a_page_past_the_last_with_a_400_saying_how_many_there_are(api_client, clerk, three_pages):
    api_client.force_authenticate(clerk)
    response = api_client.get("/api/v1/consumers/?page=4")
    assert response.status_code == 400
    assert response.json() == {"page": ["past the last page: there are 3"]}


def test_it_still_answers_the_pages_there_are(api_client, clerk, three_pages):
    api_client.force_authenticate(clerk)
    assert len(api_client.get("/api/v1/consumers/?page=3").json()["results"]) == 1
    assert len(api_client.get("/api/v1/consumers/?page=last").json()["results"]) == 1
    assert api_client.get("/api/v1/consumers/").json()["count"] == 5


def test_it_answers_an_empty_list_on_its_first_page(api_client, clerk, rtp):
    api_client.force_authenticate(clerk)
    assert api_client.get("/api/v1/payments/?page=1").json()["results"] == []


def test_it_says_the_page_error_in_the_requests_language(api_client, clerk, three_pages):
    api_client.force_authenticate(clerk)
    response = api_client.get("/api/v1/consumers/?page=0", HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 400
    assert response.json()["page"][0] != "must be a whole number, 1 or more"


def test_it_documents_the_page_from_1_and_its_400_on_every_list(schema):
    lists = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            page = [p for p in operation.get("parameters", []) if p["name"] == "page" and p["in"] == "query"]
            if not page:
                continue
            lists += 1
            assert page[0]["schema"] == {"type": "integer", "minimum": 1}, f"{method} {path}"
            bad = operation["responses"]["400"]
            assert bad["content"]["application/json"]["schema"]["$ref"].endswith("/FieldErrors"), f"{method} {path}"
            assert "`page`" in bad["description"]
            assert "404" not in operation["responses"] or "{" in path, f"{method} {path}: a list is not a 404"
    assert lists >= 10


def test_it_documents_one_400_shape_for_every_operation(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            bad = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert bad == {"$ref": "#/components/schemas/FieldErrors"}, f"{method} {path}"


def test_its_400_shape_takes_no_bare_string(schema):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"code": "nul_character", "detail": "…"}, _field_errors(schema))
    jsonschema.validate({"non_field_errors": ["Bad request."]}, _field_errors(schema))
    jsonschema.validate({"clerks": {"1": ["not a clerk"]}}, _field_errors(schema))
