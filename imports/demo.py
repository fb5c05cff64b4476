"""Demo consumers, a year of their bills and payments, and their divisions' revenue targets, loaded
through the import code.

Deterministic: every value is drawn from a random generator seeded by the
consumer's account number (and the month, for bills and payments), never by
its position in a run, so a reference always carries the same values and
seeding again adds only what is new: on the same day, nothing; a month later,
that month's bills and payments.
"""

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.demo import DEMO_DIVISIONS
from arrears.models import Consumer, LedgerEntry
from arrears.tariffs import CategoryGroup, category_group_of
from core.models import Source
from imports.pipeline import CONSUMER_COLUMNS, LEDGER_COLUMNS
from imports.pipeline.registry import rows_present
from imports.services import import_run

SEED = "kesco-demo-2026"
CONSUMERS_PER_DIVISION = 60
MONTHS = 12
DUE_AFTER_DAYS = 15
RUPEE = Decimal("1")

FIRST_NAMES = ["Ram", "Shyam", "Rajesh", "Suresh", "Ramesh", "Mahesh", "Anil", "Sunil", "Vinod", "Pramod",
               "Ashok", "Sanjay", "Rakesh", "Dinesh", "Manoj", "Arvind", "Alok", "Deepak", "Gaurav", "Amit",
               "Sunita", "Geeta", "Kamla", "Savitri", "Rekha", "Meena", "Anita", "Pooja", "Neelam", "Shabana",
               "Mohd. Salim", "Abdul Rehman", "Nasreen", "Harpreet", "Gurdeep", "Santosh", "Brijesh", "Kusum"]
LAST_NAMES = ["Shukla", "Tiwari", "Mishra", "Dwivedi", "Tripathi", "Awasthi", "Bajpai", "Dixit", "Pandey",
              "Srivastava", "Gupta", "Agarwal", "Yadav", "Verma", "Kushwaha", "Sonkar", "Kanaujia", "Rathore",
              "Katiyar", "Sachan", "Nigam", "Khan", "Ansari", "Siddiqui", "Singh", "Chauhan", "Jaiswal"]
HINDI_NAMES = ["राम प्रसाद शुक्ला", "श्याम सुंदर त्रिपाठी", "सुनीता देवी", "राजेश कुमार यादव", "गीता अवस्थी",
               "महेश चंद्र बाजपेयी", "कमला देवी सोनकर", "विनोद कुमार कटियार", "अनिल कुमार सचान", "मीना गुप्ता",
               "अशोक कुमार दीक्षित", "रेखा निगम", "मोहम्मद सलीम", "संतोष कुमार पांडेय", "बृजेश सिंह चौहान"]
SHOP_KINDS = ["General Store", "Medical Store", "Sweets", "Hardware", "Tent House", "Kirana", "Dhaba", "Garments"]
WORKS_KINDS = ["Leather Works", "Hosiery Mills", "Cold Storage", "Flour Mill", "Plastic Udyog", "Detergents"]

# (locality, locality in Hindi, PIN) for each demo division's area of Kanpur.
LOCALITIES = {
    "RTP": [("Ratanpur Colony", "रतनपुर कॉलोनी", "208020"), ("Panki", "पनकी", "208020"),
            ("Shatabdi Nagar", "शताब्दी नगर", "208020"), ("Gangaganj", "गंगागंज", "208020")],
    "HSP": [("Hanspuram", "हंसपुरम", "208021"), ("Naubasta", "नौबस्ता", "208021"),
            ("Yashoda Nagar", "यशोदा नगर", "208011"), ("Basant Vihar", "बसंत विहार", "208021")],
    "HRG": [("Harrisganj", "हैरिसगंज", "208001"), ("Gwaltoli", "ग्वालटोली", "208001"),
            ("Collectorganj", "कलेक्टरगंज", "208001"), ("Generalganj", "जनरलगंज", "208001")],
    "KLP": [("Kalyanpur", "कल्याणपुर", "208017"), ("Awas Vikas", "आवास विकास", "208017"),
            ("Indira Nagar", "इंदिरा नगर", "208026"), ("Bara Sirohi", "बारा सिरोही", "208017")],
    "KDN": [("Kidwai Nagar", "किदवई नगर", "208011"), ("Juhi", "जूही", "208014"),
            ("Babupurwa", "बाबूपुरवा", "208014"), ("Saket Nagar", "साकेत नगर", "208014")],
    "GVN": [("Govind Nagar", "गोविंद नगर", "208006"), ("Dadanagar", "दादानगर", "208022"),
            ("Barra", "बर्रा", "208027"), ("Fazalganj", "फजलगंज", "208012")],
}
# Essential services: protected from disconnection, arrears or not.
# (name, rate schedule): health centres are public institutions, the water works is on its own schedule.
PROTECTED = [("Community Health Centre, {locality}", "LMV-4A"), ("Jal Sansthan Water Works, {locality}", "LMV-7"),
             ("Primary Health Centre, {locality}", "LMV-4A")]
