"""Moving models between apps keeps the data: a database of the old layout migrates forward intact.

Payments, import jobs and defaulter lists were arrears' models; idempotency keys were accounts'.
They moved with state-only migrations, so their tables and rows stay where they are. This test
builds the old layout's schema, writes a row of each, migrates forward and reads them back.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The last migrations of the old layout (before the models moved), and the apps that did not exist.
OLD_LAYOUT = [("accounts", "0002_idempotencykey"), ("arrears", "0010_payment_backdate_reason"),
              ("core", None), ("defaulters", None), ("imports", None), ("payments", None)]


@pytest.fixture
def old_layout(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(OLD_LAYOUT)
    executor.loader.build_graph()
    yield executor.loader.project_state([node for node in OLD_LAYOUT if node[1]]).apps
    # Whatever the test did, leave the database at the newest migrations for the next test.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _write_old_rows(apps) -> dict:
    Division = apps.get_model("accounts", "Division")
    User = apps.get_model("accounts", "User")
    Consumer = apps.get_model("arrears", "Consumer")
    LedgerEntry = apps.get_model("arrears", "LedgerEntry")
    division = Division.objects.create(code="RTP", name="Ratanpur")
    clerk = User.objects.create(username="clerk_rtp", role="clerk", division=division)
    consumer = Consumer.objects.create(account_no="00012345", name="Ram Prasad", division=division,
                                       category="domestic", sanctioned_load_kw=Decimal("2.00"),
                                       balance=Decimal("-500.00"), arrears=Decimal("0.00"),
                                       arrears_from=date(2026, 11, 1), status="connected")
    entry = LedgerEntry.objects.create(consumer=consumer, kind="PAYMENT", amount=Decimal("500.00"),
                                       entry_date=date(2026, 11, 1), reference="R-1", source="web")
    apps.get_model("arrears", "Payment").objects.create(
        consumer=consumer, ledger_entry=entry, amount=Decimal("500.00"), mode="cash", receipt_no="R-1",
        paid_at=timezone.now(), balance_after=Decimal("-500.00"), arrears_after=Decimal("0.00"), taken_by=clerk,
        source="web")
    apps.get_model("arrears", "ImportJob").objects.create(kind="ledger", original_name="ledger.csv",
                                                          status="done", summary="1 row(s) imported")
    run = apps.get_model("arrears", "DefaulterRun").objects.create(
        division=division, as_of=date(2026, 11, 30), threshold=Decimal("10000.00"), status="done", trigger="beat")
    defaulters = apps.get_model("arrears", "DefaulterList").objects.create(
        division=division, as_of=date(2026, 11, 30), threshold=Decimal("10000.00"), built_at=timezone.now(),
        run=run, consumer_count=1, total_arrears=Decimal("25000.00"))
    apps.get_model("arrears", "DefaulterEntry").objects.create(
        list=defaulters, consumer=consumer, account_no="00012345", name="Ram Prasad", arrears=Decimal("25000.00"),
        oldest_due_date=date(2026, 6, 1), days_overdue=182, age_bucket="181-365", band="sdo", rank=1,
        is_protected=False)
    apps.get_model("accounts", "IdempotencyKey").objects.create(user=clerk, key="k-1", operation="payments.create",
                                                                request_hash="0" * 64, response_status=201)
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.get_or_create(app_label="arrears", model="payment")
    return {"consumer": consumer.pk}


def test_it_keeps_every_row_when_the_models_move_to_their_apps(old_layout):
    ids = _write_old_rows(old_layout)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from core.models import IdempotencyKey
    from defaulters.models import DefaulterEntry, DefaulterList, DefaulterRun
    from imports.models import ImportJob
    from payments.models import Payment

    payment = Payment.objects.select_related("consumer", "ledger_entry", "taken_by").get(receipt_no="R-1")
    assert (payment.consumer_id, payment.amount, payment.ledger_entry.reference, payment.taken_by.username) == (
        ids["consumer"], Decimal("500.00"), "R-1", "clerk_rtp")
    assert ImportJob.objects.get().summary == "1 row(s) imported"
    defaulters = DefaulterList.objects.select_related("run").get()
    assert (defaulters.run.status, defaulters.total_arrears) == ("done", Decimal("25000.00"))
    assert DefaulterEntry.objects.get().list_id == defaulters.pk == DefaulterList.objects.get().pk
    assert DefaulterRun.objects.count() == 1
    assert IdempotencyKey.objects.get().key == "k-1"
    # The admin log and permissions of a moved model follow it.
    assert ContentType.objects.filter(app_label="payments", model="payment").exists()
    assert not ContentType.objects.filter(app_label="arrears", model="payment").exists()
