"""Settings for KESCO Arrears.

Every value comes from the environment, with a safe default for development.
A bad value fails loudly at start-up rather than misbehaving later.
"""

import os
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


def env_decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name, default)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a decimal amount like 10000.00; got {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name} must be a non-negative amount; got {raw!r}")
    return value.quantize(Decimal("0.01"))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


CHARGE_GROUPS = ("domestic", "commercial", "industrial", "institutional", "agricultural", "government")


def env_charges(name: str, default: str) -> dict[str, Decimal]:
    """Rupees per broad category group, as "domestic=300,commercial=600,…": every group, each once."""
    charges = {}
    for item in env_list(name, default):
        group, sep, amount = item.partition("=")
        group = group.strip()
        if not sep or group not in CHARGE_GROUPS or group in charges:
            raise ImproperlyConfigured(f"{name}: each item is GROUP=RUPEES, GROUP one of {', '.join(CHARGE_GROUPS)}"
                                       f" once; got {item!r}")
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            raise ImproperlyConfigured(f"{name}: {group}: not an amount: {amount!r}") from None
        if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
            raise ImproperlyConfigured(f"{name}: {group}: a non-negative amount with at most 2 places: {amount!r}")
        charges[group] = value
    missing = [group for group in CHARGE_GROUPS if group not in charges]
    if missing:
        raise ImproperlyConfigured(f"{name}: no charge for {', '.join(missing)}")
    return charges


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    # The trigram index on consumers' names (arrears/indexes.py); harmless on SQLite.
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    # One app per capability; each imports only those above it (DESIGN.md, Layout).
    "core",
    "accounts",
    "arrears",
    # Messages to consumers: drives, payments and settlements call it; it reads none of them.
    "notify",
    "defaulters",
    "imports",
    "settlements",
    "drives",
    "payments",
    "recovery",
    "reports",
    # Generic: imports no app above core (it reads every table by introspection).
    "backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that could reach the database: a NUL there would be a 500.
    "core.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside sessions and auth, so it sees every response to a logged-in request, lock-outs included.
    "core.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the language a user chose wins over the cookie and the browser's.
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kesco.urls"
WSGI_APPLICATION = "kesco.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# No DATABASE_URL: an SQLite file in the project, so `make run` works anywhere.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
            # A kept connection is checked before a request reuses it: a server restart costs one reconnect.
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
# A request is one transaction: a view that fails half-way writes nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A read replica of that database (PostgreSQL streaming replication), optional: the reports and the exports read
# there, nothing else does (core.replica; docs/SCALE.md). In tests it is the test database itself (TEST MIRROR),
# read through a connection of its own.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA = "replica" if DATABASE_REPLICA_URL else ""
if DATABASE_REPLICA_URL:
    try:
        DATABASES[DATABASE_REPLICA] = dj_database_url.parse(DATABASE_REPLICA_URL,
                                                            conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
                                                            conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is not a database URL: {exc}") from None
    if DATABASES[DATABASE_REPLICA]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name the same kind of database as DATABASE_URL")
    DATABASES[DATABASE_REPLICA]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and login --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Counts failed logins and locks the account out (web, admin and API token).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy REMOTE_ADDR is the proxy's: count the failures per client instead,
# taking the address the nearest trusted proxy saw (core.net.client_ip). 0: no proxy, REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"

# --- Internationalisation ------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be 'en' or 'hi'; got {LANGUAGE_CODE!r}")
# Ours first (it wins), then Django's own strings that Django's Hindi catalogue lacks or words badly
# (admin, forms, django-simple-history): locale-django/, kept by hand, not by makemessages.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-django"]
# Indian formats (02-12-2026, 11:13, 1,23,456) in both languages, the admin included: kesco/formats/.
FORMAT_MODULE_PATH = ["kesco.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Kolkata")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}") from None
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Where FileField.url points. Only stop photos are served there, by a view that checks the division
# (drives/urls.py); no other media (uploaded billing files) is served at all.
MEDIA_URL = "/media/"

