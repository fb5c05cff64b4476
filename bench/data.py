"""The benchmark data set: divisions.csv, consumers.csv and ledger.csv in the import formats.

A fixed billing year (bills on the 1st of October 2025 … September 2026, due on
the 16th), so the files do not change from day to day and can be reused. Each
consumer's figures come from a cheap hash of its number, so the set is the same
on every machine. Three kinds of payer:

- regular (about 74 %): pays each bill in the month it comes, but skips one month
  a year and pays two bills the month after;
- irregular (about 25 %): pays every third month, three bills at a time;
- defaulter (1 %): pays the first two bills, then nothing, on a bill of at least
  ₹1,000 — ten unpaid bills, arrears above ₹10,000.

Lines are made with string formatting and written in blocks of joined text
(csv.writer is several times slower here); the ledger is written by one process
per core, each a range of consumers, and the parts are joined.
"""

import datetime
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

# Bump when the generated files change, so stale files on disk are not reused.
VERSION = 2

# "3m": three times the full set, to see how each figure grows on the road to UPPCL's 3.5 crore (issue 23).
SIZES = {"full": 1_000_000, "3m": 3_000_000, "small": 2_000}
ROOT = Path(__file__).resolve().parent.parent / "bench-data"

DIVISIONS = [
    ("KDN", "Kidwai Nagar", "किदवई नगर"), ("GVN", "Govind Nagar", "गोविंद नगर"), ("KLP", "Kalyanpur", "कल्याणपुर"),
    ("ARP", "Armapur", "अरमापुर"), ("PNK", "Panki", "पनकी"), ("NBS", "Naubasta", "नौबस्ता"), ("BRA", "Barra", "बर्रा"),
    ("SHN", "Shyam Nagar", "श्याम नगर"), ("JJM", "Jajmau", "जाजमऊ"), ("KKD", "Kakadeo", "काकादेव"),
    ("SWN", "Swaroop Nagar", "स्वरूप नगर"), ("CVL", "Civil Lines", "सिविल लाइंस"), ("CHK", "Chakeri", "चकेरी"),
    ("RWP", "Rawatpur", "रावतपुर"), ("GMT", "Gumti", "गुमटी"), ("FZG", "Fazalganj", "फजलगंज"), ("JUH", "Juhi", "जूही"),
    ("HSN", "Harsh Nagar", "हर्ष नगर"), ("RLN", "Ratanlal Nagar", "रतनलाल नगर"), ("NWG", "Nawabganj", "नवाबगंज"),
]
FIRST = ["Ram", "Sita", "Mohan", "Geeta", "Suresh", "Anita", "Rakesh", "Sunita", "Vijay", "Kavita", "Ashok",
         "Pooja", "Manoj", "Rekha", "Sanjay", "Neha", "Dinesh", "Meena", "Amit", "Shalini"]
LAST = ["Sharma", "Verma", "Gupta", "Yadav", "Mishra", "Tiwari", "Srivastava", "Singh", "Pandey", "Shukla",
        "Dwivedi", "Agarwal", "Kushwaha", "Saxena", "Tripathi", "Nigam"]
# (category as the billing system writes it, share in per cent, monthly bill range in rupees,
# sanctioned load range in kW): mostly homes, a few shops, tube wells, factories and institutions.
CATEGORIES = [
    ("LMV-1", 68, (250, 2_500), (1, 5)),
    ("LMV-10", 2, (250, 2_500), (1, 5)),
    ("LMV-2", 14, (1_000, 8_000), (3, 20)),
    ("LMV-9", 1, (1_000, 8_000), (3, 20)),
    ("LMV-5", 6, (300, 2_000), (3, 10)),
    ("LMV-8", 1, (2_000, 10_000), (10, 30)),
    ("LMV-6", 2, (5_000, 40_000), (20, 75)),
    ("HV-2", 1, (40_000, 400_000), (100, 1_000)),
    ("LMV-4A", 2, (2_000, 15_000), (10, 50)),
    ("LMV-4B", 1, (2_000, 15_000), (10, 50)),
    ("LMV-3", 1, (2_000, 20_000), (10, 100)),
    ("LMV-7", 1, (2_000, 20_000), (10, 100)),
]
_CATEGORY_BY_PERCENT = [c for c in CATEGORIES for _ in range(c[1])]

