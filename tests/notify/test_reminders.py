"""Reminders NOTICE_REMINDER_DAYS before a notice's lawful-from date, to those who have not paid it."""

from datetime import date, timedelta

from core.dates import india_today
from drives.models import Notice
from drives.notices import notice_reminders_send
from notify.models import Message
from tests.factories import add_entry, make_consumer


def _noticed(rtp, officer, account_no: str, *, phone: str, served_on: date) -> Notice:
    consumer = make_consumer(rtp, account_no=account_no, phone=phone)
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    return Notice.objects.create(consumer=consumer, division=rtp, served_on=served_on, mode="hand",
                                 amount_demanded="20000.00", recorded_by=officer, source="web")


def test_it_reminds_once_those_whose_notice_permits_a_cut_in_n_days(rtp, officer, settings, gateway,
                                                                     django_capture_on_commit_callbacks):
    settings.NOTICE_REMINDER_DAYS = 3
    today = india_today()
    served_on = today + timedelta(days=3) - timedelta(days=16)  # lawful from today + 3
    due = _noticed(rtp, officer, "00060001", phone="9839060001", served_on=served_on)
    paid = _noticed(rtp, officer, "00060002", phone="9839060002", served_on=served_on)
    add_entry(paid.consumer, "PAYMENT", "20000.00", today)
    _noticed(rtp, officer, "00060003", phone="", served_on=served_on)  # no mobile: a letter, not an SMS
    _noticed(rtp, officer, "00060004", phone="9839060004", served_on=served_on - timedelta(days=1))  # yesterday's

    with django_capture_on_commit_callbacks(execute=True):
        assert notice_reminders_send(on=today) == 1
    message = Message.objects.get()
    assert (message.template, message.belongs_to_id, message.status) == ("notice_reminder", due.pk, "sent")
    sent = gateway.requests[0]["body"]
    assert sent["variables"]["lawful_from"] == (today + timedelta(days=3)).strftime("%d-%m-%Y")
    assert sent["variables"]["amount"] == "₹20,000.00"

    with django_capture_on_commit_callbacks(execute=True):
        assert notice_reminders_send(on=today) == 0  # the beat ran twice: still one reminder
    assert Message.objects.count() == 1
