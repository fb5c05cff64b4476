"""Revenue targets per division and month: who sees them, targets.csv, and setting one by hand.

targets.csv (division_code,month,target; month as YYYY-MM) goes through the imports app's path (upload
page, ``import_targets`` command, job record) by the importer registered in ReportsConfig.ready().
Like the other imports it is all-or-nothing with every bad line reported, and importing the same file
twice changes nothing. The admin sets one target through target_set. Both lock the divisions' rows
first, so two writers of the same month wait for each other instead of one failing on the unique
(division, month) constraint.
"""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Division, User, division_code_validator
from accounts.permissions import may_set_targets
from accounts.selectors import division_scope, divisions_visible_to
from core.errors import DomainError
from core.money import MONEY_LIMIT, format_inr, money
from imports.pipeline.reader import ImportResult, Progress, RowErrors, good_rows, open_text, parse_amount
from reports.models import Target

TARGET_COLUMNS = ["division_code", "month", "target"]
FIRST_MONTH, LAST_MONTH = date(2000, 1, 1), date(2100, 12, 1)
MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def targets_visible_to(user: User) -> QuerySet[Target]:
    """HQ and IT see every division's targets; an officer their division's (and a clerk too, though no page
    of theirs shows them)."""
    return division_scope(Target.objects.select_related("division", "updated_by"), user)


def month_parse(value: str) -> date:
    """'2026-04' → 1 April 2026, between FIRST_MONTH and LAST_MONTH; ValueError(reason) otherwise."""
    match = MONTH_RE.match(value)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(_("not a month in YYYY-MM form: %(value)r") % {"value": value})
    month = date(int(match[1]), int(match[2]), 1)
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise ValueError(_("outside %(first)s to %(last)s: %(value)s")
                         % {"first": f"{FIRST_MONTH:%Y-%m}", "last": f"{LAST_MONTH:%Y-%m}", "value": value})
    return month


def targets_present(rows: list[dict]) -> set[tuple[str, str]]:
    """(division_code, month) of those of targets.csv's ``rows`` that have a target already (the demo
    adds only the missing months, so a target set by hand stays)."""
    codes = {row["division_code"] for row in rows}
    return {(code, f"{month:%Y-%m}") for code, month in
            Target.objects.filter(division__code__in=codes).values_list("division__code", "month")}


def targets_import(*, file, dry_run: bool = False, progress: Progress | None = None, division_id: int | None = None,
                   user_id: int | None = None, source: str) -> ImportResult:
    """Imports targets.csv: all-or-nothing, every bad line reported, re-import changes nothing.

    A row sets its division's target for the month: created, updated (the amount differs: recorded with
    ``user_id`` and ``source``) or unchanged. An officer's file (``division_id``) may hold only that
    division's rows. A file is a few hundred rows at most (divisions × months), so it is read and checked
    in Python, as divisions.csv is.
    """
    errors = RowErrors()
    divisions = dict(Division.objects.values_list("code", "id"))
    rows: dict[tuple[int, date], Decimal] = {}
    first_line: dict[tuple[int, date], int] = {}
    with open_text(file) as stream:
        for line, row in good_rows(stream, errors, required=TARGET_COLUMNS, progress=progress):
            division = _division_of(row["division_code"], divisions, division_id, errors, line)
            try:
                month = month_parse(row["month"])
            except ValueError as exc:
                errors.add(line, "month", str(exc))
                month = None
            try:
                amount = _target_amount(row["target"])
            except ValueError as exc:
                errors.add(line, "target", str(exc))
                amount = None
            if division is None or month is None or amount is None:
                continue
            key = (division, month)
            if key in first_line:
                errors.add(line, "month", _("duplicate of line %(line)s: %(division)s %(month)s") % {
                    "line": first_line[key], "division": row["division_code"], "month": f"{month:%Y-%m}"})
                continue
            first_line[key] = line
            rows[key] = amount
    errors.raise_if_any()
    return _targets_write(rows, dry_run=dry_run, user_id=user_id, source=source)


