"""Imports consumers.csv: staged, checked (the checks below), then written with one UPDATE … FROM
and one INSERT … SELECT. All-or-nothing: one transaction per file."""

from django.db import connection, transaction
from django.utils.translation import gettext as _

from arrears.tariffs import CATEGORY_ACCEPTED, CATEGORY_GROUPS
from core.dates import india_today
from core.sql import sql_text
from core.text import refused_pattern
from imports.pipeline.bulk import _analyze_if_large, _bulk_load, _roomy_inserts
from imports.pipeline.checks import (
    ACCOUNT_RE,
    _as_decimal,
    _collect,
    _control_check,
    _duplicate_check,
    _reason,
    _regex,
)
from imports.pipeline.reader import (
    CONSUMER_COLUMNS,
    CONSUMER_REQUIRED,
    ImportResult,
    Progress,
    RowErrors,
)
from imports.pipeline.staging import Staged, _drop, _phase, _stage


def consumers_import(*, file, dry_run: bool = False, progress: Progress | None = None,
                     division_id: int | None = None) -> ImportResult:
    """Imports consumers.csv. With ``division_id`` (an officer's upload) every row must be
    a consumer of that division already, and stay in it: an officer corrects their
    consumers' details; new connections and moves between divisions come from IT's
    import of the billing system's file."""
    errors = RowErrors()
    with transaction.atomic():
        staged = _stage(file, CONSUMER_COLUMNS, CONSUMER_REQUIRED, errors, progress)
        t = staged.table
        # Exactly as written: UPPCL's codes in capitals, the broad words in lower case (arrears.tariffs).
        categories = ", ".join(sql_text(c) for c in CATEGORY_GROUPS)
        category_reason = _reason(_("not %(accepted)s: %(value)s"), accepted=sql_text(CATEGORY_ACCEPTED),
                                  value="category")
        checks = [
            f"SELECT line, 'account_no' AS col, {_reason(_('must be 8 to 12 digits: %(value)s'), value='account_no')}"
            f" AS reason FROM {t} WHERE NOT {_regex('account_no', ACCOUNT_RE)}",
            _duplicate_check(t, ["account_no"], "account_no"),
            f"SELECT line, 'name' AS col, {_reason(_('must not be blank'))} AS reason FROM {t} WHERE name = ''",
            f"SELECT line, 'name' AS col, {_reason(_('longer than %(n)s characters') % {'n': 200})} AS reason"
            f" FROM {t} WHERE length(name) > 200",
            f"SELECT s.line, 'division_code' AS col,"
            f" {_reason(_('unknown division: %(value)s'), value='s.division_code')}"
            f" AS reason FROM {t} s LEFT JOIN accounts_division d ON d.code = s.division_code WHERE d.id IS NULL",
            f"SELECT line, 'category' AS col, {category_reason} AS reason FROM {t}"
            f" WHERE category NOT IN ({categories})",
            f"SELECT line, 'sanctioned_load_kw' AS col,"
            f" {_reason(_('not a load in kW: %(value)s'), value='sanctioned_load_kw')} AS reason"
            f" FROM {t} WHERE sanctioned_load_kw <> '' AND NOT"
            f" {_regex('sanctioned_load_kw', '^[0-9]{1,8}([.][0-9]{1,2})?$')}",
            f"SELECT line, 'phone' AS col, {_reason(_('not a phone number: %(value)s'), value='phone')} AS reason"
            f" FROM {t} WHERE phone <> '' AND NOT {_regex('phone', '^([+]91|0)?[0-9]{10}$')}",
            f"SELECT line, 'meter_no' AS col, {_reason(_('longer than %(n)s characters') % {'n': 30})} AS reason"
            f" FROM {t} WHERE length(meter_no) > 30",
            f"SELECT line, 'is_protected' AS col,"
            f" {_reason(_('must be 0 or 1 (blank = 0): %(value)s'), value='is_protected')} AS reason"
            f" FROM {t} WHERE is_protected NOT IN ('', '0', '1')",
            # core.text's rule: no control or format character (a U+202E would show the name reversed on every
            # page and export); an address may span lines and hold a tab (the billing system writes it so).
            _control_check(t, "name", refused_pattern(one_line=True)),
            _control_check(t, "address", refused_pattern(one_line=False)),
            _control_check(t, "meter_no", refused_pattern(one_line=True)),
        ]
        params = []
        if division_id is not None:
            checks += [
                f"SELECT s.line, 'division_code' AS col,"
                f" {_reason(_('outside your division: %(value)s'), value='s.division_code')} AS reason"
                f" FROM {t} s JOIN accounts_division d ON d.code = s.division_code WHERE d.id <> %s",
                # One answer whether the account is another division's or no one's: the
                # import is no way to learn which accounts exist elsewhere.
                f"SELECT s.line, 'account_no' AS col, {_reason(_('outside your division'))} AS reason FROM {t} s"
                f" WHERE {_regex('s.account_no', ACCOUNT_RE)} AND NOT EXISTS (SELECT 1 FROM arrears_consumer c"
                f" WHERE c.account_no = s.account_no AND c.division_id = %s)",
            ]
            params += [division_id, division_id]
        with _phase("consumers import: checks"):
            _collect(errors, checks, params)
        errors.raise_if_any()
        with _phase("consumers import: write"):
            result = _consumers_write(staged, dry_run=dry_run, division_id=division_id)
        _drop(staged)
        if dry_run:
            transaction.set_rollback(True)
        return result


