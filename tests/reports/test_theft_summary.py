"""The MD's summary counts theft cases found and assessed in the range by the division each was reported in, as a
plain recount of the cases does, even after the consumer is moved to another division and back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.dates import india_today
from drives.models import TheftCase
from drives.theft import theft_case_assess, theft_case_report
from reports.selectors import summary
from tests.factories import make_consumer

pytestmark = pytest.mark.django_db


def recount(date_from, date_to) -> dict:
    """{division code: (found, assessed)} from the cases, one by one."""
    counts = {}
    for case in TheftCase.objects.select_related("division"):
        found, assessed = counts.get(case.division.code, (0, 0))
        found += date_from <= timezone.localdate(case.opened_at) <= date_to
        assessed += case.assessed_on is not None and date_from <= case.assessed_on <= date_to
        counts[case.division.code] = (found, assessed)
    return counts


def figures(user, date_from, date_to) -> dict:
    result = summary(user, date_from=date_from, date_to=date_to)
    rows = {row.code: (row.theft_cases_found, row.theft_cases_assessed) for row in result.rows}
    assert (result.totals.theft_cases_found, result.totals.theft_cases_assessed) == tuple(
        sum(pair[i] for pair in rows.values()) for i in (0, 1))
    return {code: pair for code, pair in rows.items() if pair != (0, 0)}


def test_it_counts_theft_cases_where_they_were_reported_as_a_recount_does(rtp, hsp, officer, other_officer, md):
    today, yesterday = india_today(), india_today() - timedelta(days=1)
    moved = make_consumer(rtp)
    stays = make_consumer(hsp)
    # Reported yesterday in RTP, assessed today; then the consumer moves to HSP (a division redrawn).
    old = theft_case_report(user=officer, account_no=moved.account_no,
                            at=timezone.now() - timedelta(days=1))
    theft_case_assess(user=officer, case=old, amount="12000.00", section=126, assessed_on=today, reference="A-1")
    moved.division = hsp
    moved.save(update_fields=["division"])
    # Reported in HSP today: the moved consumer, and one of its own.
    theft_case_report(user=other_officer, account_no=moved.account_no)
    theft_case_report(user=other_officer, account_no=stays.account_no)
    moved.division = rtp
    moved.save(update_fields=["division"])

    for date_from, date_to in ((today, today), (yesterday, yesterday), (yesterday, today)):
        assert figures(md, date_from, date_to) == {
            code: pair for code, pair in recount(date_from, date_to).items() if pair != (0, 0)}
    assert figures(md, today, today) == {"RTP": (0, 1), "HSP": (2, 0)}
    assert figures(md, yesterday, today) == {"RTP": (1, 1), "HSP": (2, 0)}
    # An officer's summary is their division's row.
    assert figures(other_officer, yesterday, today) == {"HSP": (2, 0)}
