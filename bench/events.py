"""A year of drives and payments on the loaded data set, for the reports part (bench.reports).

After the imports part has loaded the consumers and their ledger, ``generate`` writes what a
year of KESCO's field work leaves behind, with set-based SQL: staging tables whose rows carry
their final ids (drawn from each table's own sequence), then one INSERT … SELECT per table.

- A drive per division per working day (Monday to Saturday) with its clerks and 30–60 stops
  (1–2 at the small size). Each consumer is stopped at most once in the year (the division's
  largest arrears first, then the others in a hashed order), so no one is cut twice.
- A section 56 notice served 16–45 days before the drive, on two stops in three. The drives
  of the NOTICE_AHEAD days after yesterday are planned too, so that notices are served up to
  yesterday; only their notices are written.
- Outcomes by a hash of the consumer: 40 % of the stops disconnected (on their notice, with
  the disconnection charge of the consumer's group on the ledger), 10 % paid on the spot
  before a cut, the rest premises locked, refused, not found or disputed, or (one in ten of
  those never served) theft found: a theft case, assessed on the ledger three days later in
  four cases of five, then left there, with an FIR, settled or in court. A quarter of the
  cut pay on the spot after the cut, and three in eight at the counter 1–5 days later.
- Every payment a PAYMENT on the ledger and a receipt (arrears_payment): on the spot naming
  the stop, taken by its clerk (and on the stop: paid_amount, payments_count); at the counter
  without one. Paid on the spot before a cut is the whole arrears, so it closes the stop as paid
  (DESIGN.md: at least the reconnection minimum); after a cut, at least the minimum. Besides those, 40 counter payments
  a division a day (2 at the small size) from any of its consumers.
- A cut consumer who paid gets a reconnection order; 85 % are done within a day, 10 % late,
  5 % still open (with the reconnection charge on the ledger when done). The others stay
  disconnected (the consumer's status).
- A revenue target for every division and month of the year (about its monthly billing).

Then each division's defaulter list as of the days the reports part asks about, as the
nightly job would have built them on those nights: every consumer's cached figures from its
ledger as of the first of those days (arrears.ledger.positions_refresh), each night's build
with "today" set to its day, rolling the cache forward, and today's lists again; the cache
ends as of today, equal to the ledger.

Every notice, disconnection, payment, reconnection order and ledger entry names its division
(the drive's, its consumer's: arrears.models.CountedForDivision), as the services write them. The day books
(arrears.LedgerDay, reports.EventDay) are kept by their triggers on these INSERTs, as on any
write. History rows (django-simple-history) are not written.

Runs in a child process with Django set up: ``python -m bench.events generate`` prints the
counts as JSON. ``ensure(ctx)`` runs it unless the events are there already (a drive named
DRIVE_NAME …).
"""

import argparse
import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from unittest import mock

from bench.common import DEFAULT_SERVER, Context, run_timed

USERNAME = "bench-events"  # prefix of the part's officers, clerks and MD
DRIVE_NAME = "Bench drive"  # every generated drive's name starts with it
# Per size: days of events back from yesterday, fewest and most stops a drive, clerks a division,
# counter payments a division a day.
SIZES = {"full": (365, 30, 60, 3, 40), "small": (60, 1, 2, 1, 2)}
# Drives are planned this many days past yesterday, so notices are served up to yesterday for them.
NOTICE_AHEAD = 45
STAGING = ("bench_ev_drive", "bench_ev_pool", "bench_ev_stop", "bench_ev_order", "bench_ev_counter", "bench_ev_theft")
# The tables whose rows get ids drawn here (from their own sequences).
SEQUENCED = ("drives_drive", "drives_stop", "drives_notice", "drives_disconnection", "drives_reconnectionorder",
             "arrears_payment", "arrears_ledgerentry", "drives_theftcase")
WRITTEN = (*SEQUENCED, "drives_drive_clerks", "reports_target", "arrears_consumer", "arrears_ledgerday",
           "arrears_defaulterlist", "arrears_defaulterentry")


def officer_name(code: str) -> str:
    return f"{USERNAME}-{code.lower()}-officer"


def md_name() -> str:
    return f"{USERNAME}-md"


def days_asked(today: date) -> tuple[tuple[date, date], tuple[date, date], tuple[date, date]]:
    """The ranges the reports part asks about: yesterday (the MD's home page), the last whole
    month before today, and the year of events ending yesterday."""
    yesterday = today - timedelta(days=1)
    month_end = today.replace(day=1) - timedelta(days=1)
    return (yesterday, yesterday), (month_end.replace(day=1), month_end), (yesterday - timedelta(days=364), yesterday)


