"""import_schemes: IT loads settlement schemes from schemes.json (or the shipped ones); a refusal writes nothing."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from payments.services import payment_record
from settlements.models import Scheme
from settlements.services import settlement_register
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = pytest.mark.django_db

SCHEME = {
    "code": "OTS-2026", "name_en": "One Time Settlement 2026", "name_hi": "एकमुश्त समाधान योजना 2026",
    "starts_on": "2026-12-01", "ends_on": "2027-01-31", "dues_cutoff": "2026-10-31",
    "phases": [{"number": 1, "starts_on": "2026-12-01", "ends_on": "2027-01-31"}],
    "rules": [{"categories": ["LMV-1"], "load_max_kw": "1"}],
    "terms": [{"plan": "lump_sum", "surcharge_waiver_pct": "100", "deposit_pct": "25"}],
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_schemes", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, data) -> str:
    path = tmp_path / "schemes.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_shipped_loads_the_2024_25_scheme_and_the_rahat_yojana():
    output = run("--shipped")

    assert set(Scheme.objects.values_list("code", flat=True)) == {"OTS-2024-25", "BBRY-2025"}
    assert "OTS-2024-25 One Time Settlement Scheme 2024-25: 2024-12-15 to 2025-01-31" in output
    assert "2 phases, 2 rules, 8 terms" in output
    assert "2 schemes loaded" in output


def test_a_file_loads_and_loading_it_again_replaces_it(tmp_path):
    path = write(tmp_path, {"schemes": [SCHEME]})
    run(path)

    output = run(write(tmp_path, {"schemes": [{**SCHEME, "name_en": "OTS 2026 (revised)"}]}))

    assert Scheme.objects.get(code="OTS-2026").name_en == "OTS 2026 (revised)"
    assert Scheme.objects.count() == 1
    assert "1 scheme loaded" in output


@pytest.mark.parametrize(("data", "message"), [
    ({"schemes": [{**SCHEME, "terms": [{"plan": "monthly"}]}]}, "scheme_invalid: OTS-2026 term 1: plan is one of"),
    ({"schemes": [{**SCHEME, "rules": [{"categories": ["shop"]}]}]}, "categories must be a list of rate schedules"),
    ({"schemes": [SCHEME, {**SCHEME, "code": "", "name_en": "no code"}]}, "each scheme needs a code"),
])
def test_a_bad_file_is_refused_with_exit_status_1_and_nothing_is_loaded(tmp_path, data, message):
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, data))

    assert message in str(refused.value) and "nothing was loaded" in str(refused.value)
    assert refused.value.returncode == 1
    assert not Scheme.objects.exists()


def test_a_scheme_with_registrations_is_not_replaced(tmp_path, rtp, clerk):
    scheme = open_scheme()
    consumer = owing(rtp, principal="1000.00", surcharge="100.00", before=scheme.dues_cutoff)
    payment_record(user=clerk, account_no=consumer.account_no, amount="300.00", mode="cash", receipt_no="DEP-1",
                   source="web")
    settlement_register(user=clerk, account_no=consumer.account_no, scheme=scheme, plan="lump_sum",
                        deposit_receipt_no="DEP-1")
    changed = {"code": scheme.code, "name_en": "Changed", "name_hi": "बदला", "starts_on": str(scheme.starts_on),
               "ends_on": str(scheme.ends_on), "dues_cutoff": str(date(2020, 1, 1)),
               "phases": [{"number": 1, "starts_on": str(scheme.starts_on), "ends_on": str(scheme.ends_on)}],
               "rules": [{}], "terms": [{"plan": "lump_sum"}]}

    with pytest.raises(CommandError, match="scheme_in_use"):
        run(write(tmp_path, {"schemes": [changed]}))

    scheme.refresh_from_db()
    assert scheme.name_en == "Test settlement" and scheme.dues_cutoff != date(2020, 1, 1)


@pytest.mark.parametrize("args", [(), ("x.json", "--shipped")])
def test_it_takes_a_file_or_shipped(args):
    with pytest.raises(CommandError, match="a schemes.json file or --shipped"):
        run(*args)


def test_a_missing_or_unreadable_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "none.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        run(str(bad))
