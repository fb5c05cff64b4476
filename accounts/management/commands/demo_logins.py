"""`make run` prints the demo's logins last, in a box, just before the server starts (they once scrolled away
behind ~200 lines of list builds)."""

from django.core.management.base import BaseCommand

from accounts.demo import demo_password, demo_users
from accounts.models import User


class Command(BaseCommand):
    help = "Print the demo users that exist, with the demo password, in a box."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="where the demo is served (printed in the box)")

    def handle(self, *args, url, **options):
        existing = set(User.objects.filter(username__in=[u[0] for u in demo_users()], is_active=True)
                       .values_list("username", flat=True))
        rows = [f"{username:<14} {role:<8} {code or 'all divisions'}"
                for username, role, code, _first, _last in demo_users() if username in existing]
        if not rows:
            self.stdout.write("No demo users here: run `make demo` (or `python manage.py seed_demo`) first.")
            return
        lines = [f"Demo logins (password: {demo_password()})", "", *rows]
        if url:
            lines += ["", f"Open {url}"]
        width = max(len(line) for line in lines)
        self.stdout.write("+" + "-" * (width + 2) + "+")
        for line in lines:
            self.stdout.write(f"| {line:<{width}} |")
        self.stdout.write("+" + "-" * (width + 2) + "+")
