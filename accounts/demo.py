"""Demo organisation: KESCO's divisions and one user of each role."""

import os

from django.db import transaction

from accounts.models import Division, Role, User
from accounts.permissions import STAFF_ROLES

# (code, name, name in Hindi): KESCO's distribution divisions in Kanpur.
DEMO_DIVISIONS = [
    ("RTP", "Ratanpur", "रतनपुर"),
    ("HSP", "Hanspuram", "हंसपुरम"),
    ("HRG", "Harrisganj", "हैरिसगंज"),
    ("KLP", "Kalyanpur", "कल्याणपुर"),
    ("KDN", "Kidwai Nagar", "किदवई नगर"),
    ("GVN", "Govind Nagar", "गोविंद नगर"),
]

DEMO_PASSWORD_DEFAULT = "kesco-demo-2026"


def demo_password() -> str:
    return os.environ.get("KESCO_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)


def demo_users() -> list[tuple[str, str, str | None, str, str]]:
    """(username, role, division code, first name, last name)."""
    users = [
        ("md", Role.MD, None, "Sanjay", "Verma"),
        ("itadmin", Role.ADMIN, None, "Neha", "Gupta"),
    ]
    officers = {"RTP": ("Rajesh", "Tiwari"), "HSP": ("Anita", "Mishra"), "HRG": ("Vikas", "Yadav")}
    clerks = {"RTP": ("Ramesh", "Kumar"), "HSP": ("Suresh", "Pal"), "HRG": ("Mohd.", "Irfan")}
    for code, _name, _hi in DEMO_DIVISIONS:
        first, last = officers.get(code, ("Officer", code.title()))
        users.append((f"officer_{code.lower()}", Role.OFFICER, code, first, last))
        first, last = clerks.get(code, ("Clerk", code.title()))
        users.append((f"clerk_{code.lower()}", Role.CLERK, code, first, last))
    return users


@transaction.atomic
def demo_organisation_seed() -> list[tuple[str, str, str | None]]:
    """Creates the demo divisions and users if missing; idempotent. Returns the logins."""
    for code, name, name_hi in DEMO_DIVISIONS:
        Division.objects.update_or_create(code=code, defaults={"name": name, "name_hi": name_hi})
    divisions = {d.code: d for d in Division.objects.all()}
    password = demo_password()
    logins = []
    for username, role, code, first, last in demo_users():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, division=divisions.get(code), first_name=first,
                        last_name=last, is_staff=role in STAFF_ROLES,
                        is_superuser=role == Role.ADMIN)
            user.set_password(password)
            user.save()
        logins.append((username, role, code))
    return logins
