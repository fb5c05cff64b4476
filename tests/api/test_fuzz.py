"""The API answers as its schema says, whatever is sent: a property-based fuzzer (Schemathesis) calls every
operation as a user of each role and checks each answer against the published schema (DESIGN.md, REST API).

The checks: no 5xx (`not_a_server_error`), only documented statuses (`status_code_conformance`: no
undocumented 404 for `?page=0`) and each body in its documented shape (`response_schema_conformance`: one
400 shape, field errors, for every 400). Positive and negative inputs, the coverage phase's boundary values
(`page=0`, a NUL in a string) included. Bounded: under a minute and a half on CI's two cores.
"""

import json
from datetime import timedelta

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from tests.factories import add_entry, make_consumer, make_division, make_user

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

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
def world(db, keep_connection):
    """A division with a defaulter on its latest list, so that lists answer records to check, not only []."""
    from defaulters.services import defaulter_lists_build

    division = make_division("RTP", "Ratanpur")
    consumer = make_consumer(division, account_no="00012345")
    today = timezone.localdate()
    add_entry(consumer, "BILL", "25000.00", today - timedelta(days=60), today - timedelta(days=45))
    defaulter_lists_build(as_of=today, trigger="command")
    return division


@pytest.fixture(params=["clerk", "officer", "md", "admin"])
def token(request, world):
    user = make_user(f"fuzz_{request.param}", request.param, world if request.param in ("clerk", "officer") else None)
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_as_its_schema_documents(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
