"""Settings for walletdesk, read from the environment.

Every knob is a ``WALLETDESK_*`` variable so that the same code runs embedded
(SQLite, in-memory channel layer, in-process worker) and in production
(PostgreSQL, Redis, separate workers) without edits.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

# Django's generic classes (ModelForm[Model], TabularInline[Child, Parent], ...) take type
# arguments at run time too, as they do for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("WALLETDESK_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


PRODUCTION = env_bool("WALLETDESK_PRODUCTION")
DEBUG = env_bool("WALLETDESK_DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("WALLETDESK_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("WALLETDESK_SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-walletdesk"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("WALLETDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

# walletdesk's apps come first: for a message that Django also translates
# (for example "Log out"), the app listed first wins.
INSTALLED_APPS = [
    "walletdesk.core",
    "walletdesk.accounts",
    "walletdesk.notify",
    "walletdesk.risk",
    "walletdesk.wallet",
    "walletdesk.directory",
    "walletdesk.support",
    "walletdesk.phone",
    "walletdesk.servicelevels",
    "walletdesk.mailroom",
    "walletdesk.casework",
    "walletdesk.disputes",
    "walletdesk.helpcenter",
    "walletdesk.triage",
    "walletdesk.troubleshoot",
    "walletdesk.reports",
    "walletdesk.webhooks",
    "walletdesk.web",
    "walletdesk.bench",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "walletdesk.core.language.CantoneseMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, with the session's device check in the user's query.
    "walletdesk.accounts.middleware.SessionUserMiddleware",
    "walletdesk.web.middleware.UserTimezoneMiddleware",
    # Django's MessageMiddleware, the storage made only for requests that use it.
    "walletdesk.web.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "walletdesk.web.headers.ContentSecurityPolicyMiddleware",
    "walletdesk.web.headers.JsonBodyMiddleware",
    "walletdesk.web.errors.UnavailableMiddleware",
]

ROOT_URLCONF = "walletdesk.urls"
ASGI_APPLICATION = "walletdesk.asgi.application"
WSGI_APPLICATION = "walletdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "walletdesk.web.context_processors.site",
                # Django's CSRF token, its mask drawn in one read (overrides the built-in one;
                # issue #16, ADR 0123)
                "walletdesk.web.csrf.csrf",
            ],
            # Django's {% extends %} with the root template's blocks found once per compiled
            # template instead of on every render (issue #16).
            "builtins": ["walletdesk.core.templatetags.extends_once"],
        },
    }
]

# How long `walletdesk serve` lets open connections finish after SIGTERM.
SHUTDOWN_GRACE_SECONDS = env_int("WALLETDESK_SHUTDOWN_GRACE", 10)

# --- database -----------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("WALLETDESK_DATABASE_URL", f"sqlite:///{VAR_DIR / 'walletdesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock
    # at BEGIN, so two writers queue instead of failing half-way (SQLite takes
    # no row locks: select_for_update does nothing there).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # A thread keeps its SQLite connection between requests (opening one and running the
    # PRAGMAs above cost more than a balance read): `walletdesk serve` runs requests on a
    # fixed set of threads (HTTP_THREADS), so at most that many stay open per process.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("WALLETDESK_DB_CONN_MAX_AGE", 300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif env_bool("WALLETDESK_DB_POOL", default=True):
    # Django's own psycopg pool, bounded per process: a request borrows a connection and
    # gives it back when it ends (Django closes it at the end of every request, which
    # returns it to the pool), so no request leaves a connection behind, whichever of the
    # process's HTTP_THREADS threads it ran on. Sizing (docs/production.md): processes x
    # WALLETDESK_DB_POOL_MAX + worker processes + a margin for admin tools must stay below max_connections.
    # While PostgreSQL is down a request waits up to the pool timeout for a connection,
    # then gets the typed 503.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # keeps sslmode etc. of the URL
        "min_size": env_int("WALLETDESK_DB_POOL_MIN", 2),
        "max_size": env_int("WALLETDESK_DB_POOL_MAX", 10),
        "timeout": env_float("WALLETDESK_DB_POOL_TIMEOUT", 3.0),
        # An idle connection above min_size is closed after a minute.
        "max_idle": env_float("WALLETDESK_DB_POOL_MAX_IDLE", 60.0),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool requires it
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # the pool checks a connection itself
else:
    # WALLETDESK_DB_POOL=0 (behind PgBouncer, say): one connection per request, closed at
    # its end. Under ASGI a request may run on a new thread each time, so "persistent"
    # connections would pile up until PostgreSQL refuses more (91 connections after 10 s of
    # bench_api with 60 s): keep WALLETDESK_DB_CONN_MAX_AGE at 0 here.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("WALLETDESK_DB_CONN_MAX_AGE", 0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"] and env_bool("WALLETDESK_DB_PREPARE",
                                                               default=True):
    # Parameters bound by the server, and a statement a connection has run 5 times prepared
    # on it: PostgreSQL then parses it once per connection and, once its generic plan costs no
    # more, stops planning it (ADR 0120). WALLETDESK_DB_PREPARE=0 behind a pooler in
    # transaction mode, where a prepared statement would not stay with its connection.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5})
# Threads of a server process that run requests (`core/httphandler.py`): by default as many as
# the process has pooled database connections, so a burst queues for a thread instead of
# waiting on the pool and failing after its timeout.
HTTP_THREADS = max(1, env_int("WALLETDESK_HTTP_THREADS", int(
    DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("max_size", 10))))
# Test databases get the process id so that parallel runs never share one.
DATABASES["default"]["TEST"] = {"NAME": None if "sqlite" in DATABASES["default"]["ENGINE"]
                                else f"test_walletdesk_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis, channels, cache ---------------------------------------------------------
REDIS_URL = os.environ.get("WALLETDESK_REDIS_URL", "")
if REDIS_URL:
    # Redis pub/sub (default): a group send is one PUBLISH, and each process holds one
    # subscription per group its sockets are in. Nothing is stored in Redis; the chat never
    # relied on that: every message is in the database with its sequence number, and sockets
    # fill gaps from there (resume, recheck loop). "lists" is channels_redis' original layer
    # (four round trips per group send, plus a pop per receiving socket); see support-chat.md.
    if os.environ.get("WALLETDESK_CHANNEL_LAYER", "pubsub") == "lists":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                # A pool large enough for every socket of a busy process, a read timeout
                # above channels_redis' 5 s blocking pop, and room for bursts per channel.
                "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30,
                                      "max_connections": 2000}],
                           "capacity": 1000},
            }
        }
    else:
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "walletdesk.support.layer.PubSubChannelLayer",
                "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
            }
        }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["walletdesk.accounts.backends.LoginBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "wallet:home"
# Django's database sessions, the read compiled once per connection (issue #16).
SESSION_ENGINE = "walletdesk.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
API_TOKEN_TTL_HOURS = env_int("WALLETDESK_API_TOKEN_TTL_HOURS", 24 * 7)

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# zh-hant (Hong Kong) is generated from zh-hans: `walletdesk make_zh_hant` (docs/i18n.md).
# Django maps Accept-Language zh-HK/zh-TW/zh-MO/zh-Hant* to zh-hant and zh/zh-CN/zh-SG to
# zh-hans; core.language.CantoneseMiddleware adds yue (Cantonese) → zh-hant.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English"), ("zh-hant", "繁體中文")]
LANGUAGE_COOKIE_NAME = "walletdesk_language"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_USER_TIME_ZONE = "Asia/Shanghai"
# The desk's own zone: conversation references (CS-YYYYMMDD-NNNNNN) carry the desk's local date
# (ADR 0117). An unknown zone name stops the start-up instead of the first conversation.
DESK_TIME_ZONE = os.environ.get("WALLETDESK_DESK_TIME_ZONE", DEFAULT_USER_TIME_ZONE)
try:
    zoneinfo.ZoneInfo(DESK_TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as _exc:
    raise RuntimeError(f"WALLETDESK_DESK_TIME_ZONE: unknown time zone {DESK_TIME_ZONE!r}") from _exc
# Each app keeps its own catalogues in <app>/locale/zh_Hans|zh_Hant/LC_MESSAGES/django.po,
# compiled .mo files committed beside them (they ship in the wheel).
LOCALE_PATHS: list[Path] = []

# --- static -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- email --------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("WALLETDESK_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("WALLETDESK_SMTP_PORT", 1025)
DEFAULT_FROM_EMAIL = os.environ.get("WALLETDESK_FROM_EMAIL", "walletdesk <no-reply@walletdesk.example>")

# --- support by email (mailroom; docs/email-support.md) --------------------------
MAILROOM: dict[str, Any] = {
    # host:port of the inbound SMTP listener that `walletdesk serve` starts; "" or "off" = none
    # (production runs `walletdesk smtpd` as its own process behind the MX).
    "LISTEN": os.environ.get("WALLETDESK_SMTP_LISTEN", "" if PRODUCTION else "127.0.0.1:2525"),
    "SUPPORT_EMAIL": os.environ.get("WALLETDESK_SUPPORT_EMAIL", "support@walletdesk.example"),
    "MAX_BYTES": env_int("WALLETDESK_SMTP_MAX_BYTES", 10 * 1024 * 1024),
    # More mails than this from one sender in an hour are a loop: accepted, not answered.
    "SENDER_LIMIT_PER_HOUR": env_int("WALLETDESK_SMTP_SENDER_LIMIT", 20),
    # The authserv-id of our own MX: only its Authentication-Results (dmarc=pass) vouch for a From.
    "TRUSTED_AUTHSERV_ID": os.environ.get("WALLETDESK_SMTP_AUTHSERV_ID", ""),
    "MESSAGE_ID_DOMAIN": os.environ.get("WALLETDESK_MESSAGE_ID_DOMAIN", ""),
}

# --- wallet -------------------------------------------------------------------
WALLET: dict[str, Any] = {
    # Payment-network simulator (the development provider of the card/bank network).
    "NETWORK_PROVIDER": os.environ.get("WALLETDESK_NETWORK_PROVIDER", "simulator"),
    "NETWORK_CONFIRM_RATE": env_float("WALLETDESK_NETWORK_CONFIRM_RATE", 0.9),
    "NETWORK_FAIL_RATE": env_float("WALLETDESK_NETWORK_FAIL_RATE", 0.05),
    # The rest of the outcomes confirm late (after the pending timeout).
    "NETWORK_DELAY_SECONDS": (env_float("WALLETDESK_NETWORK_DELAY_MIN", 2.0),
                              env_float("WALLETDESK_NETWORK_DELAY_MAX", 8.0)),
    "NETWORK_LATE_DELAY_SECONDS": env_float("WALLETDESK_NETWORK_LATE_DELAY", 1200.0),
    "NETWORK_SEED": os.environ.get("WALLETDESK_NETWORK_SEED", ""),
    # Share of submissions the network refuses outright (a timeout); retried by the job.
    "NETWORK_UNAVAILABLE_RATE": env_float("WALLETDESK_NETWORK_UNAVAILABLE_RATE", 0.02),
    "PENDING_TIMEOUT_SECONDS": env_int("WALLETDESK_PENDING_TIMEOUT", 900),
    "IDEMPOTENCY_TTL_HOURS": env_int("WALLETDESK_IDEMPOTENCY_TTL_HOURS", 48),
    "IDEMPOTENCY_LEASE_SECONDS": env_int("WALLETDESK_IDEMPOTENCY_LEASE", 60),
}

# --- background work ----------------------------------------------------------
# "thread": `walletdesk serve` runs the worker loop in-process (embedded default).
# "external": only `walletdesk worker` processes run jobs (production).
WORKER_MODE = os.environ.get("WALLETDESK_WORKER_MODE", "external" if PRODUCTION else "thread")
WORKER_POLL_SECONDS = env_float("WALLETDESK_WORKER_POLL", 0.5)

# --- production hardening -------------------------------------------------------------
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self' {websocket}; worker-src 'self'; manifest-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("WALLETDESK_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("WALLETDESK_SSL_REDIRECT", True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("WALLETDESK_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("WALLETDESK_CSRF_TRUSTED_ORIGINS", "").split(",")
                            if o]
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"

LOG_FORMAT = os.environ.get("WALLETDESK_LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "walletdesk.core.observability.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("WALLETDESK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- accounts & security (issue 3) --------------------------------------------------

EMAIL_BACKEND = os.environ.get("WALLETDESK_EMAIL_BACKEND", EMAIL_BACKEND)
EMAIL_TIMEOUT = env_int("WALLETDESK_SMTP_TIMEOUT", 10)
# Copies of every email and SMS in the database, readable at /notify/outbox/ and
# GET /api/v1/dev/outbox. Development only: refused in production.
DEV_OUTBOX = env_bool("WALLETDESK_DEV_OUTBOX")
if DEV_OUTBOX and PRODUCTION:
    raise RuntimeError("WALLETDESK_DEV_OUTBOX must not be set in production")
NOTIFY: dict[str, Any] = {
    "SMS_PROVIDER": os.environ.get("WALLETDESK_SMS_PROVIDER",
                                   "walletdesk.notify.providers.DevelopmentSmsProvider"),
    "SMS_FAIL_RATE": env_float("WALLETDESK_SMS_FAIL_RATE", 0.0),
    "SMS_FAIL_NUMBERS": [n for n in os.environ.get("WALLETDESK_SMS_FAIL_NUMBERS", "").split(",") if n],
    # Web Push (VAPID). Production must set the key (PEM, "\\n" for line breaks) and subject;
    # development generates a key pair into var/ on first use.
    "VAPID_PRIVATE_KEY": os.environ.get("WALLETDESK_VAPID_PRIVATE_KEY", ""),
    "VAPID_SUBJECT": os.environ.get("WALLETDESK_VAPID_SUBJECT", "mailto:support@example.com"),
    # Push endpoints on the loopback (the local test push service): never in production.
    "PUSH_ALLOW_LOOPBACK": env_bool("WALLETDESK_PUSH_ALLOW_LOOPBACK", not PRODUCTION),
    "PUSH_TTL_SECONDS": env_int("WALLETDESK_PUSH_TTL", 86_400),
}
if NOTIFY["PUSH_ALLOW_LOOPBACK"] and PRODUCTION:
    raise RuntimeError("WALLETDESK_PUSH_ALLOW_LOOPBACK must not be set in production")
# Proxies whose X-Forwarded-For is believed; empty = the header is ignored.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("WALLETDESK_TRUSTED_PROXIES", "").split(",")
                   if p.strip()]
SECURITY: dict[str, Any] = {
    "LOCKOUT_TIERS": [(5, 60), (10, 300), (15, 900)],  # failures -> seconds to wait
    "LOCKOUT_HOLD_FAILURES": 20,
    "LOCKOUT_WINDOW_HOURS": 12,
    "IP_FAILURES_PER_15_MIN": env_int("WALLETDESK_IP_FAILURE_LIMIT", 100),
    "CODE_TTL_EMAIL_MINUTES": 15,
    "CODE_TTL_SMS_MINUTES": 10,
    "CODE_DIGITS": 6,
    "CODE_MAX_ATTEMPTS": 5,
    "CODE_SENDS_PER_HOUR": 3,
    # Requests that may send a message (sign-up, reset, unlock), counted before the address
    # is looked up; and a silent cap on every message to one address.
    "SEND_REQUESTS_PER_ADDRESS_PER_HOUR": env_int("WALLETDESK_SEND_PER_ADDRESS", 5),
    "SEND_REQUESTS_PER_IP_PER_HOUR": env_int("WALLETDESK_SEND_PER_IP", 30),
    "MESSAGES_PER_ADDRESS_PER_HOUR": env_int("WALLETDESK_MESSAGES_PER_ADDRESS", 20),
    "HOLD_AFTER_RESET_HOURS": env_int("WALLETDESK_HOLD_AFTER_RESET_HOURS", 24),
    "STEP_UP_SECONDS": 300,
    "MFA_LOGIN_MINUTES": 5,
    # "new_place": an unknown device from a country never seen before steps up;
    # "always": every unknown device steps up.
    "NEW_DEVICE_STEP_UP": os.environ.get("WALLETDESK_NEW_DEVICE_STEP_UP", "new_place"),
    "IMPOSSIBLE_TRAVEL_KMH": 1000,
    "GEO_PROVIDER": os.environ.get("WALLETDESK_GEO_PROVIDER",
                                   "walletdesk.accounts.geo.DevelopmentGeoProvider"),
}
# Agent actions (casework): how long a verification request and a verification last, and
# the fee refund (minor units) above which a second person must approve.
CASEWORK: dict[str, Any] = {
    "VERIFICATION_REQUEST_MINUTES": env_int("WALLETDESK_VERIFICATION_REQUEST_MINUTES", 10),
    "VERIFICATION_VALID_MINUTES": env_int("WALLETDESK_VERIFICATION_VALID_MINUTES", 15),
    "FEE_REFUND_APPROVAL_ABOVE": env_int("WALLETDESK_FEE_REFUND_APPROVAL_ABOVE", 2000),
}
SITE_URL = os.environ.get("WALLETDESK_SITE_URL", "http://127.0.0.1:8000")
MIDDLEWARE.append("walletdesk.accounts.middleware.AuthContextMiddleware")

# --- webhooks (issue 6) ----------------------------------------------------------------
WEBHOOKS: dict[str, Any] = {
    # Private, loopback and link-local addresses are refused in production (SSRF, ADR 0086);
    # development and tests post to receivers on the same machine.
    "ALLOW_PRIVATE": env_bool("WALLETDESK_WEBHOOKS_ALLOW_PRIVATE", default=not PRODUCTION),
    "REQUIRE_HTTPS": env_bool("WALLETDESK_WEBHOOKS_REQUIRE_HTTPS", default=PRODUCTION),
    "MAX_ATTEMPTS": env_int("WALLETDESK_WEBHOOKS_MAX_ATTEMPTS", 8),
    "BASE_DELAY_SECONDS": env_float("WALLETDESK_WEBHOOKS_BASE_DELAY", 80.0),
    "BACKOFF_FACTOR": 3.0,
    "JITTER": 0.2,
    # The scanner reads new support messages every few seconds, only rows a little older than
    # the grace (a transaction that commits a lower id late is then not skipped).
    "SCAN_EVERY_SECONDS": env_float("WALLETDESK_WEBHOOKS_SCAN_EVERY", 5.0),
    "SCAN_GRACE_SECONDS": env_float("WALLETDESK_WEBHOOKS_SCAN_GRACE", 3.0),
    # Events, deliveries and their log are kept this long once finished.
    "RETENTION_DAYS": env_int("WALLETDESK_WEBHOOKS_RETENTION_DAYS", 30),
}

# --- phone callbacks (issue 6; docs/phone-and-service-levels.md) -----------------------
PHONE: dict[str, Any] = {
    "TELEPHONY_PROVIDER": os.environ.get("WALLETDESK_TELEPHONY_PROVIDER",
                                         "walletdesk.phone.providers.DevelopmentTelephonyProvider"),
    "SLOT_MINUTES": 15,
    "SLOT_CAPACITY": env_int("WALLETDESK_CALLBACK_SLOT_CAPACITY", 3),
    "BOOK_DAYS": env_int("WALLETDESK_CALLBACK_BOOK_DAYS", 7),
    "LEAD_MINUTES": 5,
    # The development provider: seconds of ringing, and how often calls go unanswered, fail,
    # or the provider refuses the request (0..1); numbers that always fail / never answer.
    "DEV_RING_SECONDS": env_float("WALLETDESK_TELEPHONY_RING_SECONDS", 3.0),
    "DEV_NO_ANSWER_RATE": env_float("WALLETDESK_TELEPHONY_NO_ANSWER_RATE", 0.0),
    "DEV_FAIL_RATE": env_float("WALLETDESK_TELEPHONY_FAIL_RATE", 0.0),
    "DEV_UNAVAILABLE_RATE": env_float("WALLETDESK_TELEPHONY_UNAVAILABLE_RATE", 0.0),
    "DEV_FAIL_NUMBERS": [n for n in os.environ.get("WALLETDESK_TELEPHONY_FAIL_NUMBERS", "").split(",") if n],
    "DEV_NO_ANSWER_NUMBERS": [n for n in os.environ.get("WALLETDESK_TELEPHONY_NO_ANSWER_NUMBERS",
                                                        "").split(",") if n],
    # Shared secret of a real provider's signed status events (phone/webhook.py); "" = none.
    "WEBHOOK_SECRET": os.environ.get("WALLETDESK_TELEPHONY_WEBHOOK_SECRET", ""),
}

# --- process knobs read by single modules (every environment variable is read in this file) --
# The test clock's offset (core/clock.py) for a server started by a browser test. Production
# refuses to start with one (core/checks.py, ADR 0112): a shifted clock moves every deadline.
CLOCK_OFFSET_SECONDS = env_float("WALLETDESK_CLOCK_OFFSET_SECONDS", 0.0)
# A staging demo in production: demo data and development providers allowed (ADR 0091).
ALLOW_DEMO_IN_PRODUCTION = env_bool("WALLETDESK_ALLOW_DEMO_IN_PRODUCTION")
# How long a claimed job stays claimed before another worker may take it (core/jobs.py).
JOB_LEASE_SECONDS = env_float("WALLETDESK_JOB_LEASE_SECONDS", 120.0)
# Slow clients: request headers complete within this many seconds (core/httpserver.py).
HEADER_TIMEOUT_SECONDS = env_float("WALLETDESK_HEADER_TIMEOUT", 10.0)
# Build help search's indexes and text encoder on a background thread when an ASGI process
# starts (asgi.py), so that the first person to search after a start or a deploy does not wait
# about 1.5–2 s for them. On by default in production; tests and development build on first use.
HELP_WARM_AT_START = env_bool("WALLETDESK_HELP_WARM_AT_START", PRODUCTION)
# The version a build stamps on the image (no git checkout there); "" = the package's own.
APP_VERSION = os.environ.get("WALLETDESK_APP_VERSION", "")[:60]
# The directory's Ed25519 signing seed (base64); "" = a key file in VAR_DIR, refused in production.
DIRECTORY_SIGNING_KEY = os.environ.get("WALLETDESK_DIRECTORY_SIGNING_KEY", "")
# BANKING77 for training triage (train_triage); "" = ../shared/datasets/banking77 of the repository.
BANKING77_DIR = os.environ.get("WALLETDESK_BANKING77_DIR", "")
# Where train_triage keeps the encoder's vectors of its rows: outside the repository and the
# package, by default in the user's cache folder ($XDG_CACHE_HOME or ~/.cache).
TRIAGE_CACHE_DIR = os.environ.get("WALLETDESK_TRIAGE_CACHE") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "walletdesk" / "triage")
# On a CI runner a missing training set fails `train_triage --check` instead of skipping it.
CI = os.environ.get("CI") == "true"