MONTHS = [(2025, m) for m in range(10, 13)] + [(2026, m) for m in range(1, 10)]
HEADERS = {
    "divisions": "code,name,name_hi\n",
    "consumers": "account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n",
    "ledger": "account_no,entry_date,kind,amount,reference,due_date\n",
}


@dataclass
class DataSet:
    """Where the files are and what is in them: what a correct import must end with."""

    size: str
    directory: str
    divisions: int
    consumers: int
    ledger_rows: int
    bills: int
    payments: int
    debit_paise: int
    credit_paise: int
    version: int = VERSION

    def path(self, name: str) -> Path:
        return Path(self.directory) / f"{name}.csv"


def _hash(i: int) -> int:
    return (i * 2654435761 + 0x9E3779B9) % 4294967296


def _rupees(paise: int) -> str:
    return f"{paise // 100}.{paise % 100:02d}"


def _consumer(i: int) -> tuple[str, int, bool]:
    """(category, monthly bill in paise, is a defaulter) of consumer i, from its hash."""
    h = _hash(i)
    category, _share, (low, high), _load = _CATEGORY_BY_PERCENT[h % 100]
    bill = (low * 100) + (h >> 7) % ((high - low) * 100)
    defaulter = (h >> 20) % 100 == 0
    if defaulter:
        bill = max(bill, 100_100 + (h >> 3) % 100_000)
    return category, bill, defaulter


def _consumers_write(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADERS["consumers"])
        lines = []
        for i in range(1, count + 1):
            h = _hash(i)
            category, _bill, _defaulter = _consumer(i)
            load_low, load_high = _CATEGORY_BY_PERCENT[h % 100][3]
            load = load_low + (h >> 11) % (load_high - load_low + 1)
            code, division, _hi = DIVISIONS[i % len(DIVISIONS)]
            phone = "" if (h >> 13) % 5 == 0 else f"{6 + (h >> 5) % 4}{(h * 7919) % 1_000_000_000:09d}"
            protected = "1" if category in ("LMV-4A", "LMV-4B") and (h >> 17) % 10 == 0 else "0"
            lines.append(f"{i:08d},{FIRST[(h >> 9) % 20]} {LAST[(h >> 15) % 16]},\"{1 + (h >> 3) % 400}, "
                         f"Sector {1 + (h >> 19) % 12}, {division}\",{code},{category},{load}.00,{phone},"
                         f"M{i:09d},{protected}\n")
            if len(lines) >= 50_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))


def _ledger_part(path: Path, first: int, last: int) -> tuple[int, int, int, int, int]:
    """Writes consumers first…last's ledger lines (no header); returns their counts and totals."""
    months = [(f"{y}{m:02d}", f"{y}-{m:02d}-01", f"{y}-{m:02d}-16", f"{y}-{m:02d}-") for y, m in MONTHS]
    bills = payments = debit = credit = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        lines = []
        append = lines.append
        for i in range(first, last + 1):
            h = _hash(i)
            _category, bill, defaulter = _consumer(i)
            acc = f"{i:08d}"
            amount = _rupees(bill)
            irregular = not defaulter and (h >> 24) % 4 == 0
            skipped = (h >> 8) % 12
            pay_day = 3 + (h >> 12) % 22  # some pay after the due date
            owed = 0
            for n, (ym, bill_date, due, prefix) in enumerate(months):
                append(f"{acc},{bill_date},BILL,{amount},B{ym}-{acc},{due}\n")
                owed += bill
                if defaulter:
                    pay = n < 2
                elif irregular:
                    pay = n % 3 == 2
                else:
                    pay = n != skipped
                if pay:
                    append(f"{acc},{prefix}{pay_day:02d},PAYMENT,{_rupees(owed)},R{ym}-{acc},\n")
                    payments += 1
                    credit += owed
                    owed = 0
            bills += 12
            debit += 12 * bill
            if len(lines) >= 200_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))
    return bills, payments, debit, credit, last - first + 1


