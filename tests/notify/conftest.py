import pytest

from tests.notify.fake_gateway import FakeGateway

SECRET = "test-receipt-secret"


@pytest.fixture
def gateway(settings):
    """The HTTP SMS backend pointed at a fake gateway, with DLT template ids and the receipts' secret set."""
    with FakeGateway() as fake:
        settings.NOTIFY_SMS_BACKEND = "notify.backends.HttpSmsBackend"
        settings.NOTIFY_SMS_URL = f"{fake.url}/sms"
        settings.NOTIFY_SMS_API_KEY = "gw-key"
        settings.NOTIFY_SMS_SENDER = "KESCOK"
        settings.NOTIFY_DLT_TEMPLATE_IDS = {"notice.hi": "1107160000000000001", "notice.en": "1107160000000000002",
                                            "payment_receipt.hi": "1107160000000000003",
                                            "payment_receipt.en": "1107160000000000004",
                                            "reconnection_order.hi": "1107160000000000005",
                                            "reconnection_done.hi": "1107160000000000006",
                                            "notice_reminder.hi": "1107160000000000007"}
        settings.NOTIFY_RECEIPT_SECRET = SECRET
        yield fake


class RedisDown:
    """Redis really down (a port nothing listens on) for the broker and the result backend, until ``back()``."""

    def __init__(self, settings):
        from kesco.celery import app

        self.app = app
        self.previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
        self.backends = (app._backend_cache, getattr(app._local, "backend", None))
        settings.REDIS_URL = DEAD_REDIS
        app.conf.update(broker_url=DEAD_REDIS, result_backend=DEAD_REDIS, task_always_eager=False)
        self._reset()
        self.down = True

    def _reset(self):
        from kombu import pools

        pools.reset()
        self.app._pool = None
        self.app.amqp._producer_pool = None
        self.app._backend_cache = None
        self.app._local.backend = None

    def back(self):
        if self.down:
            self.app.conf.update(self.previous)
            self._reset()
            self.app._backend_cache, self.app._local.backend = self.backends
            self.down = False


DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    down = RedisDown(settings)
    yield down
    down.back()
