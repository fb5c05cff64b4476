from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from arrears.models import Consumer, PositionCheck
from arrears.tasks import positions_check_task
from tests.factories import add_entry, make_consumer


@pytest.fixture
def ledger(rtp):
    for account in ("00011111", "00022222"):
        consumer = make_consumer(rtp, account_no=account)
        add_entry(consumer, "BILL", "15000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))


def test_it_finds_the_cache_equal_to_the_ledger(ledger, capsys):
    call_command("check_positions")
    assert "2 consumers checked: all equal the ledger" in capsys.readouterr().out
    assert PositionCheck.objects.get().mismatches == 0


def test_it_reports_a_planted_difference(ledger, capsys):
    Consumer.objects.filter(account_no="00022222").update(balance=Decimal("14000.00"))
    with pytest.raises(CommandError, match="1 of 2 consumers differ"):
        call_command("check_positions")
    assert "00022222: balance cached 14000.00 ledger 15000.00" in capsys.readouterr().err
    check = PositionCheck.objects.get()
    assert check.details[0]["account_no"] == "00022222"


def test_the_nightly_task_records_its_check(ledger):
    Consumer.objects.filter(account_no="00011111").update(arrears=Decimal("0.00"))
    assert positions_check_task.delay().get() == {"consumers_checked": 2, "mismatches": 1}
    assert PositionCheck.objects.get().source == "task"


def test_the_check_is_scheduled_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["check-cached-positions"]
    assert entry["task"] == "arrears.positions_check"
