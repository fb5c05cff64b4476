"""Every API endpoint as every role: who may read or write what (404 outside the division)."""

from datetime import date

import pytest

from tests.factories import add_entry, make_consumer

ROLES = ["anonymous", "md", "it_admin", "officer", "clerk", "other_officer", "other_clerk"]

# (method, path, body, expected status per role in ROLES order)
TABLE = [
    ("get", "/api/v1/divisions/", None, [401, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/consumers/", None, [401, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/consumers/00012345/", None, [401, 200, 200, 200, 200, 404, 404]),
    ("get", "/api/v1/consumers/00012345/ledger/", None, [401, 200, 200, 200, 200, 404, 404]),
    ("post", "/api/v1/payments/", {"account_no": "00012345", "amount": "100.00", "mode": "cash"},
     [401, 403, 201, 201, 201, 404, 404]),
]


@pytest.fixture
def world(rtp, hsp, md, it_admin, officer, clerk, other_officer, other_clerk):
    consumer = make_consumer(rtp, account_no="00012345")
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return {"md": md, "it_admin": it_admin, "officer": officer, "clerk": clerk, "other_officer": other_officer,
            "other_clerk": other_clerk}


@pytest.mark.parametrize("method, path, body, expected", TABLE, ids=[f"{m} {p}" for m, p, _b, _e in TABLE])
def test_it_enforces_access_for_every_role(api_client, world, method, path, body, expected):
    for role, status in zip(ROLES, expected, strict=True):
        api_client.force_authenticate(world.get(role))
        data = {**body, "receipt_no": f"PERM-{role}"} if body else None
        response = getattr(api_client, method)(path, data, format="json")
        assert response.status_code == status, f"{role}: {method.upper()} {path} -> {response.status_code}"
