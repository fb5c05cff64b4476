"""Section 56 notices: recording one served on a consumer, or many at once.

A notice is a legal record: a cut rests on it (15 clear days), so the rules of DESIGN.md on who records it,
how far back and for what sum hold here, for the web, the API, the admin and the demo alike.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_record_notice
from arrears.ledger import time_barred_amount, time_barred_amounts
from arrears.models import Consumer
from arrears.selectors import consumers_visible_to
from core.errors import DomainError
from core.models import Source
from core.money import amount_checked
from drives.checks import (
    consumer_get,
    day_checked,
)
from drives.models import (
    Notice,
    NoticeMode,
)


def _notice_create(*, user: User, consumer: Consumer, served_on: date, mode: str, amount_demanded: Decimal,
                   source: str) -> Notice:
    return Notice.objects.create(
        consumer=consumer, served_on=served_on, mode=mode, amount_demanded=amount_demanded,
        time_barred_amount=time_barred_amount(consumer=consumer, on=served_on), recorded_by=user, source=source)


def _notice_checks(*, user: User, served_on: date, mode: str) -> date:
    if not may_record_notice(user):
        raise PermissionDenied(_("only clerks, officers and IT admins record notices"))
    if mode not in NoticeMode.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(NoticeMode.values)}, code="invalid_mode",
                          field="mode")
    return day_checked(served_on, field="served_on")


def notice_record(*, user: User, account_no: str, served_on: date, mode: str, amount_demanded,
                  source: str = Source.WEB) -> Notice:
    """Records a section 56 notice served on a consumer (also days later, from the paper copy).

    Raises Consumer.DoesNotExist when the account is outside the user's division.
    """
    served_on = _notice_checks(user=user, served_on=served_on, mode=mode)
    amount_demanded = amount_checked(amount_demanded, field="amount_demanded")
    consumer = consumer_get(user, account_no)
    return _notice_create(user=user, consumer=consumer, served_on=served_on, mode=mode,
                          amount_demanded=amount_demanded, source=source)


def notices_record_bulk(*, user: User, account_nos: list[str], served_on: date, mode: str,
                        source: str = Source.WEB) -> list[Notice]:
    """Notices served on many consumers at once, each demanding its current arrears. All or nothing:
    one account outside the division or owing nothing refuses the whole batch."""
    served_on = _notice_checks(user=user, served_on=served_on, mode=mode)
    account_nos = list(dict.fromkeys(a.strip() for a in account_nos if a and a.strip()))
    if not account_nos:
        raise DomainError(_("name at least one account"), code="invalid_account_nos", field="account_nos")
    consumers = {c.account_no: c for c in consumers_visible_to(user).filter(account_no__in=account_nos)}
    missing = [a for a in account_nos if a not in consumers]
    if missing:
        raise Consumer.DoesNotExist(_("no consumer %(account_no)s in your division") % {"account_no": missing[0]})
    owing_nothing = [a for a in account_nos if consumers[a].arrears <= 0]
    if owing_nothing:
        raise DomainError(_("%(account_no)s has no arrears to demand") % {"account_no": owing_nothing[0]},
                          code="invalid_amount", field="account_nos")
    barred = time_barred_amounts(consumer_ids=[c.pk for c in consumers.values()], on=served_on)
    return Notice.objects.bulk_create([
        Notice(consumer=consumers[a], served_on=served_on, mode=mode, amount_demanded=consumers[a].arrears,
               time_barred_amount=barred.get(consumers[a].pk, Decimal("0.00")), recorded_by=user, source=source)
        for a in account_nos])
