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
def keep_connection():
    # As Django's test client does: the WSGI handler would close the test's connection,
    # and with it the transaction the test runs in.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_connection):
    division = make_division("RTP", "Ratanpur")
    make_consumer(division, account_no="00012345")
    clerk = make_user("fuzz_clerk", "clerk", division)
    return Token.objects.create(user=clerk).key


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_answers_5xx(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