# Everyone else, by rate schedule as the billing system writes it, with its share: mostly homes.
SCHEDULES = [("LMV-1", 70), ("LMV-10", 2), ("LMV-2", 16), ("LMV-9", 1), ("LMV-6", 6), ("HV-2", 1), ("LMV-5", 4)]

# How a consumer pays, with its share: most pay on time, a good share fall behind.
PAYERS = [("regular", 62), ("late", 18), ("stopped", 14), ("never", 6)]
# The share of a month's bills each kind of payer pays, on average over the demo's year (see
# _demo_payment): a division's expected collections, on which its revenue target is sized.
PAY_SHARE = {"regular": Decimal("1"), "late": Decimal("0.53"), "stopped": Decimal("0.25"), "never": Decimal("0")}
# Targets for the months of the ledger and the next few, so the summary shows achievement now and later.
TARGET_MONTHS_AHEAD = 3
TARGET_COLUMNS = ["division_code", "month", "target"]  # targets.csv (DESIGN.md)
MONTHLY_BILL = {  # rupees a month per kW of sanctioned load, roughly, by category group
    "domestic": (350, 650), "commercial": (900, 1500), "industrial": (1400, 2200),
    "institutional": (900, 1400), "government": (900, 1400), "agricultural": (200, 400),
}


@dataclass
class DemoConsumer:
    account_no: str
    division: str
    name: str
    address: str
    category: str
    load_kw: Decimal
    phone: str
    meter_no: str
    is_protected: bool
    payer: str
    stopped_after: int  # for "stopped" payers: months of paying before they stopped


@dataclass
class DemoResult:
    consumers_created: int
    entries_created: int
    consumers: int
    entries: int
    defaulters: int
    arrears: Decimal
    targets_created: int = 0


def _rng(*parts) -> random.Random:
    return random.Random(":".join([SEED, *map(str, parts)]))


def demo_consumers() -> list[DemoConsumer]:
    consumers = []
    for d, (code, _name, _hi) in enumerate(DEMO_DIVISIONS, start=1):
        for i in range(CONSUMERS_PER_DIVISION):
            # 8 digits, the division first; the leading zero is kept, as KESCO's are.
            account_no = f"{d:02d}{41000 + i * 37:06d}"
            consumers.append(_demo_consumer(account_no, code, i))
    return consumers


