"""Principal and surcharge: a consumer's arrears as of day D split by what they are owed for.

    principal  = what is unpaid of the BILL entries and debit ADJUSTMENT entries due before D
    surcharge  = what is unpaid of the SURCHARGE entries due before D (late-payment surcharge,
                 disconnection and reconnection charges)

Credits (PAYMENT, credit ADJUSTMENT) dated on or before D pay the debits due before D oldest due
first (by due date, then by entry for debits due the same day), each in full before the next. So
principal + surcharge is exactly the arrears as of D of arrears.ledger, and both are 0 when the
credits pay every debit due; what the credits leave over is ``unapplied_credit`` (an advance, which
pays debits falling due later). A settlement scheme waives a share of the surcharge and rebates a
share of the principal as they stood on its cut-off date.

One set-based SQL statement for many consumers (a scheme's registrations) or one (the consumer's
page), on PostgreSQL and SQLite alike, as arrears.ledger is.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from arrears.models import Consumer, EntryKind
from core.dates import india_today
from core.sql import sql_text

ZERO = Decimal("0.00")
# Consumers per statement: the ids are bound parameters, and a list far longer reads no faster.
SPLIT_CHUNK = 1_000

# For the consumers {ids}, as of day D (each %s of {as_of}): their ledger rows due on or before D
# (a credit's due_on is its entry date, so these are every credit dated on or before D and every
# debit due before D, besides debits due on D itself, which are not yet arrears) by an index range
# scan of ledger_consumer_due_on per consumer. A running sum of the debits due before D in the
# order they are paid (due date, then id) beside all the credits: a debit is unpaid by what of it
# lies beyond the credits, min(debit, max(0, running − credits)).
SPLIT_SQL = """
SELECT consumer_id,
       ROUND(SUM(CASE WHEN kind = {surcharge} THEN 0 ELSE unpaid END), 2) AS principal,
       ROUND(SUM(CASE WHEN kind = {surcharge} THEN unpaid ELSE 0 END), 2) AS surcharge,
       ROUND(MAX(paid) - MAX(due), 2) AS left_over
FROM (
    SELECT consumer_id, kind, paid, due,
           CASE WHEN running - paid <= 0 THEN 0
                WHEN running - paid >= owed THEN owed
                ELSE running - paid END AS unpaid
    FROM (
        SELECT consumer_id, kind, owed,
               SUM(owed) OVER (PARTITION BY consumer_id ORDER BY due_on, id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
               SUM(owed) OVER (PARTITION BY consumer_id) AS due,
               SUM(credit) OVER (PARTITION BY consumer_id) AS paid
        FROM (
            SELECT l.consumer_id, l.id, l.kind, l.due_on, l.credit,
                   CASE WHEN l.due_on < {as_of} THEN l.debit ELSE 0 END AS owed
            FROM arrears_ledgerentry l
            WHERE l.consumer_id IN ({ids}) AND l.due_on <= {as_of}
        ) rows_due
    ) running_due
) unpaid_debits
GROUP BY consumer_id
"""


@dataclass(frozen=True)
class Split:
    """A consumer's arrears as of ``as_of`` in principal and surcharge (rupees, 2 places)."""

    principal: Decimal
    surcharge: Decimal
    as_of: date
    # Credits dated on or before as_of beyond every debit due before it (an advance); 0 when in arrears.
    unapplied_credit: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        """The arrears as of ``as_of``."""
        return self.principal + self.surcharge


def _money(value) -> Decimal:
    # SQLite hands sums back as floats; PostgreSQL as exact numeric.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _as_of_sql() -> str:
    # SQLite keeps dates as ISO text; a CAST there would turn them into numbers.
    return "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"


def arrears_split(*, consumer_ids: list, as_of: date) -> dict[int, Split]:
    """Consumer id → its Split as of ``as_of`` for each of ``consumer_ids`` (0 and 0 for one with no
    ledger, or not owing), read from the ledger, not the cached figures. Any number of ids: they are
    asked SPLIT_CHUNK at a time."""
    ids = sorted({int(pk) for pk in consumer_ids})
    splits = {pk: Split(principal=ZERO, surcharge=ZERO, as_of=as_of) for pk in ids}
    day = _as_of_sql()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), SPLIT_CHUNK):
            chunk = ids[start:start + SPLIT_CHUNK]
            sql = SPLIT_SQL.format(surcharge=sql_text(EntryKind.SURCHARGE.value), as_of=day,
                                   ids=", ".join(["%s"] * len(chunk)))
            # The parameters in the order they appear: the day in the CASE, then the ids, then the day again.
            cursor.execute(sql, [as_of, *chunk, as_of])
            for consumer_id, principal, surcharge, left_over in cursor.fetchall():
                splits[consumer_id] = Split(principal=_money(principal), surcharge=_money(surcharge), as_of=as_of,
                                            unapplied_credit=max(ZERO, _money(left_over)))
    return splits


def consumer_split(consumer: Consumer, *, as_of: date | None = None) -> Split:
    """The consumer's arrears as of ``as_of`` (default: today in India) in principal and surcharge."""
    as_of = as_of or india_today()
    return arrears_split(consumer_ids=[consumer.pk], as_of=as_of)[consumer.pk]