# --- Security (production) -------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- REST API ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.FieldUserTokenAuthentication",
        "accounts.api_auth.FieldUserSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON nesting bounded (a hostile body is a 400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "kesco.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KESCO Arrears API",
    "DESCRIPTION": (
        "Defaulters, notices, drives, payments and reconnections for KESCO, Kanpur.\n\n"
        "**Log in** with `POST /api/v1/auth/token/` and send `Authorization: Token <token>`. You see your own "
        "division: another division's records answer 404.\n\n"
        "**Names**: divisions by code (`\"RTP\"`), users by username, consumers by account number (8 digits as "
        "text, leading zeros kept: `\"01234567\"`). **Amounts** are rupees as decimal strings with 2 places "
        "(`\"4512.50\"`); times are ISO 8601, India time (+05:30). Lists are paginated (`count`, `next`, "
        "`previous`, `results`).\n\n"
        "**Errors** (documented on each operation): 400 `{\"field\": [\"message\"]}` for invalid input, an "
        "amount of zero or less, a NUL in a query parameter and a page that is not one (`?page=0`) included, "
        "`non_field_errors` for the request as a whole (one shape for every 400); 401 no or a bad token; 403 "
        "your role may not; 404 not in your "
        "division; 409 `{code, detail, field}` when a business rule refuses (section 56 notice, a pending "
        "dispute, a duplicate receipt, …): branch on `code`, show `detail`. Nothing is written on any error.\n\n"
        "**Retries**: every POST that writes honours `Idempotency-Key`; the same key and body replays the first "
        "answer.\n\n"
        "**Queued records**: a client that sends later what a user did earlier (the field app's outbox) names that "
        "user in `X-Field-User: <username>`; a request authenticated as another user is answered 409 "
        "`{\"code\": \"wrong_user\", \"detail\": …}` on any operation and nothing is written."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint and field: for logged-in users only, like the API itself.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and Redoc from drf-spectacular-sidecar: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several outputs have a "status" of their own: each its own enum, named for what it is.
    "ENUM_NAME_OVERRIDES": {
        "ConnectionStatusEnum": "arrears.models.ConnectionStatus",
        "DriveStatusEnum": "drives.models.DriveStatus",
        "StopStatusEnum": "drives.models.StopStatus",
        "ReconnectionStatusEnum": "drives.models.ReconnectionStatus",
        "AgeBucketEnum": "defaulters.models.AgeBucket",
        "AccountabilityBandEnum": "defaulters.models.AccountabilityBand",
        "DisputeStatusEnum": "drives.models.DisputeStatus",
        "PaymentModeEnum": "payments.models.PaymentMode",
        "NoticeModeEnum": "drives.models.NoticeMode",
        "HandoverKindEnum": "drives.models.HandoverKind",
        "TheftStatusEnum": "drives.models.TheftStatus",
        "SettlementStatusEnum": "settlements.models.SettlementStatus",
        "SettlementKindEnum": "settlements.models.SettlementKind",
        "PromiseStatusEnum": "settlements.models.PromiseStatus",
        "PlanKindEnum": "settlements.models.PlanKind",
        "RCStatusEnum": "recovery.models.RCStatus",
        "ServiceModeEnum": "recovery.models.ServiceMode",
        "MessageStatusEnum": "notify.models.MessageStatus",
        "ReceiptStatusEnum": "notify.services.RECEIPT_STATUS_CHOICES",
    },
    # DRF's page envelope (count, next, previous, results) described like every other field.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api_docs.describe_pagination"],
}

# --- Content-Security-Policy (django-csp) --------------------------------------
# Scripts and styles only from our own static files: an injected <script> or onclick= does not run.
# Styles allow inline because the admin's pages carry style="…" attributes; a style can't run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # The field app's service worker (/sw.js) and web manifest (docs/FIELD.md).
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    },
}

