"""`make run` ends with the demo's logins in a box, just before the server starts (issue 21, item 13)."""

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from accounts.demo import demo_organisation_seed, demo_password
from accounts.models import User

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def _logins(**options) -> str:
    out = StringIO()
    call_command("demo_logins", stdout=out, **options)
    return out.getvalue()


def test_it_prints_every_demo_login_with_the_password_in_a_box(db):
    demo_organisation_seed()
    User.objects.filter(username="clerk_gvn").update(is_active=False)
    lines = _logins(url="http://127.0.0.1:8000/").splitlines()
    assert lines[0] == lines[-1] and re.fullmatch(r"\+-+\+", lines[0])
    assert all(line.startswith("| ") and line.endswith(" |") and len(line) == len(lines[0]) for line in lines[1:-1])
    text = "\n".join(lines)
    assert f"Demo logins (password: {demo_password()})" in text
    for username in ("md", "itadmin", "officer_rtp", "clerk_rtp", "officer_gvn"):
        assert re.search(rf"\| {username} +", text), username
    assert "clerk_gvn" not in text  # a deactivated user is no login
    assert "Open http://127.0.0.1:8000/" in text


def test_without_demo_users_it_says_how_to_make_them(db):
    assert "run `make demo`" in _logins()


def test_make_run_prints_them_last_before_serving():
    recipe = MAKEFILE.read_text().split("\nrun: demo\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert "demo_logins" in recipe[0] and "Serving on" in recipe[1] and "runserver" in recipe[2]
