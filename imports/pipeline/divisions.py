"""Imports divisions.csv (code,name,name_hi): all-or-nothing, re-import changes nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Division, division_code_validator
from core.text import refused_character
from imports.pipeline.reader import ImportResult, Progress, RowErrors, good_rows, open_text


def divisions_import(*, file, dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """Imports divisions.csv (code,name,name_hi): all-or-nothing, re-import changes nothing."""
    errors = RowErrors()
    rows: dict[str, tuple[str, str]] = {}
    first_line: dict[str, int] = {}
    with open_text(file) as stream:
        for line, row in good_rows(stream, errors, required=["code", "name"], optional=["name_hi"], progress=progress):
            code, name, name_hi = row["code"], row["name"], row.get("name_hi", "")
            try:
                division_code_validator(code)
            except ValidationError:
                errors.add(line, "code", _("must be 2 to 10 capital letters or digits: %(code)r") % {"code": code})
                continue
            if code in first_line:
                errors.add(line, "code", _("duplicate of line %(line)s: %(code)s")
                           % {"line": first_line[code], "code": code})
                continue
            if not name:
                errors.add(line, "name", _("must not be blank"))
            elif len(name) > 100:
                errors.add(line, "name", _("longer than %(n)s characters") % {"n": 100})
            if len(name_hi) > 100:
                errors.add(line, "name_hi", _("longer than %(n)s characters") % {"n": 100})
            # The code's grammar refuses control characters; the names are free text.
            for column, value in (("name", name), ("name_hi", name_hi)):
                if refused_character(value) is not None:  # core.text: no control or format character
                    errors.add(line, column, _("control character"))
            first_line[code] = line
            rows[code] = (name, name_hi)
    errors.raise_if_any()

    result = ImportResult(rows=len(rows), dry_run=dry_run)
    with transaction.atomic():
        existing = {d.code: d for d in Division.objects.select_for_update().filter(code__in=rows)}
        for code, (name, name_hi) in rows.items():
            division = existing.get(code)
            if division is None:
                result.created += 1
                if not dry_run:
                    Division.objects.create(code=code, name=name, name_hi=name_hi)
            elif (division.name, division.name_hi) != (name, name_hi):
                result.updated += 1
                if not dry_run:
                    division.name, division.name_hi = name, name_hi
                    division.save(update_fields=["name", "name_hi"])
            else:
                result.unchanged += 1
    return result