# --- Celery ----------------------------------------------------------------
# No REDIS_URL: tasks run eagerly in-process, so the app works on a bare machine.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://; got {REDIS_URL!r}")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task must not hang on a dead Redis: with the defaults an upload waited 19 s
# (the result backend subscribes to the task's channel first, 20 tries a second apart), then answered 500.
# Queueing now gives up within a second when Redis refuses, a few when it does not answer; the caller
# records the failure. broker_connection_max_retries stays: it is the worker's and beat's reconnecting.
_QUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.5, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = _QUEUE_RETRY_POLICY
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": _QUEUE_RETRY_POLICY}
# Days after an instalment falls due before an unpaid one defaults its settlement (settlements.services).
SETTLEMENT_GRACE_DAYS = int(os.environ.get("SETTLEMENT_GRACE_DAYS", "7"))
# The nightly build's per-division tasks go to a queue of their own, which more than one worker (on more than one
# machine) may consume: the group spreads over them (docs/SCALE.md). Every other task stays on the default queue.
DEFAULTER_LISTS_QUEUE = os.environ.get("DEFAULTER_LISTS_QUEUE", "lists")
if not re.fullmatch(r"[\w.-]+", DEFAULTER_LISTS_QUEUE):
    raise ImproperlyConfigured(f"DEFAULTER_LISTS_QUEUE must be a queue name (letters, digits, . _ -); got "
                               f"{DEFAULTER_LISTS_QUEUE!r}")
CELERY_TASK_ROUTES = {"arrears.defaulter_list_build_division": {"queue": DEFAULTER_LISTS_QUEUE}}
# A worker started without -Q consumes both (`make worker`, a single-machine install); a dedicated one, -Q lists.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = tuple({name: Queue(name, routing_key=name)
                            for name in (CELERY_TASK_DEFAULT_QUEUE, DEFAULTER_LISTS_QUEUE)}.values())
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks, defined here; beat copies them into the database, where the
# admin shows them (Periodic tasks) and IT may pause or re-time them (officers hold no beat permissions).
CELERY_BEAT_SCHEDULE = {
    # Settlements with an instalment missed past SETTLEMENT_GRACE_DAYS defaulted, broken promises closed
    # (00:30, before the lists: a defaulted consumer is back on tonight's list and tomorrow's stops).
    "default-missed-settlements": {
        "task": "settlements.settlements_default_missed",
        "schedule": crontab(hour=0, minute=30),
    },
    # Every division's list of defaulters, for the morning's drives (01:00 India time).
    "build-defaulter-lists": {
        "task": "arrears.defaulter_lists_build_nightly",
        "schedule": crontab(hour=1, minute=0),
        "kwargs": {"trigger": "beat"},
    },
    # Consumers cut PD_AFTER_DAYS ago and not reconnected since marked permanently disconnected (01:30 India time,
    # after the lists: tonight's list still has them as it had them yesterday).
    "mark-permanent-disconnections": {
        "task": "recovery.permanent_disconnections_mark",
        "schedule": crontab(hour=1, minute=30),
    },
    "check-cached-positions": {
        "task": "arrears.positions_check",
        "schedule": crontab(hour=2, minute=30),
    },
    # Uploaded files past IMPORT_FILE_RETENTION_DAYS deleted (personal data), after the night's work.
    "expire-import-files": {
        "task": "imports.import_files_expire",
        "schedule": crontab(hour=3, minute=0),
    },
    # Uploads and builds whose worker died, failed after STALE_JOB_MINUTES instead of "running" for ever.
    "fail-stale-uploads": {
        "task": "imports.import_jobs_fail_stale",
        "schedule": crontab(minute="*/15"),
    },
    "fail-stale-builds": {
        "task": "defaulters.defaulter_runs_fail_stale",
        "schedule": crontab(minute="*/15"),
    },
    # Yesterday's division summary to every MD user with an e-mail address (07:00 India time: CELERY_TIMEZONE).
    "daily-summary-email": {
        "task": "reports.daily_summary_email",
        "schedule": crontab(hour=7, minute=0),
    },
    # The database and the media to BACKUP_DIR (04:00 India time: after the night's lists, checks and
    # clean-up, before the morning's drives); then backups older than BACKUP_KEEP_DAYS deleted.
    # Messages still queued a minute after they were written (Redis was down, a task was lost) queued again.
    "requeue-stale-messages": {
        "task": "notify.messages_requeue_stale",
        "schedule": crontab(minute="*"),
    },
    # Consumers whose unpaid notice permits a cut in NOTICE_REMINDER_DAYS, reminded by SMS (09:00 India time).
    "notice-reminders": {
        "task": "drives.notice_reminders_send",
        "schedule": crontab(hour=9, minute=0),
    },
    "backup-nightly": {
        "task": "backups.backup_nightly",
        "schedule": crontab(hour=4, minute=0),
    },
}

