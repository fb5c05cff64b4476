"""Revenue targets: targets.csv through the command and the upload page, the admin, target_set, the demo."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.errors import DomainError
from core.models import Source
from imports.models import ImportJob, ImportStatus
from reports.models import Target
from reports.targets import target_set
from tests.factories import make_user

GOOD = "division_code,month,target\nRTP,2026-04,750000.00\nRTP,2026-05,800000\nHSP,2026-04,1250000.50\n"
RTP_ONLY = "division_code,month,target\nRTP,2026-04,750000.00\nRTP,2026-05,800000\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def write(tmp_path, text: str) -> str:
    path = tmp_path / "targets.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def targets() -> dict:
    return {(t.division.code, f"{t.month:%Y-%m}"): t.amount for t in Target.objects.select_related("division")}


def upload(client, capture, text: str, *, dry_run: bool = False):
    data = {"kind": "targets", "file": SimpleUploadedFile("targets.csv", text.encode(), content_type="text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    with capture(execute=True):
        return client.post(reverse("import-upload"), data)


# --- the import: command and upload page ------------------------------------------------------------------

def test_it_imports_targets_by_command(tmp_path, rtp, hsp, capsys):
    call_command("import_targets", write(tmp_path, GOOD))
    assert targets() == {("RTP", "2026-04"): Decimal("750000.00"), ("RTP", "2026-05"): Decimal("800000.00"),
                         ("HSP", "2026-04"): Decimal("1250000.50")}
    assert set(Target.objects.values_list("source", flat=True)) == {Source.IMPORT}
    assert Target.objects.get(division=rtp, month=date(2026, 4, 1)).updated_by is None  # the command line
    assert "3 rows imported: 3 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    job = ImportJob.objects.get()
    assert (job.kind, job.status, job.source) == ("targets", ImportStatus.DONE, Source.COMMAND)


def test_it_imports_an_officers_targets_through_the_upload_page(client, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    page = client.get(reverse("import-upload")).content.decode()
    assert 'value="targets"' in page and "targets.csv    division_code,month,target" in page
    response = upload(client, django_capture_on_commit_callbacks, RTP_ONLY)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.DONE, job.summary
    assert "2 rows imported: 2 created" in client.get(response.url).content.decode()
    target = Target.objects.get(month=date(2026, 4, 1))
    assert (target.amount, target.updated_by, target.source) == (Decimal("750000.00"), officer, Source.IMPORT)
    assert target.history.get().history_user == officer


def test_it_reports_every_bad_line_and_writes_nothing(tmp_path, rtp, hsp, capsys):
    path = write(tmp_path, (
        "division_code,month,target\n"
        "RTP,2026-04,750000.00\n"    # 2: good
        "RTP,2026-13,1000\n"         # 3
        "RTP,26-05,1000\n"           # 4
        "HSP,1999-12,1000\n"         # 5
        "HSP,2026-05,-1.00\n"        # 6
        "HSP,2026-06,10.005\n"       # 7
        "XYZ,2026-05,1000\n"         # 8
        "RTP,2026-04,760000.00\n"    # 9: RTP 2026-04 again
        "HSP,2026-07,\n"             # 10
        "HSP,2026-08,1000000000000\n"  # 11
        "rt p,2026-09,1000\n"        # 12
        "HSP,2026-09\n"              # 13
    ))
    with pytest.raises(CommandError, match="11 lines with problems"):
        call_command("import_targets", path)
    assert capsys.readouterr().err.splitlines() == [
        "line 3: month: not a month in YYYY-MM form: '2026-13'",
        "line 4: month: not a month in YYYY-MM form: '26-05'",
        "line 5: month: outside 2000-01 to 2100-12: 1999-12",
        "line 6: target: must not be negative: '-1.00'",
        "line 7: target: more than 2 decimal places: '10.005'",
        "line 8: division_code: unknown division: XYZ",
        "line 9: month: duplicate of line 2: RTP 2026-04",
        "line 10: target: must not be blank",
        "line 11: target: too large: '1000000000000'",
        "line 12: division_code: not a division code: 'rt p'",
        "line 13: row: expected 3 values, found 2",
    ]
    assert not Target.objects.exists()
    assert ImportJob.objects.get().status == ImportStatus.FAILED


def test_it_refuses_another_divisions_rows_from_an_officer(client, officer, hsp, django_capture_on_commit_callbacks):
    client.force_login(officer)
    upload(client, django_capture_on_commit_callbacks,
           "division_code,month,target\nRTP,2026-04,750000\nHSP,2026-04,900000\nXYZ,2026-04,1\n")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.errors == ["line 3: division_code: outside your division: HSP",
                          "line 4: division_code: unknown division: XYZ"]
    assert not Target.objects.exists()  # not even RTP's good row
    page = client.get(reverse("import-job-detail", args=[job.pk])).content.decode()
    assert "line 3: division_code: outside your division: HSP" in page and "nothing was written" in page


def test_it_changes_nothing_on_a_second_import(tmp_path, rtp, hsp, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_targets", path)
    before = list(Target.objects.order_by("pk").values_list("pk", "amount", "updated_at", "updated_by", "source"))
    history = Target.history.count()
    capsys.readouterr()
    call_command("import_targets", path)
    assert list(Target.objects.order_by("pk").values_list("pk", "amount", "updated_at", "updated_by",
                                                          "source")) == before
    assert Target.history.count() == history
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out


def test_it_updates_a_changed_target_and_says_who(tmp_path, client, officer, hsp, django_capture_on_commit_callbacks):
    call_command("import_targets", write(tmp_path, GOOD))
    client.force_login(officer)
    upload(client, django_capture_on_commit_callbacks,
           "division_code,month,target\nRTP,2026-04,780000.00\nRTP,2026-05,800000\nRTP,2026-06,810000\n")
    job = ImportJob.objects.filter(created_by=officer).get()
    assert job.summary == "3 rows imported: 1 created, 1 updated, 1 unchanged"
    april = Target.objects.get(division__code="RTP", month=date(2026, 4, 1))
    assert (april.amount, april.updated_by) == (Decimal("780000.00"), officer)
    assert list(april.history.values_list("amount", flat=True)) == [Decimal("780000.00"), Decimal("750000.00")]
    assert Target.objects.get(division=hsp).amount == Decimal("1250000.50")  # not in the officer's file


def test_it_checks_only_on_a_dry_run(tmp_path, rtp, hsp, capsys):
    call_command("import_targets", write(tmp_path, GOOD), dry_run=True)
    assert not Target.objects.exists()
    assert "3 rows checked (dry run, nothing written): 3 created" in capsys.readouterr().out


def test_it_lets_md_watch_but_not_upload_targets(client, md, rtp):
    client.force_login(md)
    response = client.post(reverse("import-upload"), {
        "kind": "targets", "file": SimpleUploadedFile("targets.csv", RTP_ONLY.encode(), content_type="text/csv")})
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and not Target.objects.exists()


# --- target_set -------------------------------------------------------------------------------------------

def test_it_sets_a_target_by_hand_and_keeps_an_unchanged_one(officer, rtp):
    target = target_set(user=officer, division=rtp, month=date(2026, 4, 17), amount=Decimal("500000.00"),
                        source=Source.ADMIN)
    assert (target.month, target.updated_by, target.source) == (date(2026, 4, 1), officer, Source.ADMIN)
    same = target_set(user=officer, division=rtp, month=date(2026, 4, 1), amount=Decimal("500000.00"),
                      source=Source.WEB)
    assert same.pk == target.pk and same.source == Source.ADMIN and target.history.count() == 1


def test_it_refuses_targets_outside_the_rules(officer, md, rtp, hsp):
    with pytest.raises(PermissionDenied):
        target_set(user=officer, division=hsp, month=date(2026, 4, 1), amount=Decimal("1"), source=Source.ADMIN)
    with pytest.raises(PermissionDenied):
        target_set(user=md, division=rtp, month=date(2026, 4, 1), amount=Decimal("1"), source=Source.ADMIN)
    with pytest.raises(DomainError, match="amount: must not be negative"):
        target_set(user=officer, division=rtp, month=date(2026, 4, 1), amount=Decimal("-1"), source=Source.ADMIN)
    with pytest.raises(DomainError, match="month: must be from 2000-01 to 2100-12"):
        target_set(user=officer, division=rtp, month=date(1999, 12, 1), amount=Decimal("1"), source=Source.ADMIN)
    assert not Target.objects.exists()


# --- the admin --------------------------------------------------------------------------------------------

@pytest.fixture
def two_targets(rtp, hsp):
    return (Target.objects.create(division=rtp, month=date(2026, 4, 1), amount=Decimal("750000.00")),
            Target.objects.create(division=hsp, month=date(2026, 4, 1), amount=Decimal("1250000.00")))


def _change(target):
    return reverse("admin:reports_target_change", args=[target.pk])


def test_it_shows_an_officer_only_their_divisions_targets(client, officer, two_targets):
    client.force_login(officer)
    page = client.get(reverse("admin:reports_target_changelist")).content.decode()
    assert "₹7,50,000.00" in page and "₹12,50,000.00" not in page


def test_it_lets_an_officer_change_their_target_through_target_set(client, officer, two_targets):
    mine, _theirs = two_targets
    client.force_login(officer)
    response = client.post(_change(mine), {"amount": "800000.00"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.amount, mine.updated_by, mine.source) == (Decimal("800000.00"), officer, Source.ADMIN)
    assert mine.history.first().history_user == officer


def test_it_hides_another_divisions_target_even_by_url(client, officer, two_targets):
    _mine, theirs = two_targets
    client.force_login(officer)
    assert client.get(_change(theirs)).status_code == 302  # "doesn't exist", back to the index
    client.post(_change(theirs), {"amount": "1.00"})
    assert client.get(reverse("admin:reports_target_history", args=[theirs.pk])).status_code == 302
    theirs.refresh_from_db()
    assert theirs.amount == Decimal("1250000.00")


def test_it_lets_an_officer_add_a_target_only_for_their_division(client, officer, rtp, hsp):
    client.force_login(officer)
    add = reverse("admin:reports_target_add")
    response = client.post(add, {"division": hsp.pk, "month": "2026-05", "amount": "900000"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Target.objects.exists()
    assert client.post(add, {"division": rtp.pk, "month": "2026-05", "amount": "900000"}).status_code == 302
    target = Target.objects.get()
    assert (target.division, target.month, target.updated_by) == (rtp, date(2026, 5, 1), officer)


def test_it_refuses_a_second_target_for_the_same_month_and_a_negative_one(client, officer, two_targets):
    mine, _theirs = two_targets
    client.force_login(officer)
    add = reverse("admin:reports_target_add")
    page = client.post(add, {"division": mine.division_id, "month": "2026-04", "amount": "1"}).content.decode()
    assert "already exists" in page
    page = client.post(add, {"division": mine.division_id, "month": "2026-06", "amount": "-5"}).content.decode()
    assert "A target is not negative." in page
    assert Target.objects.count() == 2


def test_it_shows_md_targets_read_only(client, rtp, two_targets):
    md = make_user("md_staff", "md")
    md.is_staff = True  # not how HQ's accounts are made (STAFF_ROLES), but an MD given one only reads
    md.save()
    mine, theirs = two_targets
    client.force_login(md)
    page = client.get(reverse("admin:reports_target_changelist")).content.decode()
    assert "₹7,50,000.00" in page and "₹12,50,000.00" in page
    assert client.get(reverse("admin:reports_target_add")).status_code == 403
    view = client.get(_change(mine))
    assert view.status_code == 200 and 'name="amount"' not in view.content.decode()
    assert client.post(_change(mine), {"amount": "1.00"}).status_code == 403
    mine.refresh_from_db()
    assert mine.amount == Decimal("750000.00")


def test_it_lets_it_set_any_divisions_target(client, it_admin, two_targets):
    _mine, theirs = two_targets
    client.force_login(it_admin)
    assert client.post(_change(theirs), {"amount": "1300000"}).status_code == 302
    theirs.refresh_from_db()
    assert (theirs.amount, theirs.updated_by) == (Decimal("1300000.00"), it_admin)
    assert client.get(reverse("admin:reports_target_delete", args=[theirs.pk])).status_code == 403


# --- the demo ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_it_seeds_demo_targets_near_the_demos_collections():
    from django.db.models import Sum
    from django.utils import timezone

    from accounts.demo import demo_organisation_seed
    from arrears.models import LedgerEntry
    from imports.demo import demo_arrears_seed

    demo_organisation_seed()
    result = demo_arrears_seed()
    assert result.targets_created == Target.objects.count() == 6 * 15
    today = timezone.localdate().replace(day=1)
    months = sorted(set(Target.objects.values_list("month", flat=True)))
    assert months[-1] > today and len(months) == 15  # the next three months too
    # Over the ledger's complete months, each division collected 60% to 110% of its target.
    complete = [m for m in months if m < today][1:]  # the first month's late payers paid before the ledger
    for code in ("RTP", "HSP", "HRG", "KLP", "KDN", "GVN"):
        target = Target.objects.filter(division__code=code, month__in=complete).aggregate(s=Sum("amount"))["s"]
        collected = LedgerEntry.objects.filter(
            consumer__division__code=code, kind="PAYMENT", entry_date__gte=complete[0],
            entry_date__lt=today).aggregate(s=Sum("amount"))["s"]
        assert Decimal("0.60") <= collected / target <= Decimal("1.10"), code
    jobs = ImportJob.objects.count()
    assert demo_arrears_seed().targets_created == 0 and ImportJob.objects.count() == jobs  # nothing new
