"""What one test leaves for the next: nothing, whatever the order (`make test-shuffled` runs the suite shuffled)."""

import pytest
from django.core.management import call_command
from django.db import connection

from arrears.models import LedgerDay
from reports.models import EventDay
from tests.drives.drive_data import defaulter, served


@pytest.mark.django_db(transaction=True)
def test_it_empties_the_database_after_a_live_server_test_whatever_order_the_tables_come_in(
        officer, rtp, monkeypatch):
    served(officer, defaulter(rtp))  # a ledger entry and a notice, each counted in its day book by a trigger
    assert LedgerDay.objects.exists() and EventDay.objects.exists()
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    books = {LedgerDay._meta.db_table, EventDay._meta.db_table}
    # The worst of the orders a run's hash seed can give: the day books first, their sources after them.
    worst = sorted(tables, key=lambda table: table not in books)
    monkeypatch.setattr(connection.introspection, "django_table_names", lambda **options: worst)

    call_command("flush", interactive=False, verbosity=0)  # what TransactionTestCase does after each test

    assert not LedgerDay.objects.exists() and not EventDay.objects.exists()