# --- E-mail -------------------------------------------------------------------
# Development prints mail on the console (the worker's, for the daily summary). Production sets
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the SMTP server below. (An empty
# variable, as docker-compose passes an unset one, is the default.)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that does not answer fails the send (and the task retries) instead of holding a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "KESCO Arrears <noreply@localhost>"
# Where the site is, for links in e-mail (no request to build them from): scheme and host, no trailing slash.
SITE_URL = (os.environ.get("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://; got {SITE_URL!r}")

# --- Domain settings ---------------------------------------------------------
DEFAULTER_THRESHOLD = env_decimal("DEFAULTER_THRESHOLD", "10000.00")
# Plausibility bounds of one payment: no single receipt above this (rupees), and a payment
# dated at most this many days back (an officer may back-date further, with a reason).
PAYMENT_MAX_AMOUNT = env_decimal("PAYMENT_MAX_AMOUNT", "10000000.00")
PAYMENT_BACKDATE_DAYS = env_int("PAYMENT_BACKDATE_DAYS", 3)
# A section 56 notice is a legal record: a clerk or officer records one served at most this many days
# back; an older one only an officer, with a reason and the proof's reference (DESIGN.md, domain rules).
NOTICE_BACKDATE_DAYS = env_int("NOTICE_BACKDATE_DAYS", 3)
if NOTICE_BACKDATE_DAYS < 0:
    raise ImproperlyConfigured(f"NOTICE_BACKDATE_DAYS must be 0 or more; got {NOTICE_BACKDATE_DAYS}")

# Disconnection drives (DESIGN.md, domain rules). A disconnected consumer who pays at least
# the reconnection minimum (this share of the arrears when cut, and at least the amount) gets a
# reconnection order at once, due within RECONNECTION_DUE_HOURS. Lifeline consumers (LMV-1 with a sanctioned
# load of at most 1 kW) have a minimum of their own, the _LIFELINE pair (UPPCL's order of November 2024).
RECONNECTION_MIN_SHARE = env_decimal("RECONNECTION_MIN_SHARE", "0.25")
RECONNECTION_MIN_AMOUNT = env_decimal("RECONNECTION_MIN_AMOUNT", "1000.00")
RECONNECTION_MIN_SHARE_LIFELINE = env_decimal("RECONNECTION_MIN_SHARE_LIFELINE", "0.10")
RECONNECTION_MIN_AMOUNT_LIFELINE = env_decimal("RECONNECTION_MIN_AMOUNT_LIFELINE", "250.00")
RECONNECTION_DUE_HOURS = env_int("RECONNECTION_DUE_HOURS", 24)
# A drive is planned at most this many days ahead (a date further off is a typing mistake: 409 drive_date_far).
DRIVE_AHEAD_DAYS = env_int("DRIVE_AHEAD_DAYS", 14)
if not 0 <= DRIVE_AHEAD_DAYS <= 366:
    raise ImproperlyConfigured(f"DRIVE_AHEAD_DAYS must be between 0 and 366 days; got {DRIVE_AHEAD_DAYS}")
# Charges per job, by the consumer's broad category group, added to the ledger as SURCHARGE entries.
DISCONNECTION_CHARGES = env_charges("DISCONNECTION_CHARGES", "domestic=300,commercial=600,industrial=1000,"
                                    "institutional=600,agricultural=300,government=600")
RECONNECTION_CHARGES = env_charges("RECONNECTION_CHARGES", "domestic=300,commercial=600,industrial=1000,"
                                   "institutional=600,agricultural=300,government=600")
# Section 56(1) disputes: one is recorded as raised at most this many days back (a dispute raised
# long ago, over bills since paid, is no pending dispute; and its deposit would be reckoned on old bills).
DISPUTE_BACKDATE_DAYS = env_int("DISPUTE_BACKDATE_DAYS", 30)
# UP Electricity Supply Code: a connection cut this many days without a reconnection is permanently disconnected
# (recovery.services.permanent_disconnections_mark, nightly); its dues are then recovered as arrears of land revenue.
PD_AFTER_DAYS = env_int("PD_AFTER_DAYS", 180)
if PD_AFTER_DAYS < 1:
    raise ImproperlyConfigured(f"PD_AFTER_DAYS must be 1 or more; got {PD_AFTER_DAYS}")
# Days after the Form I demand notice is served before a recovery certificate may be sent to the collector.
RC_NOTICE_DAYS = env_int("RC_NOTICE_DAYS", 30)
if RC_NOTICE_DAYS < 0:
    raise ImproperlyConfigured(f"RC_NOTICE_DAYS must be 0 or more; got {RC_NOTICE_DAYS}")
if DISPUTE_BACKDATE_DAYS < 0:
    raise ImproperlyConfigured(f"DISPUTE_BACKDATE_DAYS must be 0 or more; got {DISPUTE_BACKDATE_DAYS}")
# A stop's photo (evidence of a cut or of theft) is kept as media; larger uploads are refused.
STOP_PHOTO_MAX_BYTES = env_int("STOP_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# Pixels a photo's header may declare (width × height), refused before it is decoded: a few bytes can declare
# a picture that takes gigabytes to decode. A phone's camera takes 12–50 MP.
STOP_PHOTO_MAX_PIXELS = env_int("STOP_PHOTO_MAX_PIXELS", 50_000_000)
# The longer side of the JPEG kept (drives/photos.py re-encodes every photo): 1600 px is at most ~2 MP, enough to
# read a meter and a seal.
STOP_PHOTO_MAX_SIDE = env_int("STOP_PHOTO_MAX_SIDE", 1600)
if STOP_PHOTO_MAX_PIXELS < 1 or STOP_PHOTO_MAX_SIDE < 1:
    raise ImproperlyConfigured("STOP_PHOTO_MAX_PIXELS and STOP_PHOTO_MAX_SIDE must be 1 or more")
# Stop photos are served by drives.photo_views after the division check. Set to an nginx `internal` location that
# aliases MEDIA_ROOT (e.g. /protected-media/) and the view answers with X-Accel-Redirect, nginx sending the file.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")
if MEDIA_ACCEL_REDIRECT and not (MEDIA_ACCEL_REDIRECT.startswith("/") and MEDIA_ACCEL_REDIRECT.endswith("/")):
    raise ImproperlyConfigured(f"MEDIA_ACCEL_REDIRECT is a path like /protected-media/; got {MEDIA_ACCEL_REDIRECT!r}")

# --- Housekeeping --------------------------------------------------------------
# Uploaded billing files hold personal data: deleted this many days after their import ended.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30)
# A build or upload job still "running" or "queued" this long after it started is dead
# (its worker was killed): the sweep marks it failed. Longer than the task time limit.
STALE_JOB_MINUTES = env_int("STALE_JOB_MINUTES", 60)

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Backups ---------------------------------------------------------------------
# Where `manage.py backup` and the nightly task write (kesco-<stamp>.dump, its .json manifest and
# kesco-<stamp>-media.tar.gz). Production mounts a volume here, on another disk than the database's.
# Not BASE_DIR / "backups": that is the app's package.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or BASE_DIR / "backup-files")
# Backups taken longer ago than this are deleted after each good one (the newest is always kept).
BACKUP_KEEP_DAYS = env_int("BACKUP_KEEP_DAYS", 14)
if BACKUP_KEEP_DAYS < 1:
    raise ImproperlyConfigured(f"BACKUP_KEEP_DAYS must be 1 or more; got {BACKUP_KEEP_DAYS}")
# /healthz calls the last good backup stale after this many hours (a nightly one, with a few hours' grace);
# the nightly lists' and the daily e-mail's last success likewise after HEARTBEAT_STALE_HOURS.
BACKUP_STALE_HOURS = env_int("BACKUP_STALE_HOURS", 30)
HEARTBEAT_STALE_HOURS = env_int("HEARTBEAT_STALE_HOURS", 30)
if BACKUP_STALE_HOURS < 1 or HEARTBEAT_STALE_HOURS < 1:
    raise ImproperlyConfigured("BACKUP_STALE_HOURS and HEARTBEAT_STALE_HOURS must be 1 or more")

# --- Messages to consumers (notify/) -------------------------------------------------------------------------
# One backend per channel, by dotted path: notify.backends.ConsoleBackend (default: logs each message, and appends
# it as a JSON line to NOTIFY_FILE when set), notify.backends.HttpSmsBackend (a DLT gateway),
# notify.backends.WhatsAppBackend (the WhatsApp Business API's template messages).
NOTIFY_CHANNEL = os.environ.get("NOTIFY_CHANNEL") or "sms"
if NOTIFY_CHANNEL not in ("sms", "whatsapp"):
    raise ImproperlyConfigured(f"NOTIFY_CHANNEL must be sms or whatsapp; got {NOTIFY_CHANNEL!r}")
NOTIFY_SMS_BACKEND = os.environ.get("NOTIFY_SMS_BACKEND") or "notify.backends.ConsoleBackend"
NOTIFY_WHATSAPP_BACKEND = os.environ.get("NOTIFY_WHATSAPP_BACKEND") or "notify.backends.ConsoleBackend"
NOTIFY_FILE = os.environ.get("NOTIFY_FILE", "")
# The language of a consumer's messages (the consumer record has none): Hindi unless set.
NOTIFY_LANGUAGE = os.environ.get("NOTIFY_LANGUAGE") or "hi"
if NOTIFY_LANGUAGE not in ("hi", "en"):
    raise ImproperlyConfigured(f"NOTIFY_LANGUAGE must be hi or en; got {NOTIFY_LANGUAGE!r}")
# The DLT gateway (HTTP): its URL, API key, and the sender id (header) registered on DLT.
NOTIFY_SMS_URL = os.environ.get("NOTIFY_SMS_URL", "")
NOTIFY_SMS_API_KEY = os.environ.get("NOTIFY_SMS_API_KEY", "")
NOTIFY_SMS_SENDER = os.environ.get("NOTIFY_SMS_SENDER") or "KESCOK"
NOTIFY_SMS_ENTITY_ID = os.environ.get("NOTIFY_SMS_ENTITY_ID", "")
# WhatsApp Business (Cloud) API: the messages URL of the business phone number and its access token.
NOTIFY_WHATSAPP_URL = os.environ.get("NOTIFY_WHATSAPP_URL", "")
NOTIFY_WHATSAPP_TOKEN = os.environ.get("NOTIFY_WHATSAPP_TOKEN", "")
# Seconds a gateway has to answer one message before the attempt counts as failed (and is retried).
NOTIFY_TIMEOUT = env_int("NOTIFY_TIMEOUT", 10)
# Each template's registered DLT template id, per language: "notice.hi=1107…,notice.en=1107…,…".
NOTIFY_DLT_TEMPLATE_IDS = {}
for _item in env_list("NOTIFY_DLT_TEMPLATE_IDS", ""):
    _key, _sep, _value = _item.partition("=")
    if not _sep or "." not in _key or not _value.strip():
        raise ImproperlyConfigured(f"NOTIFY_DLT_TEMPLATE_IDS: each item is TEMPLATE.LANG=ID; got {_item!r}")
    NOTIFY_DLT_TEMPLATE_IDS[_key.strip()] = _value.strip()
# The shared secret the gateway signs its delivery receipts with (HMAC-SHA256 of the raw body); no secret: every
# receipt is refused. And how far a receipt's timestamp may be from now, in seconds (a replay window).
NOTIFY_RECEIPT_SECRET = os.environ.get("NOTIFY_RECEIPT_SECRET", "")
NOTIFY_RECEIPT_WINDOW = env_int("NOTIFY_RECEIPT_WINDOW", 300)
# Sends per second per worker (Celery's rate limit, "100/s"), and the attempts before a message is failed.
NOTIFY_RATE_LIMIT = os.environ.get("NOTIFY_RATE_LIMIT") or "100/s"
NOTIFY_MAX_RETRIES = env_int("NOTIFY_MAX_RETRIES", 5)
# A consumer with an unpaid notice is reminded this many days before its lawful-from date (0: no reminders).
NOTICE_REMINDER_DAYS = env_int("NOTICE_REMINDER_DAYS", 3)
if not 0 <= NOTICE_REMINDER_DAYS <= 15:
    raise ImproperlyConfigured(f"NOTICE_REMINDER_DAYS must be from 0 to 15; got {NOTICE_REMINDER_DAYS}")