def _division_of(code: str, divisions: dict[str, int], division_id: int | None, errors: RowErrors,
                 line: int) -> int | None:
    """The id of the division ``code`` names, or None with the line's error added."""
    try:
        division_code_validator(code)
    except ValidationError:
        errors.add(line, "division_code", _("not a division code: %(code)r") % {"code": code})
        return None
    if code not in divisions:
        errors.add(line, "division_code", _("unknown division: %(code)s") % {"code": code})
        return None
    if division_id is not None and divisions[code] != division_id:
        errors.add(line, "division_code", _("outside your division: %(code)s") % {"code": code})
        return None
    return divisions[code]


def _target_amount(value: str) -> Decimal:
    if not value:
        raise ValueError(_("must not be blank"))
    amount = parse_amount(value, allow_zero=True)
    if amount > MONEY_LIMIT:
        raise ValueError(_("more than %(most)s: %(value)s") % {"most": format_inr(MONEY_LIMIT), "value": value})
    return amount


def _targets_write(rows: dict[tuple[int, date], Decimal], *, dry_run: bool, user_id: int | None,
                   source: str) -> ImportResult:
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    with transaction.atomic():
        division_ids = sorted({division for division, _month in rows})
        # In id order, as target_set takes one: no two writers wait for each other both ways.
        list(Division.objects.select_for_update(no_key=True).filter(pk__in=division_ids).order_by("pk")
             .values_list("pk", flat=True))
        # Index target_division_month_unique: (division, month).
        existing = {(t.division_id, t.month): t for t in Target.objects.filter(
            division_id__in=division_ids, month__in={month for _division, month in rows})}
        created, updated = [], []
        now = timezone.now()
        for (division, month), amount in rows.items():
            target = existing.get((division, month))
            if target is None:
                created.append(Target(division_id=division, month=month, amount=amount, updated_by=user,
                                      source=source))
            elif target.amount != amount:
                target.amount, target.updated_by, target.source, target.updated_at = amount, user, source, now
                updated.append(target)
        result.created, result.updated = len(created), len(updated)
        result.unchanged = len(rows) - len(created) - len(updated)
        if dry_run:
            return result
        if created:
            bulk_create_with_history(created, Target, default_user=user, default_change_reason="targets.csv")
        if updated:
            bulk_update_with_history(updated, Target, ["amount", "updated_by", "source", "updated_at"],
                                     default_user=user, default_change_reason="targets.csv")
    return result


def target_set(*, user: User, division: Division, month: date, amount: Decimal, source: str) -> Target:
    """Sets ``division``'s revenue target for the month ``month`` falls in: created, or its amount changed
    and recorded with ``user`` and ``source``; the same amount changes nothing.

    Raises PermissionDenied unless the user sets targets and the division is theirs (IT: any), and
    DomainError for a month outside FIRST_MONTH..LAST_MONTH or an amount that is negative or not money.
    """
    if not may_set_targets(user) or not divisions_visible_to(user).filter(pk=division.pk).exists():
        raise PermissionDenied(_("you may not set this division's targets"))
    month = month.replace(day=1)
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise DomainError(_("must be from %(first)s to %(last)s")
                          % {"first": f"{FIRST_MONTH:%Y-%m}", "last": f"{LAST_MONTH:%Y-%m}"},
                          code="invalid_month", field="month")
    amount = money(amount, field="amount")
    if amount < 0:
        raise DomainError(_("must not be negative"), code="invalid_amount", field="amount")
    with transaction.atomic():
        Division.objects.select_for_update(no_key=True).filter(pk=division.pk).get()
        target = Target.objects.filter(division=division, month=month).first()
        if target is not None and target.amount == amount:
            return target
        if target is None:
            target = Target(division=division, month=month)
        target.amount, target.updated_by, target.source = amount, user, source
        target._history_user = user
        target.save()
    return target
