"""Every page says what it may load (Content-Security-Policy), and nothing for a logged-in user is cached."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.authtoken.models import Token

from tests.defaulters.defaulter_data import defaulter_scene

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    # The offline field app: its service worker (/sw.js) and web manifest, from this site only.
    "worker-src": "'self'",
    "manifest-src": "'self'",
}


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.fixture
def scene(rtp, hsp):
    return defaulter_scene(rtp, hsp)[0]


@pytest.mark.parametrize("path", ["/login/", "/", "/consumers/", "/consumers/01000001/", "/defaulters/",
                                  "/defaulters/{list}/print/", "/imports/", "/admin/", "/admin/arrears/consumer/",
                                  "/api/docs/", "/api/v1/divisions/", "/nothing-here/"])
def test_it_sends_the_content_security_policy_on_every_page(client, it_admin, scene, path):
    if path != "/login/":
        client.force_login(it_admin)
    response = client.get(path.format(list=scene.pk))
    assert response.status_code in (200, 404)
    assert policy_of(response) == POLICY


# An inline <script> or an on…= attribute is blocked by the policy: the page would silently break.
# A script element without src, but a data block (json_script: type="application/json", never run by a browser).
INLINE_SCRIPT = re.compile(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>|\son[a-z]+\s*=|javascript:',
                           re.IGNORECASE)


def test_it_has_no_inline_script_in_any_template():
    offenders = [f"{path}: {match.group(0)}" for path in Path(django_settings.BASE_DIR, "templates").rglob("*.html")
                 for match in INLINE_SCRIPT.finditer(path.read_text())]
    assert offenders == []


@pytest.mark.parametrize("path", ["/", "/consumers/01000001/", "/defaulters/{list}/print/", "/api/docs/",
                                  "/admin/arrears/consumer/"])
def test_it_renders_pages_without_inline_script(client, it_admin, scene, path):
    client.force_login(it_admin)
    page = client.get(path.format(list=scene.pk)).content.decode()
    assert INLINE_SCRIPT.findall(page) == []


def test_it_serves_the_swagger_ui_start_up_script_as_a_file(client, clerk):
    client.force_login(clerk)
    page = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1)
    response = client.get(script_url.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize("path", ["/", "/consumers/", "/consumers/01000001/", "/defaulters/",
                                  "/defaulters/{list}/defaulters.csv", "/defaulters/{list}/defaulters.xlsx",
                                  "/defaulters/{list}/print/", "/api/v1/consumers/", "/api/schema/",
                                  "/admin/arrears/consumer/"])
def test_it_forbids_caching_anything_for_a_logged_in_user(client, officer, scene, path):
    client.force_login(officer)
    response = client.get(path.format(list=scene.pk))
    assert response.status_code == 200
    assert no_store(response), response.get("Cache-Control")


def test_it_forbids_caching_an_api_answer_to_a_token(api_client, clerk, scene):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")
    response = api_client.get("/api/v1/consumers/01000001/")
    assert response.status_code == 200
    assert no_store(response), response.get("Cache-Control")


def test_it_forbids_caching_a_new_token(api_client, clerk, password):
    response = api_client.post("/api/v1/auth/token/", {"username": clerk.username, "password": password},
                               format="json")
    assert "no-store" in response["Cache-Control"]


def test_it_keeps_a_views_own_caching(client, it_admin):
    client.force_login(it_admin)
    response = client.get("/admin/")  # never_cache: no-cache, no-store, must-revalidate
    assert "must-revalidate" in response["Cache-Control"]

