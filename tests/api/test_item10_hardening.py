"""Issue 18, item 10: what a hostile or careless user sent that answered 500 or was taken as it should not be.
Each 500 is now a clear 4xx or a page with the reason; money is plain ASCII digits everywhere it enters
(core.money); a control or format character (a BEL, a U+202E bidi override) in a name is refused where it
enters (core.text), and the exports drop any an older row still holds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from arrears.models import Consumer
from core.dates import india_today
from core.errors import DomainError, ImportFailed
from core.money import amount_checked
from drives.models import Drive, StopStatus
from imports.pipeline import consumers_import
from payments.models import Payment
from reports.models import Target
from reports.targets import targets_import
from tests.defaulters.defaulter_data import defaulter_scene
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.factories import add_entry, make_consumer

LENIENT_AMOUNTS = ["1_000", "５", "１００", "1e2", "1E2", "+5", ".5", "5.", "Infinity", "NaN", "0x10", "1 000",
                   "٥"]
BIDI = "\u202e"
BEL = "\x07"


@pytest.fixture
def scene(rtp, hsp):
    return defaulter_scene(rtp, hsp)[0]


@pytest.fixture
def drive_day(rtp, officer, clerk):
    """Today's drive of the clerk: Shyam Lal, served a notice a month ago."""
    shyam = defaulter(rtp, "250000.00", account_no="01000001", name="Shyam Lal")
    served(officer, shyam)
    build_list(rtp)
    drive = plan(officer, rtp, [clerk])
    return drive, drive.stops.get()


# --- 500s that are now a clear answer -----------------------------------------------------------------------

@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_it_refuses_a_payments_list_day_it_cannot_count_to(api_client, clerk, day):
    api_client.force_authenticate(clerk)

    response = api_client.get(f"/api/v1/payments/?date={day}")

    assert response.status_code == 400
    assert list(response.json()) == ["date"]


def test_it_still_lists_the_payments_of_a_day(api_client, clerk):
    api_client.force_authenticate(clerk)
    assert api_client.get(f"/api/v1/payments/?date={india_today().isoformat()}").status_code == 200


@pytest.mark.parametrize("day", ["9999-12-20", "0001-01-01"])
def test_it_says_why_it_prints_no_letters_for_a_day_out_of_range(client, officer, drive_day, day):
    drive, _stop = drive_day
    client.force_login(officer)

    response = client.get(f"/drives/{drive.pk}/letters/?served_on={day}")

    assert response.status_code == 302 and response["Location"] == f"/drives/{drive.pk}/letters/"
    page = client.get(response["Location"]).content.decode()
    assert "To be served on: Enter a date from 01-01-1900 to 31-12-2099." in page


