"""Settings for 巡察通.

Everything a deployment changes comes from environment variables; the defaults are the embedded
set-up `make demo` and `make test` use: SQLite, and a Celery broker on the file system that needs no
server. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XUNCHA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-embedded-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "guardian",
    "axes",  # login failures and lockouts (wired into authentication by the login-security work)
    "simple_history",
    "xuncha.accounts",
    "xuncha.audit",
    "xuncha.core",
    "xuncha.notifications",
    "rounds",
    "teams",
    "clues",
    "rectification",
    "dashboards",
    # Development data (manage.py seed_demo); the top layer, imported by nothing in production code.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "xuncha.core.aggregates.RequestScope",
]

ROOT_URLCONF = "xuncha.urls"
WSGI_APPLICATION = "xuncha.wsgi.application"

# Plain selects rendered without a template per option (xuncha.core.forms.FormRenderer).
FORM_RENDERER = "xuncha.core.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xuncha.core.context_processors.navigation",
                "xuncha.notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps the embedded set-up usable with a worker and a web process writing at once: WAL lets
    # readers run beside the writer; a transaction takes the write lock when it begins (IMMEDIATE), so
    # two of them queue for up to `timeout` seconds instead of one failing at once with "database is
    # locked" when both read first and then want to write (and select_for_update, which SQLite ignores,
    # is honoured in effect: the transaction that re-reads a row holds the only write lock).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the public pages' rate-limit counters: shared across processes only with Redis.
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_REDIS_URL}
    if CACHE_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; the public pages need no permissions.
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served directly: every download goes through a view that checks access
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail: the inbox is the primary channel; e-mail is a copy. Embedded default writes mails to files.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "巡察通 <xuncha@localhost>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Celery. The file-system transport needs no server; CELERY_BROKER_URL=redis://… for production.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _d in (_queue_dir, _processed_dir, _control_dir):
        _d.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
        "control_folder": str(_control_dir),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "milestone-reminders": {
        "task": "rounds.tasks.remind_due_milestones",
        "schedule": crontab(hour=7, minute=30),
    },
    "transfer-deadline-reminders": {
        "task": "clues.tasks.remind_transfer_deadlines",
        "schedule": crontab(hour=7, minute=40),
    },
    "rectification-reminders": {
        # One digest per person per morning: due dates 3 and 1 days ahead, overdue reports escalated.
        "task": "rectification.tasks.remind_rectification",
        "schedule": crontab(hour=7, minute=50),
    },
    "warm-dashboards": {
        # The leadership's dashboards computed again before their cached entry expires (with Redis).
        "task": "dashboards.tasks.dashboards_warm",
        "schedule": 90.0,
    },
    "forget-submission-tokens": {
        # The one-time tokens of create forms (xuncha.core.concurrency) are kept a week.
        "task": "xuncha.core.tasks.forget_submission_tokens",
        "schedule": crontab(hour=3, minute=20),
    },
    "requeue-stuck-documents": {
        # A document whose task was lost (broker down, worker killed) is queued again after 5 minutes.
        "task": "xuncha.core.tasks.requeue_stuck_documents",
        "schedule": crontab(minute="*/5"),
    },
    "deliver-pending-mail": {
        # A mail that could not go out (SMTP down) stays pending in the database and goes on a later run.
        "task": "xuncha.notifications.tasks.deliver_pending_emails",
        "schedule": crontab(minute="*/10"),
    },
}

MESSAGE_TAGS = {40: "danger"}

# Production hardening, on when DEBUG is off (`manage.py check --deploy` is clean).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Off only for a plain-HTTP intranet without TLS (browsers would not send secure cookies there).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Cryptographic suite: "gm" (国密: SM4-GCM for identity fields, SM3 / HMAC-SM3 for digests and the audit
# chain), the default for new installations, or "intl" (Fernet, SHA-256 / HMAC-SHA256).
XUNCHA_CRYPTO = os.environ.get("XUNCHA_CRYPTO", "gm")
# Key of the security audit log's HMAC chain; derived from SECRET_KEY when unset. Keep it apart from backups.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")

# Encryption of reporters' identities at rest (see xuncha/core/crypto.py). Set in production.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")

# Uploads: evidence and report attachments.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
PUBLIC_UPLOAD_MAX_BYTES = int(os.environ.get("PUBLIC_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
