"""The daily summary e-mail: yesterday's figures for every division, to the MD users at 07:00 India time."""

import email
import re
import smtplib
from datetime import datetime, time, timedelta
from decimal import Decimal
from email import policy

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from accounts.models import User
from defaulters.services import defaulter_lists_build
from drives.notices import notice_record
from drives.services import disconnection_record
from payments.services import payment_record
from reports.emails import daily_summary_send
from reports.formats import figure_text
from reports.models import DailySummarySend, Target
from reports.ranges import yesterday
from reports.selectors import FIGURES, summary
from reports.tasks import daily_summary_email_task
from tests.factories import add_entry, make_consumer, make_division, make_user

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]


def at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def day():
    return yesterday()


@pytest.fixture
def people(db):
    """Who is in the building: two MDs with an address, and those who must not get the e-mail."""
    rtp = make_division("RTP", "Ratanpur", "रतनपुर")
    make_division("HSP", "Hanspuram", "हंसपुरम")
    users = {
        "md1": make_user("md1", "md"), "md2": make_user("md2", "md"),
        "md_left": make_user("md_left", "md"), "md_no_mail": make_user("md_no_mail", "md"),
        "officer": make_user("officer_rtp", "officer", rtp), "clerk": make_user("clerk_rtp", "clerk", rtp),
        "it": make_user("admin1", "admin"),
    }
    for name, user in users.items():
        user.email = "" if name == "md_no_mail" else f"{name}@kesco.example"
        user.is_active = name != "md_left"
        user.save()
    return users


