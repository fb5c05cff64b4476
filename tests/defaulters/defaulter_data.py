"""A small scene for the defaulter list pages and API: two divisions, a few defaulters."""

from datetime import timedelta

from core.dates import india_today
from defaulters.services import defaulter_list_build_division
from tests.factories import add_entry, make_consumer


def owe(consumer, amount: str, *, days_overdue: int):
    due = india_today() - timedelta(days=days_overdue)
    return add_entry(consumer, "BILL", amount, due - timedelta(days=15), due)


def defaulter_scene(rtp, hsp):
    """Builds today's lists; returns (rtp list, hsp list)."""
    owe(make_consumer(rtp, account_no="01000001", name="Shyam Lal", address="7 Lal Bangla, Kanpur"),
        "250000.00", days_overdue=400)
    owe(make_consumer(rtp, account_no="01000002", name="Geeta Devi", address="22 Juhi Kalan, Kanpur"),
        "40000.00", days_overdue=60)
    owe(make_consumer(rtp, account_no="01000003", name="Hallet Hospital", address="Swaroop Nagar, Kanpur",
                      is_protected=True), "15000.50", days_overdue=120)
    owe(make_consumer(rtp, account_no="01000004", name="Paid Up", address="Lal Bangla"), "9000.00",
        days_overdue=30)
    owe(make_consumer(hsp, account_no="02000001", name="Other Division"), "60000.00", days_overdue=30)
    today = india_today()
    defaulter_list_build_division(division_id=rtp.pk, as_of=today, trigger="command")
    defaulter_list_build_division(division_id=hsp.pk, as_of=today, trigger="command")
    from defaulters.models import DefaulterList

    return (DefaulterList.objects.get(division=rtp, as_of=today), DefaulterList.objects.get(division=hsp, as_of=today))
