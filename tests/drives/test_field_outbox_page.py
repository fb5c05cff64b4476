"""The outbox page /field/outbox/ through the test client: a shell for the field app (the records are on the
phone, static/js/field/app.js lists them), for those who work in the field; its words in the clerk's language."""

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def page_of(user, *, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get("/field/outbox/")


def test_the_outbox_page_is_a_shell_the_field_app_fills(clerk):
    response = page_of(clerk)
    assert response.status_code == 200
    page = response.content.decode()
    for hook in ("data-outbox-page", "data-outbox-attention", "data-outbox-waiting", "data-outbox-audit",
                 'dialog class="outbox-delete"', "data-delete-yes", "data-delete-no", 'data-user="clerk_rtp"'):
        assert hook in page
    # The outbox's scripts in order, each once, after the IndexedDB they use; no longer the localStorage queue.
    scripts = [s.rsplit("/", 1)[1] for s in re.findall(r'<script src="([^"]+)"', page)]
    ours = [s for s in scripts if s in ("idb.umd.js", "db.js", "outbox.js", "app.js")]
    assert ours == ["idb.umd.js", "db.js", "outbox.js", "app.js"]
    assert "field_queue" not in page


def test_every_field_page_carries_the_outbox_words(clerk):
    client = Client()
    client.force_login(clerk)
    page = client.get("/field/").content.decode()
    for name in ("waiting", "sending-of", "last-sent", "attention", "not-sent", "login-as", "send-again",
                 "other-number", "attach", "without-stop", "handover", "delete"):
        assert f"data-msg-{name}=" in page
    assert 'data-outbox-url="/field/outbox/"' in page


def test_the_outbox_speaks_hindi(clerk):
    page = page_of(clerk, language="hi").content.decode()
    assert "ध्यान देना ज़रूरी" in page  # Needs attention
    assert 'data-msg-send-again="फिर से भेजें"' in page
    assert "{k}" in page and "{n}" in page  # the placeholders the script fills stay untranslated


def test_only_field_workers_open_it(md):
    assert page_of(md).status_code == 403
    assert Client().get("/field/outbox/").status_code == 302
