"""Schemes as data: ``schemes.json`` (the shape of settlements/fixtures/schemes.json) into Scheme rows.

    {"schemes": [{"code", "name_en", "name_hi", "starts_on", "ends_on", "dues_cutoff",
                  "instalment_months"?, "lump_sum_days"?, "is_active"?,
                  "phases": [{"number", "starts_on", "ends_on"}],
                  "rules":  [{"categories"?, "load_min_kw"?, "load_max_kw"?, "principal_min"?, "principal_max"?,
                              "connection"?}],
                  "terms":  [{"phase"? (a phase number; none: every phase), "plan", <the rule's bounds>?,
                              "surcharge_waiver_pct"?, "principal_rebate_pct"?, "instalments"?,
                              "instalment_amount"?, "deposit_pct"?, "deposit_fixed"?}]}]}

A scheme is replaced whole by its code, until someone registers under it: then it is refused
(``scheme_in_use``), so no registration's terms change under it.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from arrears.tariffs import CATEGORY_GROUPS
from core.errors import DomainError
from settlements.models import Connection, PlanKind, Scheme, SchemePhase, SchemeRule, SchemeTerm

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "schemes.json"
BOUNDS = ("categories", "load_min_kw", "load_max_kw", "principal_min", "principal_max", "connection")
SCHEME_FIELDS = ("code", "name_en", "name_hi", "starts_on", "ends_on", "dues_cutoff", "instalment_months",
                 "lump_sum_days", "is_active")
TERM_FIELDS = ("plan", "surcharge_waiver_pct", "principal_rebate_pct", "instalments", "instalment_amount",
               "deposit_pct", "deposit_fixed")
MAX_SCHEMES = 50
MAX_ROWS = 200


class SchemeImportError(DomainError):
    pass


def _unknown(where: str, data: dict, allowed) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise SchemeImportError(f"{where}: unknown field(s) {', '.join(extra)}", code="scheme_invalid")


def _bounds(where: str, data: dict) -> dict:
    values = {name: data[name] for name in BOUNDS if name in data and data[name] is not None}
    categories = values.get("categories", [])
    if not isinstance(categories, list) or any(c not in CATEGORY_GROUPS for c in categories):
        raise SchemeImportError(
                f"{where}: categories must be a list of rate schedules", code="scheme_invalid")
    if values.get("connection", Connection.ANY) not in Connection.values:
        raise SchemeImportError(
                f"{where}: connection is one of {', '.join(Connection.values)}", code="scheme_invalid")
    return values


def _full_clean(where: str, row) -> None:
    try:
        row.full_clean(exclude=["scheme", "phase"])
    except ValidationError as error:
        raise SchemeImportError(f"{where}: {'; '.join(error.messages)}", code="scheme_invalid") from None


@transaction.atomic
def schemes_load(data: dict) -> list[Scheme]:
    """Creates or replaces each scheme of ``data``; all or nothing. Refuses unknown fields and bad values."""
    schemes = data.get("schemes") if isinstance(data, dict) else None
    if not isinstance(schemes, list) or not schemes or len(schemes) > MAX_SCHEMES:
        raise SchemeImportError(
                f"expected {{\"schemes\": [ … ]}} with 1 to {MAX_SCHEMES} schemes", code="scheme_invalid")
    loaded = []
    for item in schemes:
        if not isinstance(item, dict) or not item.get("code"):
            raise SchemeImportError("each scheme needs a code", code="scheme_invalid")
        code = str(item["code"])
        _unknown(code, item, SCHEME_FIELDS + ("phases", "rules", "terms"))
        phases, rules, terms = item.get("phases") or [], item.get("rules") or [], item.get("terms") or []
        if not phases or not rules or not terms or max(len(phases), len(rules), len(terms)) > MAX_ROWS:
            raise SchemeImportError(
                f"{code}: phases, rules and terms are each 1 to {MAX_ROWS}", code="scheme_invalid")
        scheme = Scheme.objects.filter(code=code).first()
        if scheme is not None:
            if scheme.settlements.exists():
                raise SchemeImportError(
                f"{code}: consumers have registered under it; it cannot change", code="scheme_in_use")
            scheme.phases.all().delete()
            scheme.rules.all().delete()
            scheme.terms.all().delete()
        else:
            scheme = Scheme(code=code)
        for name in SCHEME_FIELDS[1:]:
            if name in item:
                setattr(scheme, name, item[name])
        _full_clean(code, scheme)
        scheme.save()
        numbered = {}
        for phase_data in phases:
            _unknown(f"{code} phase", phase_data, ("number", "starts_on", "ends_on"))
            phase = SchemePhase(scheme=scheme, **phase_data)
            _full_clean(f"{code} phase {phase_data.get('number')}", phase)
            phase.save()
            phase.refresh_from_db()
            if not (scheme.starts_on <= phase.starts_on <= phase.ends_on <= scheme.ends_on):
                raise SchemeImportError(
                f"{code} phase {phase.number}: outside the scheme's dates", code="scheme_invalid")
            numbered[phase.number] = phase
        if not scheme.dues_cutoff < scheme.starts_on:
            raise SchemeImportError(f"{code}: the dues cut-off must be before the scheme opens", code="scheme_invalid")
        for rule_data in rules:
            _unknown(f"{code} rule", rule_data, BOUNDS)
            rule = SchemeRule(scheme=scheme, **_bounds(f"{code} rule", rule_data))
            _full_clean(f"{code} rule", rule)
            rule.save()
        for position, term_data in enumerate(terms):
            where = f"{code} term {position + 1}"
            _unknown(where, term_data, BOUNDS + TERM_FIELDS + ("phase",))
            if term_data.get("plan") not in PlanKind.values:
                raise SchemeImportError(
                f"{where}: plan is one of {', '.join(PlanKind.values)}", code="scheme_invalid")
            number = term_data.get("phase")
            if number is not None and number not in numbered:
                raise SchemeImportError(f"{where}: no phase {number}", code="scheme_invalid")
            fields = {name: term_data[name] for name in TERM_FIELDS if term_data.get(name) is not None}
            term = SchemeTerm(scheme=scheme, phase=numbered.get(number), position=position,
                              **fields, **_bounds(where, term_data))
            _full_clean(where, term)
            if term.plan == PlanKind.INSTALMENTS and not term.instalments:
                raise SchemeImportError(
                f"{where}: instalments needs a number of instalments", code="scheme_invalid")
            if term.plan == PlanKind.FIXED_INSTALMENTS and not term.instalment_amount:
                raise SchemeImportError(
                f"{where}: fixed_instalments needs an instalment_amount", code="scheme_invalid")
            term.save()
        loaded.append(scheme)
    return loaded


def schemes_load_fixture() -> list[Scheme]:
    """The schemes that ship with the app (2024-25 OTS, Bijli Bill Rahat Yojana 2025)."""
    import json

    return schemes_load(json.loads(FIXTURE.read_text(encoding="utf-8")))
