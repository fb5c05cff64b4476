import pytest


def test_it_refuses_anonymous_callers(api_client, db):
    response = api_client.get("/api/v1/divisions/")
    assert response.status_code == 401


def test_it_issues_a_token_that_authenticates(api_client, clerk, password):
    response = api_client.post("/api/v1/auth/token/", {"username": clerk.username, "password": password},
                               format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/divisions/")
    assert response.status_code == 200
    assert response.json()["results"] == [{"code": "RTP", "name": "Ratanpur", "name_hi": "रतनपुर"}]


def test_it_refuses_a_token_for_a_wrong_password(api_client, clerk):
    response = api_client.post("/api/v1/auth/token/", {"username": clerk.username, "password": "nope"},
                               format="json")
    assert response.status_code == 400


def test_it_refuses_a_bad_token(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api_client.get("/api/v1/divisions/").status_code == 401


def test_it_accepts_a_session(client, md, hsp, rtp):
    client.force_login(md)
    body = client.get("/api/v1/divisions/").json()
    assert body["count"] == 2
    assert [d["code"] for d in body["results"]] == ["HSP", "RTP"]


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_it_serves_the_schema_and_docs(client, clerk, path):
    client.force_login(clerk)
    response = client.get(path)
    assert response.status_code == 200


def test_the_docs_load_their_assets_locally(client, clerk):
    client.force_login(clerk)
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