def _seq(table: str) -> str:
    return f"nextval(pg_get_serial_sequence('{table}', 'id'))"


# One hash of the consumer decides everything about its stop: H in 0 … 2^31-1, u = H % 100 its outcome:
#   u < 10  cut, then paid on the spot (reconnection ordered)
#   u < 25  cut, then paid at the counter 1–5 days later (reconnection ordered; none after yesterday)
#   u < 40  cut, still disconnected
#   u < 50  paid on the spot before a cut
#   u < 67  served a notice, then locked, refused, not found or disputed
#   else    no notice: locked, refused or not found
HASH = "(hashint8(p.consumer_id)::bigint & 2147483647)"
PAYS_SQL = "(NOT s.future AND (s.u < 10 OR (s.u < 25 AND s.counter_at < %(end)s) OR s.u BETWEEN 40 AND 49))"

DRIVES_SQL = f"""
CREATE UNLOGGED TABLE bench_ev_drive AS
SELECT {_seq('drives_drive')} AS drive_id, division_id, day, stops,
       SUM(stops) OVER (PARTITION BY division_id ORDER BY day) - stops AS first_slot
FROM (SELECT d.id AS division_id, g.day::date AS day,
             %(fewest)s + (hashtext(d.code || g.day::date::text)::bigint & 2147483647)
                          %% (%(most)s - %(fewest)s + 1) AS stops
      FROM accounts_division d
      CROSS JOIN generate_series(%(first)s::date, %(planned)s::date, interval '1 day') g(day)
      WHERE extract(isodow FROM g.day) < 7) planned
"""

# Who may be stopped, in the order a year of drives reaches them: largest arrears first.
POOL_SQL = """
CREATE UNLOGGED TABLE bench_ev_pool AS
SELECT id AS consumer_id, division_id, arrears, category_group,
       row_number() OVER (PARTITION BY division_id ORDER BY arrears DESC, hashint8(id)) - 1 AS slot,
       COUNT(*) OVER (PARTITION BY division_id) AS pool
FROM arrears_consumer WHERE NOT is_protected AND status = 'connected'
"""

STOPS_SQL = f"""
CREATE UNLOGGED TABLE bench_ev_stop AS
SELECT s.*,
       CASE WHEN s.u < 67 AND s.served_on <= %(last)s THEN {_seq('drives_notice')} END AS notice_id,
       CASE WHEN s.u < 40 AND NOT s.future THEN {_seq('drives_disconnection')} END AS disc_id,
       CASE WHEN s.u < 40 AND NOT s.future AND s.charge > 0 THEN {_seq('arrears_ledgerentry')} END AS disc_charge_id,
       CASE WHEN {PAYS_SQL} THEN {_seq('arrears_payment')} END AS payment_id,
       CASE WHEN {PAYS_SQL} THEN {_seq('arrears_ledgerentry')} END AS payment_entry_id,
       CASE WHEN {PAYS_SQL} AND s.u < 25 THEN {_seq('drives_reconnectionorder')} END AS order_id
FROM (
    SELECT s.*, s.day - (16 + s.h %% 30)::int AS served_on,
           CASE WHEN s.u < 10 THEN s.visit_at + interval '25 minutes'
                WHEN s.u < 25 THEN s.counter_at
                ELSE s.visit_at + interval '5 minutes' END AS paid_at,
           CASE WHEN s.u BETWEEN 40 AND 49 THEN s.arrears
                ELSE LEAST(s.arrears, GREATEST(s.minimum, ROUND(s.arrears * (30 + s.h %% 71) / 100, 0))) END AS paid
    FROM (
        SELECT dr.drive_id, dr.division_id, dr.day, dr.day > %(last)s AS future, st.seq, p.consumer_id,
               p.category_group,
               {_seq('drives_stop')} AS stop_id, stf.clerk_id, stf.officer_id,
               st.seq / %(clerks)s AS sequence, {HASH} %% 100 AS u, {HASH} / 100 AS h,
               a.arrears, GREATEST(1000.00, ROUND(a.arrears * 0.25, 2)) AS minimum, COALESCE(ch.charge, 0) AS charge,
               -- In the field from 10:00 India time, a stop every 7 minutes of each clerk's walk.
               (dr.day + time '10:00' + (st.seq / %(clerks)s) * interval '7 minutes') AT TIME ZONE %(tz)s AS visit_at,
               (dr.day + 1 + (({HASH} / 100000) %% 5)::int + time '11:30') AT TIME ZONE %(tz)s AS counter_at
        FROM bench_ev_drive dr
        CROSS JOIN LATERAL generate_series(0, dr.stops - 1) st(seq)
        JOIN bench_ev_pool p ON p.division_id = dr.division_id AND p.slot = dr.first_slot + st.seq
        JOIN bench_ev_staff stf ON stf.division_id = dr.division_id AND stf.n = st.seq %% %(clerks)s
        -- As planned: the consumer's arrears now or, one who has paid since, 2,000 to 20,000 rupees.
        CROSS JOIN LATERAL (SELECT CASE WHEN p.arrears > 0 THEN p.arrears
                                        ELSE 2000 + ({HASH} / 7) %% 18000 END::numeric(14, 2) AS arrears) a
        LEFT JOIN (VALUES {{charges}}) ch(category_group, charge) ON ch.category_group = p.category_group
    ) s
) s
"""

