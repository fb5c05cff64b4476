import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from accounts.models import User
from tests.factories import make_user


def test_it_creates_a_clerk_with_the_password_from_the_environment(rtp, monkeypatch, capsys):
    monkeypatch.setenv("KESCO_PASSWORD", "Field-Work-2026")
    call_command("add_user", "ramesh", role="clerk", division="RTP")
    user = User.objects.get(username="ramesh")
    assert (user.role, user.division.code) == ("clerk", "RTP")
    assert user.check_password("Field-Work-2026")
    assert "created ramesh" in capsys.readouterr().out


def test_it_creates_an_md_without_a_division(db, monkeypatch):
    monkeypatch.setenv("KESCO_PASSWORD", "Head-Office-2026")
    call_command("add_user", "md2", role="md")
    assert User.objects.get(username="md2").division is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"role": "clerk"}, "needs --division"),
        ({"role": "clerk", "division": "ZZZ"}, "unknown division 'ZZZ'"),
        ({"role": "md", "division": "RTP"}, "give no --division"),
    ],
)
def test_it_refuses_a_wrong_division(rtp, monkeypatch, kwargs, message):
    monkeypatch.setenv("KESCO_PASSWORD", "Field-Work-2026")
    with pytest.raises(CommandError, match=message):
        call_command("add_user", "someone", **kwargs)
    assert not User.objects.filter(username="someone").exists()


def test_it_refuses_a_weak_password_and_a_taken_name(clerk, monkeypatch):
    monkeypatch.setenv("KESCO_PASSWORD", "123")
    with pytest.raises(CommandError, match="password"):
        call_command("add_user", "newbie", role="md")
    monkeypatch.setenv("KESCO_PASSWORD", "Field-Work-2026")
    with pytest.raises(CommandError, match="already exists"):
        call_command("add_user", clerk.username, role="clerk", division="RTP")


def test_it_needs_a_password_when_not_on_a_terminal(db, monkeypatch):
    monkeypatch.delenv("KESCO_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: False)
    with pytest.raises(CommandError, match="KESCO_PASSWORD"):
        call_command("add_user", "md3", role="md")


def test_the_database_refuses_a_clerk_without_a_division(db):
    with pytest.raises(IntegrityError):
        make_user("loose", "clerk", None)
