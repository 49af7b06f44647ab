"""Settings for 巡察通.

Everything a deployment changes comes from environment variables; the defaults are the embedded
set-up `make demo` and `make test` use: SQLite, and a Celery broker on the file system that needs no
server. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

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
    "xuncha.security",
    "xuncha.notifications",
    "rounds",
    "teams",
    "people",
    "clues",
    "rectification",
    "dashboards",
    # 历史轮次录入: past rounds imported from the office's workbook (reads the dashboards' figures).
    "archive",
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
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "xuncha.core.aggregates.RequestScope",
    # Idle and absolute session limits, the forced password change, permission denials to the audit log.
    "xuncha.security.middleware.SessionSecurityMiddleware",
    # django-axes: answers a locked-out login with the app's lockout page (last, as axes documents).
    "axes.middleware.AxesMiddleware",
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
                "xuncha.security.context_processors.password_expiry",
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
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered fragments keyed by everything they show (a ledger row: its measure's version and the rest,
    # `rectification.selectors.closing.ledger_rows`), in each process's memory: a Redis round trip would
    # cost what rendering the fragment costs.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Password rules (等保 level 3): 8+ characters of three of four classes, not the login name, not one of
# the last PASSWORD_HISTORY_COUNT passwords (xuncha/security/passwords.py; messages in Chinese).
PASSWORD_HISTORY_COUNT = int(os.environ.get("PASSWORD_HISTORY_COUNT", "5"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "xuncha.security.passwords.ComplexityValidator", "OPTIONS": {"min_length": 8, "min_classes": 3}},
    {"NAME": "xuncha.security.passwords.UsernameValidator"},
    {"NAME": "xuncha.security.passwords.CommonValidator"},
    {"NAME": "xuncha.security.passwords.HistoryValidator"},
]
# A password expires this many days after it was set (0: never); a banner warns PASSWORD_WARN_DAYS before,
# and an expired password sends its user to the change page.
PASSWORD_EXPIRY_DAYS = int(os.environ.get("PASSWORD_EXPIRY_DAYS", "90"))
PASSWORD_WARN_DAYS = int(os.environ.get("PASSWORD_WARN_DAYS", "7"))

# Lockout (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one login name lock it for
# LOGIN_LOCKOUT_MINUTES; LOGIN_ADDRESS_FAILURE_LIMIT failures from one client address (whatever names
# were tried) lock that address as long. A success does not reset the count (the office unlocks).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30"))
AXES_HANDLER = "xuncha.security.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_CLIENT_IP_CALLABLE = "xuncha.audit.log.client_ip"
AXES_LOCKOUT_CALLABLE = "xuncha.security.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False
# A try during the lockout is refused without counting (the lock ends 30 minutes after it began).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# Sessions: ended after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after login
# (xuncha.security.middleware); the cookie itself never outlives the absolute limit.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; the public pages need no permissions.
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
# django-filter's empty choice of a filter bar's select (xuncha.core.forms.blank_label for the others).
FILTERS_EMPTY_CHOICE_LABEL = "全部"
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
    "heartbeat": {
        # /healthz: beat sent this (the "beat" heartbeat) and a worker ran it (the "worker" heartbeat).
        "task": "xuncha.core.tasks.heartbeat",
        "schedule": float(os.environ.get("XUNCHA_HEARTBEAT_EVERY", "60")),
    },
    "deliver-pending-mail": {
        # A mail that could not go out (SMTP down) stays pending in the database and goes on a later run.
        "task": "xuncha.notifications.tasks.deliver_pending_emails",
        "schedule": crontab(minute="*/10"),
    },
}

# /healthz reports the worker or beat as failing when its heartbeat is older than this (seconds).
XUNCHA_HEARTBEAT_MAX_AGE = int(os.environ.get("XUNCHA_HEARTBEAT_MAX_AGE", "300"))

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
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(SESSION_ABSOLUTE_HOURS * 3600)))
X_FRAME_OPTIONS = "DENY"

# The reverse proxies in front of the application (comma-separated IPs or CIDRs, e.g. "127.0.0.1,10.0.0.0/8").
# Only when the peer is one of them is the client's address taken from X-Forwarded-For (the right-most
# address that is not a trusted proxy), for the audit log, the login lockouts and the public rate limits
# (xuncha.audit.log.client_ip). Empty: the socket's address (REMOTE_ADDR) is the client.
XUNCHA_TRUSTED_PROXIES = env_list("XUNCHA_TRUSTED_PROXIES", "")
# django-axes counts login failures per client address: the same address as everything else.
AXES_CLIENT_IP_CALLABLE = "xuncha.audit.log.client_ip"
# A locked-out login gets the Chinese 429 page (axes answers 429).
AXES_LOCKOUT_TEMPLATE = "429.html"

# Content-Security-Policy (django-csp), sent on every response, DEBUG or not: scripts only from this
# site's own files (no inline script, no on*= handlers, no eval: ECharts and htmx need none as used
# here, htmx's eval is switched off in base.html), no plugins, no framing, forms post only here.
# Styles keep 'unsafe-inline': templates use style attributes and ECharts/Bootstrap set inline styles.
# Images allow data: URIs (Bootstrap's form icons, ECharts). Extra sources per directive can be added
# with XUNCHA_CSP_EXTRA="img-src https://maps.example.cn; connect-src https://sso.example.cn".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
for _part in os.environ.get("XUNCHA_CSP_EXTRA", "").split(";"):
    _words = _part.split()
    if len(_words) > 1:
        CONTENT_SECURITY_POLICY["DIRECTIVES"].setdefault(_words[0], ["'self'"]).extend(_words[1:])

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
# Days the security audit log is kept before `manage.py audit_purge` may delete it (never below 180).
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", "365")))

# Optional single sign-on (OIDC, mozilla-django-oidc): on only when OIDC_RP_CLIENT_ID is set. The
# identity platform's user is mapped to an existing account (never created): by the claim
# OIDC_USERNAME_CLAIM matched against the field OIDC_USERNAME_FIELD (login name by default).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile")
    OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
    OIDC_USERNAME_FIELD = os.environ.get("OIDC_USERNAME_FIELD", "username")
    OIDC_CREATE_USER = False
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
    AUTHENTICATION_BACKENDS.insert(1, "xuncha.security.oidc.ExistingUserOIDCBackend")

# Encryption of reporters' identities at rest (see xuncha/core/crypto.py): one or more keys, newest first.
# Required in production (DEBUG off); the embedded set-up derives one from SECRET_KEY and `check` says so.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
if not DEBUG and not FIELD_ENCRYPTION_KEY.strip():
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEY is required when DJANGO_DEBUG is off: generate one with "
        '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"` '
        "and keep it apart from the database backups."
    )
# Key of the HMAC-SM3 digests of receipt codes (国密); derived from SECRET_KEY when unset.
XUNCHA_DIGEST_KEY = os.environ.get("XUNCHA_DIGEST_KEY", "")

# Uploads: evidence and report attachments.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
PUBLIC_UPLOAD_MAX_BYTES = int(os.environ.get("PUBLIC_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