# A reconnection order for each cut consumer who paid: 17 in 20 done within a day, 2 late, 1 open
# (and any whose time to be done has not come yet).
ORDERS_SQL = f"""
CREATE UNLOGGED TABLE bench_ev_order AS
SELECT o.*, CASE WHEN o.done_at IS NOT NULL AND o.charge > 0 THEN {_seq('arrears_ledgerentry')} END AS charge_id
FROM (
    SELECT s.order_id, s.disc_id, s.consumer_id, s.division_id, s.clerk_id, s.paid_at, s.minimum, s.paid, ch.charge,
           CASE WHEN done.at < %(now)s THEN done.at END AS done_at
    FROM bench_ev_stop s
    CROSS JOIN LATERAL (SELECT CASE WHEN (s.h / 1000) %% 20 < 17 THEN s.paid_at + (2 + s.h %% 20) * interval '1 hour'
                                    WHEN (s.h / 1000) %% 20 < 19 THEN s.paid_at + (26 + s.h %% 46) * interval '1 hour'
                               END AS at) done
    LEFT JOIN (VALUES {{charges}}) ch(category_group, charge) ON ch.category_group = s.category_group
    WHERE s.order_id IS NOT NULL
) o
"""

# Theft found at one stop in ten of those neither cut nor paid nor served (the stop's outcome theft_detected):
# a case reported by the clerk, then by k = 0 … 4 left reported, or assessed three days later (a positive
# ADJUSTMENT on the ledger under its reference) and left there, FIR lodged, settled or in court.
THEFT_WHERE = "s.u >= 67 AND (s.h / 7) %% 10 = 0"
THEFT_SQL = f"""
CREATE UNLOGGED TABLE bench_ev_theft AS
SELECT t.*, CASE WHEN t.k > 0 AND t.day + 3 <= %(last)s THEN {_seq('arrears_ledgerentry')} END AS entry_id
FROM (
    SELECT {_seq('drives_theftcase')} AS theft_id, s.stop_id, s.consumer_id, s.division_id, s.clerk_id, s.officer_id,
           s.visit_at, s.day, s.h, (s.h / 11) %% 5 AS k, (5000 + (s.h %% 20) * 1000)::numeric(14, 2) AS amount
    FROM bench_ev_stop s WHERE NOT s.future AND {THEFT_WHERE}
) t
"""

COUNTER_SQL = f"""
CREATE UNLOGGED TABLE bench_ev_counter AS
SELECT {_seq('arrears_payment')} AS payment_id, {_seq('arrears_ledgerentry')} AS entry_id, c.*
FROM (
    SELECT d.division_id, g.day::date AS day, t.turn, p.consumer_id, p.arrears, stf.clerk_id,
           (300 + k.h %% 4700)::numeric(14, 2) AS amount, (k.h / 4700) %% 20 AS m,
           (g.day::date + time '10:00' + t.turn * interval '6 minutes') AT TIME ZONE %(tz)s AS paid_at
    FROM (SELECT DISTINCT division_id, pool FROM bench_ev_pool) d
    CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') g(day)
    CROSS JOIN generate_series(1, %(counter)s) t(turn)
    CROSS JOIN LATERAL (SELECT hashtext(d.division_id || ' ' || g.day::date || ' ' || t.turn)::bigint
                               & 2147483647 AS h) k
    JOIN bench_ev_pool p ON p.division_id = d.division_id AND p.slot = k.h %% d.pool
    JOIN bench_ev_staff stf ON stf.division_id = d.division_id AND stf.n = t.turn %% %(clerks)s
) c
"""

