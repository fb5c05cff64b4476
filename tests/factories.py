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


_account_counter = iter(range(10_000_001, 99_999_999))


def make_consumer(division: Division, *, account_no: str | None = None, name: str = "Ram Prasad",
                  is_protected: bool = False, **fields):
    from arrears.models import Consumer

    return Consumer.objects.create(
        account_no=account_no or f"{next(_account_counter):08d}", name=name, division=division,
        address=fields.pop("address", "12/34 Ratanpur Colony, Kanpur"), category=fields.pop("category", "LMV-1"),
        sanctioned_load_kw=fields.pop("sanctioned_load_kw", "2.00"), is_protected=is_protected, **fields)


_reference_counter = iter(range(1, 10**9))


def add_entry(consumer, kind: str, amount: str, entry_date, due_date=None, *, reference: str | None = None,
              user=None):
    """A ledger entry through the ledger service, so the cached position follows."""
    from decimal import Decimal

    from django.db import transaction

    from arrears.models import Consumer
    from arrears.services import ledger_entry_add
    from core.models import Source

    with transaction.atomic():
        locked = Consumer.objects.select_for_update().get(pk=consumer.pk)
        entry = ledger_entry_add(consumer=locked, kind=kind, amount=Decimal(amount), entry_date=entry_date,
                                 due_date=due_date, reference=reference or f"{kind[0]}-{next(_reference_counter)}",
                                 user=user, source=Source.IMPORT)
    consumer.refresh_from_db()
    return entry