@pytest.fixture
def yesterdays_work(people, day):
    """Yesterday: Ratanpur cut one consumer (after a notice 30 days before) and took ₹6,650 at the counter;
    Hanspuram's billing system sent a payment of ₹6,00,000. Last night's lists, and Ratanpur's target."""
    rtp, hsp = make_division("RTP"), make_division("HSP")
    officer, clerk = people["officer"], people["clerk"]
    cut = make_consumer(rtp, name="Shyam Lal")
    add_entry(cut, "BILL", "50000.00", day - timedelta(days=90), due_date=day - timedelta(days=75))
    notice_record(user=officer, account_no=cut.account_no, served_on=day - timedelta(days=30), mode="hand",
                  amount_demanded="50000.00", reason="entered from the signed acknowledgement", proof_ref="ACK-1")
    disconnection_record(user=officer, account_no=cut.account_no, method="cable_removed", at=at(day, 10))
    payer = make_consumer(rtp, name="Ram Prasad Gupta")
    add_entry(payer, "BILL", "20000.00", day - timedelta(days=90), due_date=day - timedelta(days=75))
    payment_record(user=clerk, account_no=payer.account_no, amount="6650.00", mode="cash", receipt_no="RTP-0001",
                   paid_at=at(day, 11))
    big = make_consumer(hsp, name="Kanpur Textiles", category="LMV-6")
    add_entry(big, "BILL", "800000.00", day - timedelta(days=90), due_date=day - timedelta(days=75))
    add_entry(big, "PAYMENT", "600000.00", day)
    Target.objects.create(division=rtp, month=day.replace(day=1), amount=Decimal("3100000.00"))
    defaulter_lists_build(as_of=day, trigger="beat")


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def plain(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def table_rows(html: str) -> dict[str, list[str]]:
    """The division table of the HTML part: row heading → its cells as text."""
    rows = re.findall(r'<tr>\s*<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', html, re.S)
    return {plain(heading): [plain(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
            for heading, cells in rows}


def test_it_goes_to_active_md_users_with_an_address_only(people, yesterdays_work):
    assert daily_summary_send() == 2

    assert sorted(message.to[0] for message in mail.outbox) == ["md1@kesco.example", "md2@kesco.example"]
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)


def test_it_has_a_text_and_an_html_part(people, yesterdays_work, day):
    daily_summary_send()

    message = mail.outbox[0]
    assert "Ratanpur (RTP)" in message.body and "<" not in message.body
    html = html_of(message)
    assert html.startswith("<!doctype html>") and "<table" in html
    assert "<style" not in html and "stylesheet" not in html  # e-mail clients drop them: inline styles only


def test_it_reports_the_summary_figures_the_indian_way(people, yesterdays_work, day):
    daily_summary_send()

    result = summary(people["md1"], date_from=day, date_to=day)
    assert (result.totals.collections, result.totals.disconnections) == (Decimal("606650.00"), 1)
    message = mail.outbox[0]
    assert message.subject == (f"KESCO arrears: summary for {day:%d-%m-%Y} — ₹6.07 lakh collected, "
                               "1 disconnection")
    html = html_of(message)
    rows = table_rows(html)
    for row in result.rows:
        assert rows[f"{row.name} {row.code}"] == [figure_text(key, getattr(row, key)) for key in FIGURES]
    assert rows["KESCO total"] == [figure_text(key, getattr(result.totals, key)) for key in FIGURES]
    assert rows["Ratanpur RTP"][6] == "₹6,650.00"  # collections
    assert rows["Hanspuram HSP"][6] == "₹6,00,000.00"
    assert rows["KESCO total"][6] == "₹6,06,650.00"
    assert rows["Ratanpur RTP"][3] == "1"  # disconnections
    assert plain(re.search(r'data-figure="collections">(.*?)</div>', html)[1]) == "₹6.07 lakh"
    assert plain(re.search(r'data-figure="disconnections">(.*?)</div>', html)[1]) == "1"

    text = message.body
    assert "Collections: ₹6.07 lakh" in text
    ratanpur = text.split("Ratanpur (RTP)")[1].split("Hanspuram (HSP)")[0]
    assert "  Collections: ₹6,650.00" in ratanpur
    assert "  Disconnections: 1" in ratanpur
    assert "  Target: ₹1,00,000.00" in ratanpur  # ₹31 lakh for the month, one day of it
    assert "  Collections: ₹6,06,650.00" in text.split("KESCO total")[1]


def test_it_links_to_the_days_summary_page(people, yesterdays_work, day, settings):
    settings.SITE_URL = "https://arrears.kesco.example"
    daily_summary_send()

    link = f"https://arrears.kesco.example/reports/summary/?from={day.isoformat()}&amp;to={day.isoformat()}"
    assert f'href="{link}"' in html_of(mail.outbox[0])
    assert link.replace("&amp;", "&") in mail.outbox[0].body


def test_it_speaks_hindi_when_the_site_does(people, yesterdays_work, day, settings):
    settings.LANGUAGE_CODE = "hi"
    daily_summary_send()

    message = mail.outbox[0]
    assert "₹6.07 लाख" in message.subject
    rows = table_rows(html_of(message))
    assert rows["रतनपुर RTP"][6] == "₹6,650.00"
    assert "हंसपुरम HSP" in rows
    assert "रतनपुर (RTP)" in message.body
    assert '<html lang="hi">' in html_of(message)


def test_each_md_reads_it_in_the_language_they_chose(people, yesterdays_work, day, settings):
    settings.LANGUAGE_CODE = "en"
    User.objects.filter(email="md2@kesco.example").update(language="hi")
    daily_summary_send()

    by_address = {message.to[0]: message for message in mail.outbox}
    hindi, english = by_address["md2@kesco.example"], by_address["md1@kesco.example"]
    assert "₹6.07 लाख" in hindi.subject and '<html lang="hi">' in html_of(hindi)
    assert "रतनपुर (RTP)" in hindi.body
    assert "Ratanpur (RTP)" in english.body and '<html lang="en">' in html_of(english)


def test_it_summarises_the_day_asked(people, yesterdays_work, day):
    daily_summary_send(day=day - timedelta(days=1))

    assert table_rows(html_of(mail.outbox[0]))["KESCO total"][6] == "₹0.00"
    assert f"summary for {day - timedelta(days=1):%d-%m-%Y} — ₹0 collected, 0 disconnections" in \
        mail.outbox[0].subject


def test_it_sends_nothing_when_no_md_has_an_address(people):
    for name in ("md1", "md2"):
        people[name].email = ""
        people[name].save()

    assert daily_summary_send() == 0
    assert mail.outbox == []


class RefusingBackend(LocmemBackend):
    """A mail server that refuses md1's address."""

    def send_messages(self, messages):
        if any("md1@kesco.example" in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({"md1@kesco.example": (550, b"no such user")})
        return super().send_messages(messages)


def test_it_still_reaches_the_others_when_one_address_is_refused(people, yesterdays_work, settings):
    settings.EMAIL_BACKEND = "tests.reports.test_daily_email.RefusingBackend"

    assert daily_summary_send() == 1
    assert [message.to for message in mail.outbox] == [["md2@kesco.example"]]
    assert DailySummarySend.objects.values_list("recipients", "sent").get() == (2, 1)


def test_it_records_each_sending_for_the_health_page(people, yesterdays_work, day):
    assert DailySummarySend.objects.count() == 0

    daily_summary_send()

    record = DailySummarySend.objects.get()
    assert (record.day, record.recipients, record.sent) == (day, 2, 2)
    assert timezone.now() - record.sent_at < timedelta(minutes=1)


def test_it_records_nothing_when_nobody_is_sent_the_summary(people):
    for name in ("md1", "md2"):
        people[name].email = ""
        people[name].save()

    daily_summary_send()

    assert not DailySummarySend.objects.exists()


def test_it_is_scheduled_at_seven_in_the_morning_india_time(settings):
    from kesco.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["daily-summary-email"]
    assert entry["task"] == "reports.daily_summary_email"
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert settings.CELERY_TIMEZONE == "Asia/Kolkata"
    assert "reports.daily_summary_email" in app.tasks


def test_it_retries_when_the_mail_server_is_away():
    assert OSError in daily_summary_email_task.autoretry_for  # smtplib's errors, a refused connection
    assert daily_summary_email_task.max_retries >= 3


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_it_sends_through_a_worker_and_redis(people, yesterdays_work, day, settings, tmp_path, real_worker):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)

    assert daily_summary_email_task.delay(day=day.isoformat()).get(timeout=30) == 2

    # The file backend writes each message, then a line of dashes, to a file of the connection.
    raw = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    messages = [email.message_from_bytes(part.strip(b"-\n") + b"\n", policy=policy.default)
                for part in raw.split(b"\n" + b"-" * 79 + b"\n") if part.strip(b"-\n")]
    assert sorted(message["To"] for message in messages) == ["md1@kesco.example", "md2@kesco.example"]
    message = messages[0]
    # Django folds a long non-ASCII subject onto the next line: unfolded, it keeps a leading space.
    assert message["Subject"].strip() == (f"KESCO arrears: summary for {day:%d-%m-%Y} — ₹6.07 lakh collected, "
                                          "1 disconnection")
    assert message.get_body(("plain",)).get_content().count("₹6,06,650.00") == 1
    assert "₹6,06,650.00" in message.get_body(("html",)).get_content()
