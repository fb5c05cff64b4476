"""The per-row ORM import that ``make bench`` compares the real import with.

What a naive importer does: for each row of a ledger sample, look the consumer
up with the ORM and add the entry through ``ledger_entry_add`` in its own
transaction. Run as a child process (``python -m bench.orm_baseline FILE``) so
its time and memory are its own; prints ``rows seconds`` on the last line.
Afterwards it takes its entries out again, so later parts of the benchmark see
the imported data set unchanged.
"""

import sys
import time


def main(path: str) -> None:
    import django

    django.setup()
    from django.db import transaction

    from arrears.ledger import positions_refresh
    from arrears.models import Consumer, LedgerEntry
    from arrears.services import ledger_entry_add
    from core.dates import india_today
    from core.models import Source
    from imports.pipeline.reader import open_text, parse_amount, parse_date, read_rows

    rows = 0
    touched = set()
    added = []
    start = time.perf_counter()
    with open_text(path) as stream:
        for _line, row in read_rows(stream, required=["account_no", "entry_date", "kind", "amount", "reference"],
                                    optional=["due_date"]):
            with transaction.atomic():
                consumer = Consumer.objects.select_for_update().get(account_no=row["account_no"])
                entry = ledger_entry_add(consumer=consumer, kind=row["kind"], entry_date=parse_date(row["entry_date"]),
                                 amount=parse_amount(row["amount"], allow_negative=row["kind"] == "ADJUSTMENT"),
                                 reference=row["reference"],
                                 due_date=parse_date(row["due_date"]) if row["due_date"] else None,
                                 user=None, source=Source.IMPORT)
            touched.add(consumer.pk)
            added.append(entry.pk)
            rows += 1
    seconds = time.perf_counter() - start
    with transaction.atomic():
        LedgerEntry.objects.filter(pk__in=added).delete()
        positions_refresh(as_of=india_today(), consumer_ids=touched)
    print(rows, seconds)


if __name__ == "__main__":
    main(sys.argv[1])
