"""The API schema survives a property-based fuzzer: no 5xx, whatever is sent (DESIGN.md)."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from tests.factories import make_consumer, make_division, make_user

# The schema as /api/schema/ serves it, made without a request (collection has no database).
_document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
schema = schemathesis.openapi.from_dict(_document)
schema.app = get_wsgi_application()


@pytest.fixture
def token(db):
    division = make_division("RTP", "Ratanpur")
    make_consumer(division, account_no="00012345")
    clerk = make_user("fuzz_clerk", "clerk", division)
    return Token.objects.create(user=clerk).key


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_answers_5xx(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