def _divisions_write(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADERS["divisions"])
        out.write("".join(f"{code},{name},{hi}\n" for code, name, hi in DIVISIONS))


def data_set(size: str, *, root: Path = ROOT, workers: int | None = None) -> DataSet:
    """The data set of this size, generated unless the same version is already on disk."""
    count = SIZES[size]
    directory = root / size
    manifest = directory / "manifest.json"
    if manifest.exists():
        known = DataSet(**json.loads(manifest.read_text()))
        known.directory = str(directory)  # where it is now (a copied data set records where it was made)
        if known.version == VERSION and known.consumers == count and all(
                known.path(n).exists() for n in HEADERS):
            return known
    directory.mkdir(parents=True, exist_ok=True)
    manifest.unlink(missing_ok=True)
    workers = workers or min(os.cpu_count() or 1, 4)
    bounds = [(1 + count * k // workers, count * (k + 1) // workers) for k in range(workers)]
    parts = [directory / f"ledger.part{k}" for k in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        consumers = pool.submit(_consumers_write, directory / "consumers.csv", count)
        results = list(pool.map(_ledger_part, parts, [b[0] for b in bounds], [b[1] for b in bounds]))
        consumers.result()
    _divisions_write(directory / "divisions.csv")
    with open(directory / "ledger.csv", "wb") as out:
        out.write(HEADERS["ledger"].encode())
        for part in parts:
            with open(part, "rb") as src:
                shutil.copyfileobj(src, out, 16 << 20)
            part.unlink()
    bills, payments, debit, credit = (sum(r[k] for r in results) for k in range(4))
    data = DataSet(size=size, directory=str(directory), divisions=len(DIVISIONS), consumers=count,
                   ledger_rows=bills + payments, bills=bills, payments=payments, debit_paise=debit,
                   credit_paise=credit)
    manifest.write_text(json.dumps(asdict(data), indent=1))
    return data


# One day's billing file (bench "daily"): a bill for every BILL_EVERY-th consumer (a
# monthly cycle billed a thirtieth a day) and a payment from every PAY_EVERY-th.
BILL_EVERY = 30
PAY_EVERY = 29
DUE_IN_DAYS = 15


@dataclass
class DayFile:
    """One day's ledger file and what a correct import of it adds."""

    path: Path
    day: datetime.date
    rows: int
    bills: int
    payments: int
    debit_paise: int
    credit_paise: int


def day_file(data: DataSet, day: datetime.date) -> DayFile:
    """The ledger file of ``day`` for this data set (written next to it, the same every time
    for the same day): bills dated ``day``, due DUE_IN_DAYS later, and payments of a month's
    bill dated ``day``. Its references ("B20261202-…") have a form of their own, so they never
    meet the year's ("B202610-…")."""
    stamp = day.strftime("%Y%m%d")
    due = (day + datetime.timedelta(days=DUE_IN_DAYS)).isoformat()
    lines, bills, payments, debit, credit = [HEADERS["ledger"]], 0, 0, 0, 0
    billed, paying = range(BILL_EVERY, data.consumers + 1, BILL_EVERY), range(PAY_EVERY, data.consumers + 1, PAY_EVERY)
    for i in sorted({*billed, *paying}):
        _category, bill, _defaulter = _consumer(i)
        acc = f"{i:08d}"
        if i % BILL_EVERY == 0:
            lines.append(f"{acc},{day.isoformat()},BILL,{_rupees(bill)},B{stamp}-{acc},{due}\n")
            bills += 1
            debit += bill
        if i % PAY_EVERY == 0:
            lines.append(f"{acc},{day.isoformat()},PAYMENT,{_rupees(bill)},R{stamp}-{acc},\n")
            payments += 1
            credit += bill
    path = Path(data.directory) / f"day-{day.isoformat()}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return DayFile(path=path, day=day, rows=bills + payments, bills=bills, payments=payments, debit_paise=debit,
                   credit_paise=credit)