# The rows, table by table, from the staging tables.
INSERTS = {
    "drives": """
        INSERT INTO drives_drive (id, date, name, status, min_arrears, locality, max_stops, source, created_at,
                                  closed_at, defaulter_list_id, division_id, officer_id)
        SELECT dr.drive_id, dr.day, %(name)s || ' ' || to_char(dr.day, 'YYYY-MM-DD'), 'closed', 1000.00, '',
               st.stops, 'web', (dr.day - 1 + time '17:00') AT TIME ZONE %(tz)s,
               (dr.day + time '18:00') AT TIME ZONE %(tz)s, NULL, dr.division_id, stf.officer_id
        FROM bench_ev_drive dr
        JOIN (SELECT drive_id, COUNT(*) AS stops FROM bench_ev_stop WHERE NOT future GROUP BY drive_id) st
             USING (drive_id)
        JOIN bench_ev_staff stf ON stf.division_id = dr.division_id AND stf.n = 0""",
    "drive clerks": """
        INSERT INTO drives_drive_clerks (drive_id, user_id)
        SELECT d.id, stf.clerk_id FROM drives_drive d JOIN bench_ev_drive dr ON dr.drive_id = d.id
        JOIN bench_ev_staff stf ON stf.division_id = d.division_id""",
    "notices": """
        INSERT INTO drives_notice (id, served_on, mode, amount_demanded, reason, proof_ref, time_barred_amount, source,
                                   created_at, consumer_id, division_id, recorded_by_id)
        SELECT notice_id, served_on, (ARRAY['hand', 'post', 'sms', 'bill'])[1 + (h / 30) %% 4], arrears, '', '', 0,
               'web', (served_on + time '15:00') AT TIME ZONE %(tz)s, consumer_id, division_id, officer_id
        FROM bench_ev_stop WHERE notice_id IS NOT NULL""",
    "stops": """
        INSERT INTO drives_stop (id, sequence, locality, arrears, rank, time_barred_amount, status, outcome, method,
                                 outcome_at, outcome_source, latitude, longitude, photo, photo_sha256, notes,
                                 settled_at, clerk_id, consumer_id, drive_id, outcome_by_id, paid_amount,
                                 payments_count)
        SELECT stop_id, sequence, '', arrears, seq + 1, 0, 'done',
               CASE WHEN u < 40 THEN 'disconnected' WHEN u < 50 THEN 'paid'
                    WHEN u < 67 THEN (ARRAY['premises_locked', 'refused_access', 'not_found', 'disputed'])[1 + h %% 4]
                    WHEN (h / 7) %% 10 = 0 THEN 'theft_detected'
                    ELSE (ARRAY['premises_locked', 'refused_access', 'not_found'])[1 + h %% 3] END,
               CASE WHEN u < 40
                    THEN (ARRAY['cable_removed', 'meter_removed', 'fuse_pulled', 'remote'])[1 + (h / 3) %% 4]
                    ELSE '' END,
               visit_at, 'api', NULL, NULL, '', '', '', NULL, clerk_id, consumer_id, drive_id, clerk_id,
               -- The money taken at the stop (drive payments below name it): paid on the spot before a cut (all
               -- the arrears: closes the stop as paid), or the reconnection money just after the cut.
               CASE WHEN payment_id IS NOT NULL AND NOT u BETWEEN 10 AND 24 THEN paid ELSE 0 END,
               CASE WHEN payment_id IS NOT NULL AND NOT u BETWEEN 10 AND 24 THEN 1 ELSE 0 END
        FROM bench_ev_stop WHERE NOT future""",
    "disconnections": """
        INSERT INTO drives_disconnection (id, method, disconnected_at, arrears_at_disconnection, source, by_id,
                                          charge_id, consumer_id, division_id, notice_id, stop_id)
        SELECT s.disc_id, st.method, s.visit_at, s.arrears, 'api', s.clerk_id, s.disc_charge_id, s.consumer_id,
               s.division_id, s.notice_id, s.stop_id
        FROM bench_ev_stop s JOIN drives_stop st ON st.id = s.stop_id WHERE s.disc_id IS NOT NULL""",
    "disconnection charges": """
        INSERT INTO arrears_ledgerentry (id, entry_date, kind, amount, reference, due_date, created_at, source,
                                         consumer_id, created_by_id, division_id)
        SELECT disc_charge_id, day, 'SURCHARGE', charge, 'DISC-' || disc_id, NULL, visit_at, 'api', consumer_id,
               clerk_id, division_id
        FROM bench_ev_stop WHERE disc_charge_id IS NOT NULL""",
    "reconnection orders": """
        INSERT INTO drives_reconnectionorder (id, ordered_at, due_at, minimum, paid, approval_reason, status, done_at,
                                              notes, source, approved_by_id, charge_id, consumer_id, division_id,
                                              disconnection_id, done_by_id)
        SELECT order_id, paid_at, paid_at + interval '24 hours', minimum, paid, '',
               CASE WHEN done_at IS NULL THEN 'open' ELSE 'done' END, done_at, '', 'api', NULL, charge_id,
               consumer_id, division_id, disc_id, CASE WHEN done_at IS NOT NULL THEN clerk_id END
        FROM bench_ev_order""",
    "reconnection charges": """
        INSERT INTO arrears_ledgerentry (id, entry_date, kind, amount, reference, due_date, created_at, source,
                                         consumer_id, created_by_id, division_id)
        SELECT charge_id, (done_at AT TIME ZONE %(tz)s)::date, 'SURCHARGE', charge, 'RECN-' || order_id, NULL,
               done_at, 'api', consumer_id, clerk_id, division_id
        FROM bench_ev_order WHERE charge_id IS NOT NULL""",
    # Receipts: BS<stop> taken at a stop, BC<payment> at the counter.
    "drive payments (ledger)": """
        INSERT INTO arrears_ledgerentry (id, entry_date, kind, amount, reference, due_date, created_at, source,
                                         consumer_id, created_by_id, division_id)
        SELECT payment_entry_id, (paid_at AT TIME ZONE %(tz)s)::date, 'PAYMENT', paid,
               CASE WHEN u BETWEEN 10 AND 24 THEN 'BC' || payment_id ELSE 'BS' || stop_id END, NULL, paid_at,
               CASE WHEN u BETWEEN 10 AND 24 THEN 'web' ELSE 'api' END, consumer_id, clerk_id, division_id
        FROM bench_ev_stop WHERE payment_id IS NOT NULL""",
    "drive payments": """
        INSERT INTO arrears_payment (id, amount, mode, receipt_no, paid_at, drive_stop_id, balance_after,
                                     arrears_after, source, created_at, consumer_id, ledger_entry_id, taken_by_id,
                                     backdate_reason, reconnection_order_id, bank, instrument_no, stop_outcome,
                                     division_id)
        SELECT s.payment_id, s.paid, CASE WHEN s.h %% 5 < 3 THEN 'cash' ELSE 'upi' END, e.reference, s.paid_at,
               CASE WHEN s.u BETWEEN 10 AND 24 THEN NULL ELSE s.stop_id END,
               GREATEST(s.arrears - s.paid, 0), GREATEST(s.arrears - s.paid, 0), e.source, s.paid_at, s.consumer_id,
               e.id, s.clerk_id, '', s.order_id, '',
               CASE WHEN s.h %% 5 < 3 THEN '' ELSE 'UPI' || lpad(s.payment_id::text, 12, '0') END,
               CASE WHEN s.u BETWEEN 40 AND 49 THEN 'paid' ELSE '' END, s.division_id
        FROM bench_ev_stop s JOIN arrears_ledgerentry e ON e.id = s.payment_entry_id""",
    "counter payments (ledger)": """
        INSERT INTO arrears_ledgerentry (id, entry_date, kind, amount, reference, due_date, created_at, source,
                                         consumer_id, created_by_id, division_id)
        SELECT entry_id, day, 'PAYMENT', amount, 'BC' || payment_id, NULL, paid_at, 'web', consumer_id, clerk_id,
               division_id
        FROM bench_ev_counter""",
    # Half in cash, then UPI, card, cheque and online.
    "counter payments": """
        INSERT INTO arrears_payment (id, amount, mode, receipt_no, paid_at, drive_stop_id, balance_after,
                                     arrears_after, source, created_at, consumer_id, ledger_entry_id, taken_by_id,
                                     backdate_reason, reconnection_order_id, bank, instrument_no, stop_outcome,
                                     division_id)
        SELECT payment_id, amount,
               CASE WHEN m < 10 THEN 'cash' WHEN m < 16 THEN 'upi' WHEN m < 18 THEN 'card' WHEN m < 19 THEN 'cheque'
                    ELSE 'online' END,
               'BC' || payment_id, paid_at, NULL, GREATEST(arrears - amount, 0), GREATEST(arrears - amount, 0), 'web',
               paid_at, consumer_id, entry_id, clerk_id, '', NULL,
               CASE WHEN m = 18 THEN 'State Bank of India' ELSE '' END,
               CASE WHEN m BETWEEN 10 AND 15 THEN 'UPI' || lpad(payment_id::text, 12, '0')
                    WHEN m = 18 THEN lpad((payment_id %% 1000000)::text, 6, '0') ELSE '' END, '', division_id
        FROM bench_ev_counter""",
    "theft assessments (ledger)": """
        INSERT INTO arrears_ledgerentry (id, entry_date, kind, amount, reference, due_date, created_at, source,
                                         consumer_id, created_by_id, division_id)
        SELECT entry_id, day + 3, 'ADJUSTMENT', amount, 'ASMT/' || theft_id, NULL,
               (day + 3 + time '12:00') AT TIME ZONE %(tz)s, 'web', consumer_id, officer_id, division_id
        FROM bench_ev_theft WHERE entry_id IS NOT NULL""",
    "theft cases": """
        INSERT INTO drives_theftcase (id, consumer_id, division_id, stop_id, status, found, meter_seal, notes,
                                      opened_by_id, opened_at, assessment_amount, section, assessed_on,
                                      assessment_reference, assessment_entry_id, fir_number, police_station,
                                      fir_lodged_on, closed_on, closing_note, source)
        SELECT theft_id, consumer_id, division_id, stop_id,
               CASE WHEN entry_id IS NULL THEN 'reported'
                    ELSE (ARRAY['assessed', 'fir_lodged', 'settled', 'in_court'])[k] END,
               (ARRAY['direct_hooking', 'meter_bypass', 'meter_tampering', 'other'])[1 + h %% 4],
               (ARRAY['intact', 'broken', 'missing'])[1 + (h / 4) %% 3], '', clerk_id, visit_at,
               CASE WHEN entry_id IS NOT NULL THEN amount END,
               CASE WHEN entry_id IS NOT NULL THEN (ARRAY[126, 135])[1 + h %% 2] END,
               CASE WHEN entry_id IS NOT NULL THEN day + 3 END,
               CASE WHEN entry_id IS NOT NULL THEN 'ASMT/' || theft_id ELSE '' END, entry_id,
               CASE WHEN entry_id IS NOT NULL AND k >= 2 THEN 'FIR/' || theft_id ELSE '' END,
               CASE WHEN entry_id IS NOT NULL AND k >= 2 THEN 'Kotwali' ELSE '' END,
               CASE WHEN entry_id IS NOT NULL AND k >= 2 THEN LEAST(day + 5, %(last)s) END,
               CASE WHEN entry_id IS NOT NULL AND k >= 3 THEN LEAST(day + 10, %(last)s) END, '', 'api'
        FROM bench_ev_theft""",
    # About the division's monthly billing (its BILL entries in the day book), 90–110 % of it, in thousands.
    "targets": """
        INSERT INTO reports_target (month, amount, updated_at, source, division_id, updated_by_id)
        SELECT m.month::date,
               ROUND(COALESCE(b.monthly, 10000000) * (90 + (hashtext(d.code || m.month::date)::bigint & 2147483647)
                     %% 21) / 100, -3),
               now(), 'command', d.id, NULL
        FROM accounts_division d
        CROSS JOIN generate_series(date_trunc('month', %(first)s::date), date_trunc('month', %(today)s::date),
                                   interval '1 month') m(month)
        LEFT JOIN (SELECT division_id, SUM(amount) / COUNT(DISTINCT date_trunc('month', day)) AS monthly
                   FROM arrears_ledgerday WHERE kind = 'BILL' GROUP BY division_id) b ON b.division_id = d.id
        ON CONFLICT (division_id, month) DO NOTHING""",
    # Cut and not reconnected: disconnected now.
    "consumers disconnected": """
        UPDATE arrears_consumer c SET status = 'disconnected', updated_at = now()
        FROM bench_ev_stop s LEFT JOIN bench_ev_order o ON o.order_id = s.order_id
        WHERE c.id = s.consumer_id AND s.u < 40 AND NOT s.future AND o.done_at IS NULL""",
}