@pytest.mark.parametrize("notes", ["cut at the pole\x00", f"cut{BEL}", f"cut {BIDI}eloP"])
def test_it_refuses_a_control_character_in_the_clerk_s_outcome_notes(client, clerk, drive_day, notes):
    _drive, stop = drive_day
    client.force_login(clerk)

    response = client.post(f"/field/stops/{stop.pk}/outcome/", {"outcome": "disconnected:fuse_pulled",
                                                               "notes": notes}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/field/stops/{stop.pk}/"
    assert "notes: must not hold a control or formatting character (U+" in response.content.decode()
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


def test_it_keeps_line_breaks_and_hindi_joiners_in_outcome_notes(client, clerk, drive_day):
    _drive, stop = drive_day
    client.force_login(clerk)
    notes = "मीटर हटाया\r\nक्\u200dष सब-स्टेशन"

    client.post(f"/field/stops/{stop.pk}/outcome/", {"outcome": "disconnected:fuse_pulled", "notes": notes})

    stop.refresh_from_db()
    assert (stop.status, stop.notes) == (StopStatus.DONE, notes)


@pytest.mark.parametrize("notes", [f"cut{BEL}", f"cut {BIDI}eloP"])
def test_it_refuses_a_control_character_in_the_api_s_outcome_notes(api_client, clerk, drive_day, notes):
    drive, stop = drive_day
    api_client.force_authenticate(clerk)

    response = api_client.post(f"/api/v1/drives/{drive.pk}/stops/{stop.pk}/outcome/",
                               {"outcome": "disconnected", "method": "fuse_pulled", "notes": notes}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["notes"]
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


def summary_of(api_client, user, day):
    api_client.force_authenticate(user)
    return api_client.get(f"/api/v1/reports/summary/?from={day.isoformat()}&to={day.isoformat()}")


def test_it_answers_an_achievement_against_a_one_rupee_target(api_client, md, rtp):
    yesterday = india_today() - timedelta(days=1)
    add_entry(make_consumer(rtp, account_no="01000001"), "PAYMENT", "650000.00", yesterday)
    Target.objects.create(division=rtp, month=yesterday.replace(day=1), amount=Decimal("1.00"))

    response = summary_of(api_client, md, yesterday)

    assert response.status_code == 200
    totals = response.json()["totals"]
    assert totals["collections"] == "650000.00"
    # 6,50,000 against a day's share of ₹1: over 8 digits, which the field held before.
    assert Decimal(totals["achievement_pct"]) > Decimal("1e9")
    assert totals["achievement_pct"] == f"{Decimal(totals['achievement_pct']):.1f}"


def test_it_answers_a_sum_past_fourteen_digits(api_client, md, rtp, hsp):
    yesterday = india_today() - timedelta(days=1)
    for division, account_no in ((rtp, "01000001"), (hsp, "02000001")):
        add_entry(make_consumer(division, account_no=account_no), "PAYMENT", "999999999999.99", yesterday)

    response = summary_of(api_client, md, yesterday)

    assert response.status_code == 200
    assert response.json()["totals"]["collections"] == "1999999999999.98"
    assert [row["collections"] for row in response.json()["divisions"]] == ["999999999999.99"] * 2


# --- money is plain ASCII digits ----------------------------------------------------------------------------

@pytest.mark.parametrize("amount", LENIENT_AMOUNTS)
def test_it_refuses_an_amount_python_reads_but_no_one_writes_through_the_api(api_client, clerk, scene, amount):
    api_client.force_authenticate(clerk)

    response = api_client.post("/api/v1/payments/", {"account_no": "01000001", "amount": amount, "mode": "cash",
                                                     "receipt_no": "RTP-2026-004187"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"amount": [f"not an amount: {amount.strip()!r}"]}
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount, paid", [("4512.50", "4512.50"), (" 100 ", "100.00"), ("007", "7.00"),
                                          (4512.5, "4512.50"), (100, "100.00")])
def test_it_still_takes_an_amount_written_plainly(api_client, clerk, scene, amount, paid):
    api_client.force_authenticate(clerk)

    response = api_client.post("/api/v1/payments/", {"account_no": "01000001", "amount": amount, "mode": "cash",
                                                     "receipt_no": "RTP-2026-004187"}, format="json")

    assert response.status_code == 201, response.json()
    assert Payment.objects.get().amount == Decimal(paid)


@pytest.mark.parametrize("amount", ["1_000", "５", "1e2"])
def test_it_refuses_an_amount_no_one_writes_on_the_payment_page(client, clerk, scene, amount):
    client.force_login(clerk)

    response = client.post(reverse("payment-take", args=["01000001"]),
                           {"amount": amount, "mode": "cash", "receipt_no": "RTP-2026-004187"})

    assert response.status_code == 400
    assert f"not an amount: {amount!r}".replace("'", "&#x27;") in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["1_000", "５", "1e2", "1" * 40])
def test_it_refuses_an_amount_no_one_writes_in_the_services(amount):
    with pytest.raises(DomainError) as refusal:
        amount_checked(amount)
    assert refusal.value.code == "invalid_amount" and refusal.value.field == "amount"


