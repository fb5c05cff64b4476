"""The night's marking of permanently disconnected consumers: exact at the PD_AFTER_DAYS edge, once per spell, and
ended by a reconnection."""

from datetime import time, timedelta

import pytest

from core.dates import india_today
from recovery.models import PermanentDisconnection
from recovery.services import permanent_disconnections_mark
from recovery.tasks import permanent_disconnections_mark_task
from tests.factories import make_consumer
from tests.recovery.rc_data import cut

pytestmark = pytest.mark.django_db


def test_it_marks_a_consumer_cut_180_days_ago_and_not_one_cut_179_days_ago(rtp, hsp, officer, settings):
    settings.PD_AFTER_DAYS = 180
    today = india_today()
    # The last minute of the 180th day back, and the first minute of the 179th: one day of difference decides.
    old = make_consumer(rtp)
    cut(old, on=today - timedelta(days=180), at=time(23, 59), by=officer)
    young = make_consumer(hsp)
    cut(young, on=today - timedelta(days=179), at=time(0, 0), by=officer)

    assert permanent_disconnections_mark(on=today) == {"marked": 1, "ended": 0}

    spell = PermanentDisconnection.objects.get()
    assert (spell.consumer, spell.division, spell.marked_on, spell.ended_on) == (old, rtp, today, None)
    # The next night the younger one is marked too, the older one not again.
    assert permanent_disconnections_mark(on=today + timedelta(days=1)) == {"marked": 1, "ended": 0}
    assert set(PermanentDisconnection.objects.values_list("consumer", flat=True)) == {old.pk, young.pk}


def test_it_follows_the_setting(rtp, officer, settings):
    settings.PD_AFTER_DAYS = 30
    consumer = make_consumer(rtp)
    cut(consumer, on=india_today() - timedelta(days=30), by=officer)
    assert permanent_disconnections_mark()["marked"] == 1


def test_it_counts_from_the_last_cut_and_skips_the_reconnected(rtp, officer, settings):
    settings.PD_AFTER_DAYS = 180
    today = india_today()
    recut = make_consumer(rtp)
    cut(recut, on=today - timedelta(days=300), by=officer)
    cut(recut, on=today - timedelta(days=10), by=officer)  # reconnected in between, cut again lately
    reconnected = make_consumer(rtp)
    cut(reconnected, on=today - timedelta(days=300), by=officer)
    reconnected.status = "connected"
    reconnected.save(update_fields=["status"])

    assert permanent_disconnections_mark(on=today) == {"marked": 0, "ended": 0}


def test_it_ends_the_spell_of_a_consumer_reconnected_since(rtp, officer, settings):
    settings.PD_AFTER_DAYS = 180
    today = india_today()
    consumer = make_consumer(rtp)
    cut(consumer, on=today - timedelta(days=200), by=officer)
    permanent_disconnections_mark(on=today)
    consumer.status = "connected"
    consumer.save(update_fields=["status"])

    assert permanent_disconnections_mark_task.delay(str(today + timedelta(days=1))).get() == {"marked": 0,
                                                                                             "ended": 1}
    assert PermanentDisconnection.objects.get().ended_on == today + timedelta(days=1)