def _consumers_write(staged: Staged, *, dry_run: bool, division_id: int | None) -> ImportResult:
    """Writes a file that passed the checks. An officer's (``division_id``) only updates
    that division's consumers, never moves one and never creates one: the checks refused
    any other row already, and the write is confined to the division all the same."""
    t = staged.table
    load = ("CASE WHEN s.sanctioned_load_kw = '' THEN 0 ELSE " + _as_decimal("s.sanctioned_load_kw") + " END")
    protected = "CASE WHEN s.is_protected = '1' THEN TRUE ELSE FALSE END" if connection.vendor == "postgresql" \
        else "CASE WHEN s.is_protected = '1' THEN 1 ELSE 0 END"
    differs = (f"c.name <> s.name OR c.address <> s.address OR c.division_id <> d.id OR c.category <> s.category"
               f" OR c.sanctioned_load_kw <> {load} OR c.phone <> s.phone OR c.meter_no <> s.meter_no"
               f" OR c.is_protected <> {protected}")
    result = ImportResult(rows=staged.rows, dry_run=dry_run)
    officer = division_id is not None
    scope = " AND c.division_id = %s" if officer else ""
    scope_params = [division_id] if officer else []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(c.id), COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND ({differs}) THEN 1 ELSE 0 END), 0)"
            f" FROM {t} s JOIN accounts_division d ON d.code = s.division_code"
            f" LEFT JOIN arrears_consumer c ON c.account_no = s.account_no{scope}", scope_params)
        existing, updated = cursor.fetchone()
        result.created = staged.rows - existing
        result.updated = updated
        result.unchanged = existing - updated
        if dry_run:
            return result
    with _bulk_load(result.created + result.updated, "arrears_consumer") as bulk, connection.cursor() as cursor:
        now = "CURRENT_TIMESTAMP"
        cursor.execute(
            f"UPDATE arrears_consumer AS c SET name = s.name, address = s.address,"
            f"{'' if officer else ' division_id = d.id,'}"
            f" category = s.category, sanctioned_load_kw = {load}, phone = s.phone, meter_no = s.meter_no,"
            f" is_protected = {protected}, updated_at = {now}"
            f" FROM {t} s JOIN accounts_division d ON d.code = s.division_code"
            f" WHERE c.account_no = s.account_no AND ({differs}){scope}", scope_params)
        if not officer:
            # New consumers of a bulk load (its foreign keys dropped: no check pending) leave room on
            # their pages for the refresh of positions that the ledger's import writes next.
            with _roomy_inserts(result.created if bulk else 0):
                cursor.execute(
                    f"INSERT INTO arrears_consumer (account_no, name, address, division_id, category,"
                    f" sanctioned_load_kw, phone, meter_no, is_protected, status, balance, arrears, arrears_from,"
                    f" created_at, updated_at)"
                    f" SELECT s.account_no, s.name, s.address, d.id, s.category, {load}, s.phone, s.meter_no,"
                    # No ledger yet: nothing owed, for ever (arrears_until NULL) until an entry is written.
                    f" {protected}, 'connected', 0, 0, %s, {now}, {now}"
                    f" FROM {t} s JOIN accounts_division d ON d.code = s.division_code"
                    f" WHERE NOT EXISTS (SELECT 1 FROM arrears_consumer c WHERE c.account_no = s.account_no)"
                    f" ORDER BY s.line", [india_today()])
    _analyze_if_large(result.created, ["arrears_consumer"])
    return result