def _users(clerks: int):
    """The part's users: an officer and ``clerks`` clerks in each division, and an MD (update_or_create:
    a second run finds them)."""
    from accounts.models import Division, Role, User

    def user(name: str, role: str, division=None) -> User:
        found, _ = User.objects.update_or_create(username=name, defaults={
            "role": role, "division": division, "is_active": True, "is_staff": role == Role.OFFICER,
            "first_name": "Bench"})
        return found

    staff = []
    for division in Division.objects.order_by("code"):
        officer = user(officer_name(division.code), Role.OFFICER, division)
        for n in range(clerks):
            clerk = user(f"{USERNAME}-{division.code.lower()}-clerk-{n + 1}", Role.CLERK, division)
            staff.append((division.pk, officer.pk, n, clerk.pk))
    user(md_name(), Role.MD)
    return staff


def _counts(cursor) -> dict:
    """What the events are, read back from the tables (the generated rows only)."""
    cursor.execute("""
        SELECT (SELECT COUNT(*) FROM drives_drive WHERE name LIKE %s),
               (SELECT COUNT(*) FROM drives_stop s JOIN drives_drive d ON d.id = s.drive_id WHERE d.name LIKE %s),
               (SELECT COUNT(*) FROM drives_notice n JOIN accounts_user u ON u.id = n.recorded_by_id
                WHERE u.username LIKE %s),
               (SELECT COUNT(*) FROM drives_disconnection x JOIN accounts_user u ON u.id = x.by_id
                WHERE u.username LIKE %s),
               (SELECT COUNT(*) FROM drives_reconnectionorder WHERE status = 'done'),
               (SELECT COUNT(*) FROM drives_reconnectionorder WHERE status = 'open'),
               (SELECT COUNT(*) FROM reports_target),
               (SELECT COUNT(*) FROM arrears_consumer WHERE status = 'disconnected'),
               (SELECT COUNT(*) FROM drives_theftcase t JOIN accounts_user u ON u.id = t.opened_by_id
                WHERE u.username LIKE %s)""",
                   [f"{DRIVE_NAME} %", f"{DRIVE_NAME} %", f"{USERNAME}-%", f"{USERNAME}-%", f"{USERNAME}-%"])
    (drives, stops, notices, disconnections, reconnected, open_orders, targets,
     disconnected, theft_cases) = cursor.fetchone()
    cursor.execute("""
        SELECT COUNT(*) FILTER (WHERE p.drive_stop_id IS NOT NULL), COALESCE(SUM(p.amount) FILTER (
                   WHERE p.drive_stop_id IS NOT NULL), 0),
               COUNT(*) FILTER (WHERE p.drive_stop_id IS NULL), COALESCE(SUM(p.amount) FILTER (
                   WHERE p.drive_stop_id IS NULL), 0)
        FROM arrears_payment p JOIN accounts_user u ON u.id = p.taken_by_id WHERE u.username LIKE %s""",
                   [f"{USERNAME}-%"])
    spot, spot_amount, counter, counter_amount = cursor.fetchone()
    return {"drives": drives, "stops": stops, "notices": notices, "disconnections": disconnections,
            "paid_on_spot": spot, "paid_on_spot_amount": str(spot_amount), "counter_payments": counter,
            "counter_amount": str(counter_amount), "reconnections_done": reconnected,
            "reconnections_open": open_orders, "targets": targets, "consumers_disconnected": disconnected,
            "theft_cases": theft_cases}