def test_it_refuses_a_target_no_one_writes_in_targets_csv(rtp, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("division_code,month,target\nRTP,2026-04,1e3\nRTP,2026-05,1_000\nRTP,2026-06,５\n"
                    "RTP,2026-07," + "9" * 40 + "\nRTP,2026-08,750000.00\n", encoding="utf-8")

    with pytest.raises(ImportFailed) as failed:
        targets_import(file=str(path), source="command")

    assert failed.value.errors == ["line 2: target: not an amount: '1e3'", "line 3: target: not an amount: '1_000'",
                                   "line 4: target: not an amount: '５'", f"line 5: target: too large: '{'9' * 40}'"]
    assert not Target.objects.exists()


@pytest.mark.parametrize("amount", ["-1e2", "1_000", "-５"])
def test_it_refuses_an_adjustment_no_one_writes_in_the_admin(client, officer, rtp, amount):
    from arrears.models import EntryKind, LedgerEntry

    make_consumer(rtp, account_no="01000001")
    client.force_login(officer)

    response = client.post(reverse("admin:arrears_ledgerentry_adjustment"), {
        "account_no": "01000001", "amount": amount, "entry_date": india_today().isoformat(), "reference": "ADJ-9"})

    assert response.status_code == 400
    assert "not an amount" in response.content.decode()
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_it_refuses_a_target_no_one_writes_in_the_admin(client, officer, rtp):
    client.force_login(officer)

    response = client.post(reverse("admin:reports_target_add"), {"division": rtp.pk, "month": "2026-05",
                                                                  "amount": "1e3"})

    assert response.status_code == 200 and "not an amount" in response.content.decode()
    assert not Target.objects.exists()


# --- names hold no control or format character -------------------------------------------------------------

def drive_body(clerk, name):
    return {"division": "RTP", "date": india_today().isoformat(), "name": name, "clerks": [clerk.username],
            "max_stops": 10, "min_arrears": "0"}


@pytest.mark.parametrize("name", [f"Ratanpur{BIDI} gninrom", f"Ratanpur{BEL}", "Ratanpur\nmorning",
                                  "Ratan\u200bpur"])
def test_it_refuses_a_drive_name_with_a_control_or_format_character(api_client, officer, clerk, drive_day, name):
    api_client.force_authenticate(officer)

    response = api_client.post("/api/v1/drives/", drive_body(clerk, name), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_name"
    assert Drive.objects.count() == 1  # the fixture's


def test_it_refuses_a_drive_name_with_a_bidi_override_on_the_planning_page(client, officer, clerk, drive_day):
    client.force_login(officer)
    form = {"date": india_today().isoformat(), "name": f"Ratanpur{BIDI} gninrom", "min_arrears": "0",
            "locality": "", "max_stops": "50", "clerks": [clerk.pk], "create": "1"}

    response = client.post("/drives/plan/", form)

    assert response.status_code == 400
    assert "must not hold a control or formatting character (U+202E)" in response.content.decode()
    assert Drive.objects.count() == 1


HEADER = "account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n"


@pytest.mark.parametrize("row, message", [
    (f"00012345,Ram Prasad{BIDI}ad,Ratanpur,RTP,domestic,1,,,0", "line 3: name: control character"),
    ("00012345,Ram\u200bPrasad,Ratanpur,RTP,domestic,1,,,0", "line 3: name: control character"),
    (f"00012345,Ram{BEL}Prasad,Ratanpur,RTP,domestic,1,,,0", "line 3: name: control character"),
    (f"00012345,Ram Prasad,Ratan{BIDI}pur,RTP,domestic,1,,,0", "line 3: address: control character"),
    ("00012345,Ram Prasad,Ratanpur\ufeff,RTP,domestic,1,,,0", "line 3: address: control character"),
])
def test_it_refuses_a_format_character_in_a_consumers_name_or_address(rtp, tmp_path, row, message):
    path = tmp_path / "consumers.csv"
    path.write_bytes((HEADER + "00012344,Sita Devi,Ratanpur,RTP,domestic,1,,,0\n" + row + "\n").encode())

    with pytest.raises(ImportFailed) as failed:
        consumers_import(file=str(path))

    assert failed.value.errors == [message]
    assert not Consumer.objects.exists()


def test_it_keeps_the_joiners_of_a_hindi_name(rtp, tmp_path):
    path = tmp_path / "consumers.csv"
    name = "लक्\u200dष्मी देवी"
    path.write_bytes((HEADER + f"00012345,{name},\"रतनपुर\r\nकानपुर\",RTP,domestic,1,,,0\n").encode())

    consumers_import(file=str(path))

    assert Consumer.objects.get().name == name


def test_it_refuses_a_bidi_override_in_a_name_in_the_consumer_admin(client, it_admin, rtp):
    consumer = make_consumer(rtp, account_no="00012345", name="Ram Prasad")
    client.force_login(it_admin)
    url = reverse("admin:arrears_consumer_change", args=[consumer.pk])
    form = {"name": f"Ram{BIDI} dasarP", "category": consumer.category, "sanctioned_load_kw": "1",
            "phone": "", "meter_no": "", "address": "Ratanpur", "ledger-TOTAL_FORMS": "0",
            "ledger-INITIAL_FORMS": "0"}

    response = client.post(url, form)

    assert response.status_code == 200  # the form again
    assert "must not hold a control or formatting character (U+202E)" in response.content.decode()
    consumer.refresh_from_db()
    assert consumer.name == "Ram Prasad"


# --- exports drop what an older row still holds -------------------------------------------------------------

@pytest.fixture
def old_rows_list(rtp, hsp):
    """A list whose names hold a bidi override and a BEL: rows written before the input refused them."""
    from defaulters.models import DefaulterList
    from defaulters.services import defaulter_list_build_division
    from tests.defaulters.defaulter_data import owe

    owe(make_consumer(rtp, account_no="01000001", name=f"Ram {BIDI}dasarP", address=f"Lal{BEL} Bangla\u200b"),
        "50000.00", days_overdue=100)
    owe(make_consumer(rtp, account_no="01000002", name="लक्\u200dष्मी देवी"), "40000.00", days_overdue=90)
    defaulter_list_build_division(division_id=rtp.pk, as_of=india_today(), trigger="command")
    return DefaulterList.objects.get(division=rtp, as_of=india_today())


def test_it_drops_format_and_control_characters_from_csv_cells(client, officer, old_rows_list):
    import csv
    import io

    client.force_login(officer)

    response = client.get(f"/defaulters/{old_rows_list.pk}/defaulters.csv")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert (rows[1][2], rows[1][3]) == ("Ram dasarP", "Lal Bangla")
    assert rows[2][2] == "लक्\u200dष्मी देवी"  # the joiner stays: it is how the name is written


def test_it_drops_format_and_control_characters_from_xlsx_cells(client, officer, old_rows_list):
    import io

    from openpyxl import load_workbook

    client.force_login(officer)

    response = client.get(f"/defaulters/{old_rows_list.pk}/defaulters.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert (sheet.cell(row=2, column=3).value, sheet.cell(row=2, column=4).value) == ("Ram dasarP", "Lal Bangla")
    assert sheet.cell(row=3, column=3).value == "लक्\u200dष्मी देवी"
