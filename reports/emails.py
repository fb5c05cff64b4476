"""The daily summary e-mail: yesterday's figures, all divisions, to HQ at 07:00 India time (reports.tasks).

The figures are reports.selectors.summary's, as the MD sees them on the summary page, and read the same
(reports.formats.figure_text): the page, the exports and the e-mail cannot disagree.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from accounts.models import User
from accounts.permissions import may_receive_daily_summary
from core.money import format_count, format_inr_short
from reports.formats import EXPORT_COLUMNS, figure_text
from reports.models import DailySummarySend
from reports.ranges import yesterday
from reports.selectors import FIGURES, Summary, summary

logger = logging.getLogger(__name__)


def daily_summary_recipients() -> list[User]:
    """Active users whom the role matrix sends the daily summary (the MD) and who have an address."""
    candidates = User.objects.filter(is_active=True).exclude(email="").order_by("username")
    return [user for user in candidates if may_receive_daily_summary(user)]


def recipient_language(user: User) -> str:
    """The language the user chose in the page header (User.language); the site's (LANGUAGE_CODE) if none."""
    return user.language or settings.LANGUAGE_CODE


@dataclass
class DailySummaryMessage:
    subject: str
    text: str
    html: str


def daily_summary_subject(result: Summary) -> str:
    """"KESCO arrears: summary for 01-12-2026 — ₹6.65 lakh collected, 93 disconnections"."""
    cuts = result.totals.disconnections
    return gettext("KESCO arrears: summary for %(day)s — %(amount)s collected, %(cuts)s") % {
        "day": date_format(result.date_to),
        "amount": format_inr_short(result.totals.collections),
        "cuts": ngettext("%(count)s disconnection", "%(count)s disconnections", cuts) % {
            "count": format_count(cuts)},
    }


def daily_summary_render(result: Summary, *, language: str) -> DailySummaryMessage:
    """The subject, text and HTML of the summary in ``language`` (division names in Hindi on a Hindi one)."""
    link = settings.SITE_URL + reverse("summary") + "?" + urlencode(
        {"from": result.date_from.isoformat(), "to": result.date_to.isoformat()})
    with translation.override(language):
        headings = [str(heading) for _key, heading in EXPORT_COLUMNS]

        def cells(figures) -> list[tuple[str, str]]:
            return list(zip(headings, [figure_text(key, getattr(figures, key)) for key in FIGURES], strict=True))

        context = {
            "summary": result,
            "day": result.date_to,
            "language": language,
            "link": link,
            "headings": headings,
            "rows": [(row, cells(row)) for row in result.rows],  # cells: (heading, figure as text)
            "totals": cells(result.totals),
            "subject": daily_summary_subject(result),
        }
        return DailySummaryMessage(
            subject=context["subject"],
            text=render_to_string("reports/email/daily_summary.txt", context),
            html=render_to_string("reports/email/daily_summary.html", context),
        )


def daily_summary_send(*, day: date | None = None) -> int:
    """Sends the summary of ``day`` (default: yesterday, India time) to every recipient, one message each,
    in their language; returns how many were sent. Nobody to send to: nothing is computed, 0."""
    recipients = daily_summary_recipients()
    if not recipients:
        return 0
    day = day or yesterday()
    # The MD's view is every division; a recipient is an MD, so their summary is that view.
    result = summary(recipients[0], date_from=day, date_to=day)
    rendered: dict[str, DailySummaryMessage] = {}
    messages = []
    for user in recipients:
        language = recipient_language(user)
        if language not in rendered:
            rendered[language] = daily_summary_render(result, language=language)
        content = rendered[language]
        message = EmailMultiAlternatives(subject=content.subject, body=content.text,
                                         from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])
        message.attach_alternative(content.html, "text/html")
        messages.append(message)
    # One connection for them all. An address the server refuses is that recipient's problem: logged, the
    # others still get theirs. Anything else (server away, login refused) raises, and the task retries.
    sent = 0
    with get_connection(fail_silently=False) as connection:
        for message in messages:
            try:
                sent += connection.send_messages([message]) or 0
            except smtplib.SMTPRecipientsRefused:
                logger.warning("daily summary: the mail server refused %s", message.to[0])
    DailySummarySend.objects.create(day=day, sent_at=timezone.now(), recipients=len(messages), sent=sent)
    return sent