def generate(size: str) -> dict:
    """In a process with Django set up: the year of events (unless there already), the positions and
    lists after them; the counts and each step's seconds."""
    from django.conf import settings
    from django.db import connection, transaction

    from accounts.models import Division
    from arrears.ledger import positions_refresh
    from core.dates import india_today
    from defaulters.services import defaulter_list_build_division
    from drives.models import Drive

    days, fewest, most, clerks, counter = SIZES[size]
    today = india_today()
    yesterday = today - timedelta(days=1)
    first = yesterday - timedelta(days=days - 1)
    steps: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str, since: float) -> float:
        now = time.perf_counter()
        steps[name] = round(now - since, 2)
        print(f"    {name}: {steps[name]:.2f} s", file=sys.stderr, flush=True)
        return now

    staff = _users(clerks)
    if Drive.objects.filter(name__startswith=DRIVE_NAME).exists():
        with connection.cursor() as cursor:
            return {"generated": False, "first": first.isoformat(), "last": yesterday.isoformat(),
                    **_counts(cursor), "steps": steps}

    params = {"first": first, "last": yesterday, "planned": yesterday + timedelta(days=NOTICE_AHEAD),
              "today": today, "fewest": fewest, "most": most, "clerks": clerks, "counter": counter,
              "tz": settings.TIME_ZONE, "name": DRIVE_NAME, "end": _midnight(today), "now": _now()}
    written: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        at = time.perf_counter()
        for table in STAGING:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute("CREATE TEMP TABLE bench_ev_staff (division_id bigint, officer_id bigint, n int,"
                       " clerk_id bigint) ON COMMIT DROP")
        cursor.execute("INSERT INTO bench_ev_staff VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(staff)),
                       [value for row in staff for value in row])
        for table in SEQUENCED:
            _sequence_past_rows(cursor, table)
        charges = ", ".join(f"('{group}', {amount}::numeric(14, 2))"
                            for group, amount in settings.DISCONNECTION_CHARGES.items())
        reconnection_charges = ", ".join(f"('{group}', {amount}::numeric(14, 2))"
                                         for group, amount in settings.RECONNECTION_CHARGES.items())
        cursor.execute(DRIVES_SQL, params)
        cursor.execute(POOL_SQL)
        cursor.execute("ANALYZE bench_ev_drive; ANALYZE bench_ev_pool")
        cursor.execute(STOPS_SQL.format(charges=charges), params)
        cursor.execute("ANALYZE bench_ev_stop")
        cursor.execute(ORDERS_SQL.format(charges=reconnection_charges), params)
        cursor.execute(COUNTER_SQL, params)
        cursor.execute(THEFT_SQL, params)
        cursor.execute("ANALYZE bench_ev_order; ANALYZE bench_ev_counter; ANALYZE bench_ev_theft")
        at = step("staging tables (drives, stops, outcomes, payments, orders, theft cases)", at)
        for name, sql in INSERTS.items():
            cursor.execute(sql, params)
            written[name] = cursor.rowcount
        at = step("INSERT … SELECT into the tables (the day book's triggers included)", at)
        for table in STAGING:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    at = step("COMMIT (the deferred foreign-key checks of every row written)", at)
    # The lists the summary reads for the ranges asked about (each division's latest as of a range's
    # end) as the nightly job built them on those nights: every consumer's cached figures from its
    # ledger as of the first of those days, then each night's build with "today" set to that day (from
    # the cache, rolled forward by each build), then today's again. A list for a day before today is
    # otherwise built from the whole ledger (about 20 s a division at the full size).
    ends = sorted({end for _start, end in days_asked(today)})
    with transaction.atomic():
        refreshed = positions_refresh(as_of=ends[0], materialize=True)
    at = step(f"cached figures of all {refreshed:,} consumers from their ledgers as of {ends[0]}", at)
    lists = 0
    for day in [*ends, today]:
        with mock.patch("defaulters.services.india_today", return_value=day):
            for division in Division.objects.order_by("code"):
                defaulter_list_build_division(division_id=division.pk, as_of=day, trigger="command")
                lists += 1
    at = step(f"defaulter lists of the nights of {', '.join(d.isoformat() for d in [*ends, today])}", at)
    with connection.cursor() as cursor:
        for table in WRITTEN:
            cursor.execute(f"ANALYZE {table}")
        step("ANALYZE of the tables written", at)
        counts = _counts(cursor)
    return {"generated": True, "first": first.isoformat(), "last": yesterday.isoformat(), **counts,
            "ledger_rows": sum(written[k] for k in written if "ledger" in k or "charges" in k),
            "consumers_refreshed": refreshed, "lists": lists, "written": written, "steps": steps,
            "seconds": round(time.perf_counter() - started, 2)}


