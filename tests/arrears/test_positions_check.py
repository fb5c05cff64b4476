from datetime import date, timedelta
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


def test_it_checks_a_consumer_never_computed_as_of_the_day_in_india(rtp):
    """Its cache holds for no day yet (arrears_from NULL): the ledger is read as of India's today, not the
    database's CURRENT_DATE (UTC's date, a day behind India's until 05:30). Here the process's clock is a month
    ahead of the database's, so the two days differ whatever the hour."""
    import time_machine
    from django.utils import timezone

    from arrears.models import LedgerEntry
    from core.dates import india_today

    consumer = make_consumer(rtp, account_no="00033333")
    due = india_today() + timedelta(days=10)
    LedgerEntry.objects.create(consumer=consumer, kind="BILL", amount=Decimal("15000.00"), due_date=due,
                               entry_date=due - timedelta(15), reference="B-NEVER", source="import")  # not computed
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        # What the nightly refresh would cache for India's today: the bill is overdue.
        Consumer.objects.filter(pk=consumer.pk).update(balance=Decimal("15000.00"), arrears=Decimal("15000.00"),
                                                       oldest_due_date=due, arrears_from=None)
        call_command("check_positions")
