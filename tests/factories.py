"""Plain factories: the smallest valid objects, named for what a test needs."""

from accounts.models import Division, Role, User


def make_division(code: str = "RTP", name: str = "Ratanpur", name_hi: str = "") -> Division:
    return Division.objects.get_or_create(code=code, defaults={"name": name, "name_hi": name_hi})[0]


def make_user(username: str, role: str, division: Division | None = None, *, password: str = "x") -> User:
    user = User(username=username, role=role, division=division, is_staff=role in (Role.ADMIN, Role.OFFICER),
                is_superuser=role == Role.ADMIN, first_name=username.split("_")[0].title())
    user.set_password(password)
    user.save()
    return user
