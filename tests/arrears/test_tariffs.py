"""Consumer categories as the billing system writes them: UPPCL rate schedules and their broad group."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from arrears.models import Consumer
from arrears.tariffs import CATEGORY_GROUPS, RATE_SCHEDULES
from tests.factories import make_consumer

HEADER = "account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n"

# Every code of the contract (DESIGN.md, "CSV formats") and the group it must fall in.
CONTRACT = {
    "LMV-1": "domestic", "LMV-2": "commercial", "LMV-3": "government", "LMV-4": "institutional",
    "LMV-4A": "institutional", "LMV-4B": "institutional", "LMV-5": "agricultural", "LMV-6": "industrial",
    "LMV-7": "government", "LMV-8": "agricultural", "LMV-9": "commercial", "LMV-10": "domestic",
    "LMV-11": "commercial", "HV-1": "commercial", "HV-2": "industrial", "HV-3": "government",
    "HV-4": "agricultural",
}
GROUPS = ["domestic", "commercial", "industrial", "institutional", "agricultural", "government"]

# The shape of a real export from the billing system: a byte-order mark, Windows line ends,
# every field quoted, Hindi addresses with commas, loads with two decimals.
BILLING_EXPORT = (
    "\ufeff" + HEADER.replace("\n", "\r\n")
    + '"00104521","RAM KUMAR GUPTA","117/412, काकादेव, कानपुर","RTP","LMV-1","2.00","9415012345","KN10452100","0"\r\n'
    + '"00104522","M/S SHYAM GENERAL STORE","88/12 Ratanpur Colony","RTP","LMV-2","5.00","","KN10452200","0"\r\n'
    + '"00104523","SUPERINTENDENT, GOVT. INTER COLLEGE","Panki Road","RTP","LMV-4A","45.00","","KN10452300","1"\r\n'
    + '"00104524","KANPUR TANNERS PVT LTD","Site 2, Panki Industrial Area","RTP","HV-2","450.00","05122345678",'
      '"KN10452400","0"\r\n'
    + '"00104525","RAMESH YADAV","ग्राम बिनगवाँ, कानपुर","RTP","LMV-5","7.50","","KN10452500","0"\r\n'
    + '"00104526","NAGAR NIGAM STREET LIGHTS","Ward 12","RTP","LMV-3","20.00","","KN10452600","0"\r\n'
    + '"00104527","JAL SANSTHAN PUMPING STATION","Benajhabar","RTP","LMV-7","150.00","","KN10452700","1"\r\n'
    + '"00104528","VERMA AUTO PARTS","Dada Nagar","RTP","LMV-6","35.00","","KN10452800","0"\r\n'
)


def _write(tmp_path, rows: list[str], name: str = "consumers.csv") -> str:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def _row(account_no: str, category: str) -> str:
    return f"{account_no},Ram Prasad,Ratanpur,RTP,{category},2,,M{account_no},0\n"


def _import_errors(capsys, path: str) -> list[str]:
    capsys.readouterr()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_consumers", path)
    return capsys.readouterr().err.splitlines()


def test_it_knows_every_code_of_the_contract_and_its_group():
    assert {s.code: s.group.value for s in RATE_SCHEDULES} == CONTRACT


def test_it_imports_every_rate_schedule_with_its_group(rtp, tmp_path):
    codes = list(CONTRACT)
    call_command("import_consumers", _write(tmp_path, [_row(f"{10_000_000 + n}", c) for n, c in enumerate(codes)]))
    stored = dict(Consumer.objects.values_list("category", "category_group"))
    assert stored == CONTRACT  # the code kept as given, the group derived


def test_it_accepts_the_broad_words_as_their_own_group(rtp, tmp_path):
    # "domestic " as well: the reader strips every value.
    categories = [*GROUPS, "domestic "]
    call_command("import_consumers", _write(tmp_path, [_row(f"{20_000_000 + n}", c)
                                                       for n, c in enumerate(categories)]))
    rows = list(Consumer.objects.order_by("account_no").values_list("category", "category_group"))
    assert rows == [(g, g) for g in GROUPS] + [("domestic", "domestic")]


def test_it_refuses_anything_else_by_line_and_writes_nothing(rtp, tmp_path, capsys):
    refused = ["LMV-12", "lmv1", "HV-5", "lmv-1", "LMV 1", "Domestic", "LMV-4C"]
    path = _write(tmp_path, [_row("30000000", "LMV-1")] + [_row(f"{30_000_001 + n}", c)
                                                          for n, c in enumerate(refused)])
    accepted = ("a UPPCL rate schedule (LMV-1 to LMV-11, LMV-4A, LMV-4B, HV-1 to HV-4) or a broad group"
                " (domestic, commercial, industrial, institutional, agricultural, government)")
    assert _import_errors(capsys, path) == [f"line {n}: category: not {accepted}: {c}"
                                            for n, c in enumerate(refused, start=3)]
    assert not Consumer.objects.exists()


def test_it_imports_a_billing_export_using_the_codes(rtp, tmp_path, capsys):
    path = tmp_path / "CONSUMER_MASTER_RTP.csv"
    path.write_bytes(BILLING_EXPORT.encode("utf-8"))
    call_command("import_consumers", str(path))
    assert "8 created" in capsys.readouterr().out
    by_account = {c.account_no: c for c in Consumer.objects.all()}
    assert by_account["00104521"].category == "LMV-1"
    assert by_account["00104521"].address == "117/412, काकादेव, कानपुर"
    assert [by_account[a].category_group for a in sorted(by_account)] == [
        "domestic", "commercial", "institutional", "industrial", "agricultural", "government", "government",
        "industrial"]
    assert by_account["00104523"].is_protected
    # Again: nothing changes.
    call_command("import_consumers", str(path))
    assert "0 created, 0 updated, 8 unchanged" in capsys.readouterr().out


def test_it_rederives_the_group_when_the_billing_system_moves_a_consumer_to_another_schedule(rtp, tmp_path):
    call_command("import_consumers", _write(tmp_path, [_row("40000000", "domestic")], "old.csv"))
    call_command("import_consumers", _write(tmp_path, [_row("40000000", "LMV-2")], "new.csv"))
    consumer = Consumer.objects.get(account_no="40000000")
    assert (consumer.category, consumer.category_group) == ("LMV-2", "commercial")


def test_it_holds_every_writer_to_the_accepted_categories(rtp):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_consumer(rtp, category="LMV-12")
    consumer = make_consumer(rtp, category="HV-3")
    consumer.refresh_from_db()
    assert consumer.category_group == "government"
    assert set(CATEGORY_GROUPS.values()) == set(GROUPS)


def test_it_filters_the_admin_list_by_group(client, officer, rtp):
    make_consumer(rtp, account_no="50000001", name="Verma Auto Parts", category="LMV-6")
    make_consumer(rtp, account_no="50000002", name="Kanpur Tanners", category="HV-2")
    make_consumer(rtp, account_no="50000003", name="Ram Prasad", category="LMV-1")
    client.force_login(officer)
    response = client.get(reverse("admin:arrears_consumer_changelist"), {"category_group__exact": "industrial"})
    assert response.status_code == 200
    assert b"50000001" in response.content and b"50000002" in response.content
    assert b"50000003" not in response.content


def test_it_filters_the_consumer_search_by_group(client, officer, rtp):
    make_consumer(rtp, account_no="50000001", name="Ramesh Yadav", category="LMV-5")
    make_consumer(rtp, account_no="50000002", name="Ram Prasad", category="LMV-1")
    client.force_login(officer)
    response = client.get(reverse("consumer-list"), {"category_group": "agricultural"})
    assert b"50000001" in response.content and b"50000002" not in response.content
    assert "LMV-5 · Agricultural" in response.content.decode()


def test_it_shows_the_code_and_the_group_on_the_consumer_page(client, officer, rtp):
    make_consumer(rtp, account_no="50000001", category="LMV-4A")
    client.force_login(officer)
    page = client.get(reverse("consumer-detail", args=["50000001"])).content.decode()
    assert "LMV-4A · public institutions" in page and "(Institutional)" in page


def test_it_answers_the_code_and_the_group_in_the_api(client, officer, rtp):
    make_consumer(rtp, account_no="50000001", category="LMV-11")
    client.force_login(officer)
    body = client.get("/api/v1/consumers/50000001/").json()
    assert (body["category"], body["category_group"]) == ("LMV-11", "commercial")