def _midnight(day: date) -> datetime:
    """The instant ``day`` begins in India time (TIME_ZONE)."""
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _now():
    from django.utils import timezone

    return timezone.now()


def _sequence_past_rows(cursor, table: str) -> None:
    """``table``'s id sequence past its largest id (a bulk load may write ids of its own), so the ids the
    staging rows draw from it are free."""
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), top) FROM (SELECT MAX(id) AS top"
                   f" FROM {table}) t WHERE top >= {_seq(table)}")


def ensure(ctx: Context) -> dict:
    """The events on the context's database (generated in a child process unless there already);
    their counts, the child's wall time and peak memory."""
    size = ctx.size if ctx.size in SIZES else "full"
    timed = run_timed([sys.executable, "-m", "bench.events", "generate", "--size", size], env=ctx.env())
    found = json.loads(timed.stdout.strip().splitlines()[-1])
    found.update(child_seconds=round(timed.seconds, 1), peak_rss_mb=round(timed.peak_rss_mb))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="a year of drive and payment events on the bench database")
    sub = parser.add_subparsers(dest="mode")
    child = sub.add_parser("generate", help="(child, Django set up by DATABASE_URL) generate; print counts as JSON")
    child.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", default="kesco_bench")
    parser.add_argument("--size", choices=sorted(SIZES), default="full", dest="top_size")
    args = parser.parse_args(argv)
    if args.mode == "generate":
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")
        django.setup()
        print(json.dumps(generate(args.size)))
        return 0
    ctx = Context(size=args.top_size, data=None, server=args.server, database=args.database)
    print(json.dumps(ensure(ctx), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
