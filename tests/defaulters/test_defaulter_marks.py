"""The defaulter list still lists a consumer kept from a cut (the law's threshold), marked "in OTS", "on a plan" or
"promised to pay": on the page, the field sheet, the API's entries (``settlement``) and the exports (issue 22).
Defaulters asks settlements through defaulters.signals.defaulter_marks; it never reads it."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from core.dates import india_today
from core.models import Source
from defaulters.signals import defaulter_marks, defaulter_marks_for
from payments.services import payment_record
from settlements.services import plan_grant, promise_record, settlement_register
from tests.defaulters.defaulter_data import defaulter_scene
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(rtp, hsp, officer, clerk):
    """Today's lists; Shyam Lal (01000001) has promised to pay, Geeta Devi (01000002) is on a plan, Kamla Devi
    (01000009) registered in the OTS; the hospital (01000003) is none of them."""
    scheme = open_scheme()
    kamla = owing(rtp, principal="30000.00", surcharge="1000.00", before=scheme.dues_cutoff, account_no="01000009",
                  name="Kamla Devi", address="9 Juhi Kalan, Kanpur")
    lists = defaulter_scene(rtp, hsp)
    promise_record(user=officer, account_no="01000001", amount=Decimal("50000.00"),
                   due_on=india_today() + timedelta(days=7), reason="selling a plot")
    plan_grant(user=officer, account_no="01000002", instalments=6, reason="widow; pays monthly")
    payment_record(user=clerk, account_no=kamla.account_no, amount=Decimal("9000.00"), mode="cash",
                   receipt_no="RTP-DEP-9", source=Source.WEB)
    settlement_register(user=clerk, account_no=kamla.account_no, scheme=scheme, plan="instalments",
                        deposit_receipt_no="RTP-DEP-9")
    return lists[0]


MARKS = {"01000001": "promise", "01000002": "plan", "01000003": None, "01000009": "ots"}
WORDS = {"01000001": "promised to pay", "01000002": "on a plan", "01000003": "", "01000009": "in OTS"}


def test_the_page_marks_each_kept_consumer_with_a_badge(client, officer, marked):
    client.force_login(officer)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/defaulters/").content.decode()

    for mark, words in (("promise", "promised to pay"), ("plan", "on a plan"), ("ots", "in OTS")):
        assert re.search(rf'data-settlement="{mark}"[^>]*>{words}<', page), mark
    assert page.count("settlement-mark") == 3
    # The page's consumers asked about at once: the same few queries whatever the number marked.
    asked = [q for q in queries.captured_queries if "settlements_" in q["sql"]]
    assert len(asked) <= 2


def test_the_field_sheet_says_do_not_cut(client, officer, marked):
    client.force_login(officer)

    sheet = client.get(f"/defaulters/{marked.pk}/print/").content.decode()

    assert "in OTS: do not cut" in sheet and "on a plan: do not cut" in sheet


def test_the_api_entries_carry_the_mark(api_client, officer, marked):
    api_client.force_authenticate(officer)

    entries = api_client.get(f"/api/v1/defaulter-lists/{marked.pk}/entries/").json()["results"]

    assert {e["account_no"]: e["settlement"] for e in entries} == MARKS


def test_the_exports_have_a_settlement_column_in_the_users_language(client, officer, marked):
    client.force_login(officer)

    rows = list(csv.reader(io.StringIO(b"".join(
        client.get(f"/defaulters/{marked.pk}/defaulters.csv").streaming_content).decode("utf-8-sig"))))
    sheet = list(load_workbook(io.BytesIO(client.get(f"/defaulters/{marked.pk}/defaulters.xlsx").content))
                 .active.iter_rows(values_only=True))

    assert rows[0][-1] == sheet[0][-1] == "Settlement"
    assert {r[1]: r[-1] for r in rows[1:]} == WORDS
    assert {r[1]: r[-1] or "" for r in sheet[1:]} == WORDS

    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    hindi = list(csv.reader(io.StringIO(b"".join(
        client.get(f"/defaulters/{marked.pk}/defaulters.csv").streaming_content).decode("utf-8-sig"))))
    with translation.override("hi"):
        assert hindi[0][-1] == translation.gettext("Settlement") != "Settlement"
        assert {r[1]: r[-1] for r in hindi[1:]}["01000009"] == translation.gettext("in OTS") != "in OTS"


def test_a_mark_nobody_answers_is_none_and_a_stray_answer_is_dropped(marked):
    def stray(sender, *, consumer_ids, **kwargs):
        return {consumer_ids[0]: "free-lunch"}

    defaulter_marks.connect(stray, dispatch_uid="test.stray")
    try:
        marks = defaulter_marks_for(marked.entries.values_list("consumer_id", flat=True))
    finally:
        defaulter_marks.disconnect(dispatch_uid="test.stray")
    assert sorted(marks.values()) == ["ots", "plan", "promise"]
    assert defaulter_marks_for([]) == {}
