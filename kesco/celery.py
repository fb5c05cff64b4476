import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")

app = Celery("kesco")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="kesco.ping")
def ping() -> str:
    """Answers 'pong': lets a health check or a test prove a worker is listening."""
    return "pong"