def _demo_consumer(account_no: str, code: str, index: int) -> DemoConsumer:
    rng = _rng(account_no)
    locality, locality_hi, pin = rng.choice(LOCALITIES[code])
    house = f"{rng.randint(1, 133)}/{rng.randint(1, 250)}"
    protected = index in (7, 29, 51)
    if protected:
        name, category = PROTECTED[(index // 22) % len(PROTECTED)]
        name = name.format(locality=locality)
        load = Decimal(rng.choice([25, 40, 60, 75]))
    else:
        category = rng.choices([c for c, _w in SCHEDULES], [w for _c, w in SCHEDULES])[0]
        person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if category_group_of(category) == CategoryGroup.COMMERCIAL:
            name = f"{person} {rng.choice(SHOP_KINDS)}" if rng.random() < 0.5 else person
            load = Decimal(rng.choice([3, 5, 7, 10, 15]))
        elif category == "HV-2":  # above 75 kW
            name = f"{rng.choice(LAST_NAMES)} {rng.choice(WORKS_KINDS)}"
            load = Decimal(rng.choice([100, 150, 200, 300]))
        elif category == "LMV-6":
            name = f"{rng.choice(LAST_NAMES)} {rng.choice(WORKS_KINDS)}"
            load = Decimal(rng.choice([20, 35, 50, 75]))
        else:
            name = person
            load = Decimal(rng.choice([1, 2, 2, 3, 4, 5]))
    hindi = not protected and category_group_of(category) == CategoryGroup.DOMESTIC and rng.random() < 0.2
    if hindi:
        name = rng.choice(HINDI_NAMES)
        address = f"{house} {locality_hi}, कानपुर {pin}"
    else:
        address = f"{house} {locality}, Kanpur {pin}"
    phone = "" if rng.random() < 0.1 else f"{rng.choice('6789')}{rng.randint(0, 999_999_999):09d}"
    payer = rng.choices([p for p, _w in PAYERS], [w for _p, w in PAYERS])[0]
    if protected:
        payer = rng.choice(["late", "stopped"])  # essential services are notoriously behind
    return DemoConsumer(account_no=account_no, division=code, name=name, address=address, category=category,
                        load_kw=load, phone=phone, meter_no=f"KN{rng.randint(10_000_000, 99_999_999)}",
                        is_protected=protected, payer=payer, stopped_after=rng.randint(0, 6))


def _month_starts(today: date, *, ahead: int = 0) -> list[date]:
    """The first days of the last MONTHS months up to ``today``'s, and of ``ahead`` months after it."""
    first = today.replace(day=1)
    months = []
    for back in range(MONTHS - 1, -1 - ahead, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(date(year, month + 1, 1))
    return months


def _demo_bill(consumer: DemoConsumer, billed: date) -> tuple[Decimal, random.Random]:
    """The consumer's bill for the month starting ``billed``, and the month's generator, drawn on for the
    payment: the same whatever the day of seeding."""
    low, high = MONTHLY_BILL[category_group_of(consumer.category)]
    rng = _rng(consumer.account_no, f"{billed:%Y%m}")
    amount = (consumer.load_kw * Decimal(rng.randint(low, high))
              * Decimal(rng.uniform(0.8, 1.25))).quantize(RUPEE, rounding=ROUND_HALF_UP)
    return amount, rng


def demo_ledger_rows(consumer: DemoConsumer, today: date) -> list[dict]:
    """A year of monthly bills (due 15 days after) and the payments made up to ``today``."""
    rows = []
    for n, billed in enumerate(_month_starts(today)):
        period = f"{billed:%Y%m}"
        amount, rng = _demo_bill(consumer, billed)
        due = billed + timedelta(days=DUE_AFTER_DAYS)
        rows.append({"account_no": consumer.account_no, "entry_date": billed.isoformat(), "kind": "BILL",
                     "amount": f"{amount}.00", "reference": f"B-{consumer.account_no}-{period}",
                     "due_date": due.isoformat()})
        paid = _demo_payment(consumer, rng, n, amount)
        if paid:
            paid_on = billed + timedelta(days=rng.randint(5, 24) if consumer.payer == "regular"
                                         else rng.randint(20, 55))
            if paid_on <= today:  # "up to today": a payment not yet made is not on the ledger
                rows.append({"account_no": consumer.account_no, "entry_date": paid_on.isoformat(),
                             "kind": "PAYMENT", "amount": f"{paid}.00",
                             "reference": f"DP-{consumer.account_no}-{period}", "due_date": ""})
    return rows


def _demo_payment(consumer: DemoConsumer, rng: random.Random, month: int, bill: Decimal) -> Decimal:
    if consumer.payer == "regular":
        return bill
    if consumer.payer == "late":
        # Pays most months, often only part of the bill.
        return (bill * Decimal(rng.choice(["1", "1", "0.5", "0.3"]))).quantize(RUPEE) if rng.random() < 0.75 \
            else Decimal(0)
    if consumer.payer == "stopped":
        return bill if month < consumer.stopped_after else Decimal(0)
    return Decimal(0)  # never pays


def demo_target_rows(today: date) -> list[dict]:
    """targets.csv rows: each demo division's revenue target for the ledger's months and TARGET_MONTHS_AHEAD
    more. A target is the month's expected collections (its bills times PAY_SHARE) stretched by a
    division's own factor, 1.0 to 1.35, and rounded to ₹1,000: most divisions fall somewhat short of
    target, as KESCO does, month by month between about 60% and 110%. Drawn from the division and the
    month only, so a month's target is the same whatever the day of seeding.
    """
    consumers = demo_consumers()
    rows = []
    for code, _name, _hi in DEMO_DIVISIONS:
        theirs = [c for c in consumers if c.division == code]
        stretch = Decimal(f"{_rng(code, 'target').uniform(1.0, 1.35):.3f}")
        for month in _month_starts(today, ahead=TARGET_MONTHS_AHEAD):
            expected = sum(_demo_bill(c, month)[0] * PAY_SHARE[c.payer] for c in theirs)
            jitter = Decimal(f"{_rng(code, f'{month:%Y%m}', 'target').uniform(0.95, 1.05):.3f}")
            thousands = (expected * stretch * jitter / 1000).quantize(RUPEE, rounding=ROUND_HALF_UP)
            rows.append({"division_code": code, "month": f"{month:%Y-%m}", "target": f"{thousands * 1000}.00"})
    return rows


def _demo_targets_seed(today: date) -> int:
    """Imports the demo's targets for the months that have none (a target set by hand stays); returns how
    many it created. Nothing to add: no import, no job."""
    # reports owns the targets and stands below imports: it tells which rows it has (rows_present), and
    # they are written through targets.csv's importer.
    rows = demo_target_rows(today)
    have = rows_present("targets", rows)
    rows = [row for row in rows if (row["division_code"], row["month"]) not in have]
    if not rows:
        return 0
    return import_run(kind="targets", file=_csv_text(TARGET_COLUMNS, rows, "demo-targets.csv"),
                      source=Source.COMMAND).created


def _csv_text(columns: list[str], rows: list[dict], name: str) -> io.StringIO:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    buffer.seek(0)
    buffer.name = name  # the ImportJob records it
    return buffer


@transaction.atomic
def demo_arrears_seed(*, today: date | None = None) -> DemoResult:
    """Loads the demo consumers, their ledger up to ``today`` (India) and their divisions' revenue
    targets; idempotent.

    Only rows not yet in the database go to the importer, so a second run on
    the same day writes nothing at all, not even an ImportJob.
    """
    today = today or timezone.localdate()
    consumers = demo_consumers()
    accounts = [c.account_no for c in consumers]
    existing = set(Consumer.objects.filter(account_no__in=accounts).values_list("account_no", flat=True))
    new_consumers = [
        {"account_no": c.account_no, "name": c.name, "address": c.address, "division_code": c.division,
         "category": c.category, "sanctioned_load_kw": f"{c.load_kw}", "phone": c.phone, "meter_no": c.meter_no,
         "is_protected": "1" if c.is_protected else "0"}
        for c in consumers if c.account_no not in existing
    ]
    consumers_created = 0
    if new_consumers:
        consumers_created = import_run(kind="consumers", file=_csv_text(CONSUMER_COLUMNS, new_consumers,
                                                                        "demo-consumers.csv"),
                                       source=Source.COMMAND).created

    rows = [row for c in consumers for row in demo_ledger_rows(c, today)]
    known = set(LedgerEntry.objects.filter(consumer__account_no__in=accounts, kind__in=["BILL", "PAYMENT"])
                .values_list("kind", "reference"))
    new_rows = [row for row in rows if (row["kind"], row["reference"]) not in known]
    entries_created = 0
    if new_rows:
        entries_created = import_run(kind="ledger", file=_csv_text(LEDGER_COLUMNS, new_rows, "demo-ledger.csv"),
                                     source=Source.COMMAND).created

    targets_created = _demo_targets_seed(today)

    demo = Consumer.objects.filter(account_no__in=accounts)
    defaulters = demo.filter(arrears__gt=settings.DEFAULTER_THRESHOLD)
    return DemoResult(
        consumers_created=consumers_created, entries_created=entries_created, consumers=demo.count(),
        entries=LedgerEntry.objects.filter(consumer__in=demo).count(), defaulters=defaulters.count(),
        arrears=demo.aggregate(total=Sum("arrears"))["total"] or Decimal("0.00"), targets_created=targets_created,
    )
