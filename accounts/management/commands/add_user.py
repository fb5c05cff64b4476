import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import user_create
from core.errors import DomainError


class Command(BaseCommand):
    help = "Create a user. Password from KESCO_PASSWORD, else prompted."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--division", help="division code (officers and clerks)")

    def handle(self, *args, username, role, division, **options):
        password = os.environ.get("KESCO_PASSWORD")
        if not password:
            if not options.get("interactive", True) or not os.isatty(0):
                raise CommandError("set KESCO_PASSWORD or run on a terminal to be asked for the password")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ")
        try:
            user = user_create(username=username, password=password, role=role, division_code=division)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        where = f" in {user.division.code}" if user.division else ""
        self.stdout.write(self.style.SUCCESS(f"created {user.username} ({user.get_role_display()}{where})"))
