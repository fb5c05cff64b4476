"""The restore drill on PostgreSQL: the demo data backed up with `manage.py backup`, restored into a scratch
database by `manage.py backup_restore_check`, and counted again. CI runs it on every push."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from arrears.models import Consumer
from backups.models import BackupRun, BackupStatus, BackupTrigger
from payments.services import payment_record

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_backup(tmp_path, settings):
    """The demo (its one size: six divisions' consumers and a year of bills) and two payments, backed up."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "stops").mkdir(parents=True)
    (tmp_path / "media" / "stops" / "cut.jpg").write_bytes(b"\xff\xd8\xff photo")
    call_command("seed_demo", force=True, stdout=StringIO())
    clerk = User.objects.get(username="clerk_rtp")
    for number, consumer in enumerate(Consumer.objects.filter(division__code="RTP").order_by("account_no")[:2]):
        payment_record(user=clerk, account_no=consumer.account_no, amount=Decimal("1234.50"), mode="cash",
                       receipt_no=f"DRILL-{number}")
    out = StringIO()
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=out)
    run = BackupRun.objects.get()
    return tmp_path / "backups" / run.database_file, run, out.getvalue()


def _check(path, *args) -> str:
    out = StringIO()
    call_command("backup_restore_check", str(path), *args, stdout=out)
    return out.getvalue()


def _scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'kesco_restore_check_%%'")
        return [name for (name,) in cursor.fetchall()]


def test_it_restores_the_demo_with_equal_counts_and_money_totals(demo_backup):
    path, run, backup_output = demo_backup
    assert run.status == BackupStatus.OK and run.trigger == BackupTrigger.COMMAND
    assert path.name.startswith("kesco-") and path.suffix == ".dump" and run.database_bytes == path.stat().st_size
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        [path.name, path.name + ".json", run.media_file])  # no .partial left behind
    assert run.manifest["totals"]["payments"] == "2469.00"
    assert "payments: 2469.00" in backup_output
    before = set(_scratch_databases())

    output = _check(path)

    assert "Restore check passed" in output
    assert "SHA-256 equals the one recorded" in output
    for label in ("ledger debits", "ledger credits", "payments"):
        total = run.manifest["totals"][label]
        assert f"{label:<40} {total:>20} {total:>20}  ok" in output
    consumers = Consumer.objects.count()
    assert f"{'arrears_consumer':<40} {consumers:>20} {consumers:>20}  ok" in output
    assert set(_scratch_databases()) == before  # dropped afterwards


def test_it_fails_naming_the_table_and_total_when_the_restore_does_not_match(demo_backup):
    path, run, _ = demo_backup
    manifest_path = path.with_name(path.name + ".json")
    manifest = json.loads(manifest_path.read_text())
    # As if a payment had gone missing between the source and the restore.
    manifest["tables"]["arrears_payment"]["rows"] += 1
    manifest["tables"]["arrears_payment"]["sums"]["amount"] = "2469.01"
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(CommandError) as failure:
        _check(path)

    message = str(failure.value)
    assert "arrears_payment: 3 rows in the source, 2 restored" in message
    assert "arrears_payment.amount: total 2469.01 in the source, 2469.00 restored" in message


def test_it_fails_when_the_file_is_not_the_one_backed_up(demo_backup):
    path, run, _ = demo_backup
    with path.open("ab") as dump:
        dump.write(b"\0")  # a byte more than was written: pg_restore still reads it, the checksum does not match

    with pytest.raises(CommandError, match="SHA-256 differs"):
        _check(path)


def test_it_compares_with_the_live_database_without_a_manifest(demo_backup):
    path, run, _ = demo_backup
    path.with_name(path.name + ".json").unlink()

    output = _check(path)

    assert "compared with the live database" in output and "Restore check passed" in output
    # Money taken since the backup: the live database is no longer what was backed up.
    payment_record(user=User.objects.get(username="clerk_rtp"), account_no=Consumer.objects.filter(
        division__code="RTP").order_by("account_no").first().account_no, amount=Decimal("10.00"), mode="cash",
        receipt_no="DRILL-LATE")
    with pytest.raises(CommandError, match="arrears_payment: 3 rows in the source, 2 restored"):
        _check(path)


def test_it_keeps_the_scratch_database_when_asked(demo_backup):
    path, _run, _ = demo_backup
    before = set(_scratch_databases())

    output = _check(path, "--keep")

    kept = set(_scratch_databases()) - before
    assert len(kept) == 1 and f"restored into {kept.pop()}, kept" in output
    with connection.cursor() as cursor:
        for name in set(_scratch_databases()) - before:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
