"""Settings for the supervision portal.

One module driven by the environment: with nothing set it runs the embedded default
(SQLite, Celery tasks executed in-process); DATABASE_URL and REDIS_URL switch to the
production shape (PostgreSQL via psycopg 3, Redis broker).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", default=not os.environ.get("DJANGO_SECRET_KEY"))
ALLOWED_HOSTS = [
    h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Key for keyed hashes of personal identifiers (ID numbers). Separate from SECRET_KEY so that
# rotating sessions does not orphan every stored hash.
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", SECRET_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "auditlog",
    "axes",
    "django_htmx",
    # ground floor
    "supervision.core",
    "supervision.workcal",
    "supervision.deadlines",
    "supervision.documents",
    "supervision.referrals",
    "supervision.publicity",
    "supervision.files",
    # domain floors
    "institutions",
    "institutions.reconciliation",
    "credit",
    "inspections",
    "inspections.complaints",
    "inspections.rectification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "supervision.core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "supervision.core.middleware.QueryGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "supervision.urls"
WSGI_APPLICATION = "supervision.wsgi.application"
AUTH_USER_MODEL = "core.User"

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
                "django.template.context_processors.i18n",
                "supervision.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's length rule with a Chinese message (see supervision/core/passwords.py).
    {"NAME": "supervision.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: 30 minutes, renewed on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# django-axes: 5 failures per user and per IP lock for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Every upload goes to the private file store (supervision/files/store.py) under
# PRIVATE_STORAGE_ROOT, outside every web root, and is served only through the owning object's
# view. Nothing a user uploads is kept in MEDIA_ROOT, and MEDIA_URL is not routed.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", BASE_DIR / "private"))
# Size limits of the file store per class of file, in bytes: photos and scanned images
# (re-encoded, EXIF dropped), documents (PDF), spreadsheets (registration lists, streamed; a
# county's list of 200,000 rows is about 7 MB as xlsx and 23 MB as csv).
FILE_STORE_LIMITS = {
    "image": 15 * 1024 * 1024,
    "document": 20 * 1024 * 1024,
    "spreadsheet": 50 * 1024 * 1024,
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@supervision.local")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and env_bool("USE_REDIS_CACHE", True):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Celery: with REDIS_URL a real broker; otherwise tasks run in-process (embedded default).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    "deadlines-sweep": {"task": "deadlines.sweep", "schedule": 300.0},
    # Listing terms end at midnight; an hourly run removes expired entries within the hour.
    "credit-listings-sweep": {"task": "credit.listings_sweep", "schedule": 3600.0},
    "rectification-escalate": {"task": "rectification.escalate_overdue", "schedule": 3600.0},
}

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "supervision.core.api_errors.exception_handler",
    # Token first: an unauthenticated or bad-token request answers 401 with
    # "WWW-Authenticate: Token" (DRF takes the header from the first class; session has none).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "supervision.core.filters.BoundedFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "supervision.core.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "public": os.environ.get("PUBLIC_THROTTLE_RATE", "120/min"),
        "complaint": "10/hour",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "养老服务综合监管平台 API",
    "DESCRIPTION": "Supervision portal for elderly-care services: staff API (/api/v1/) and public open data.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "state", "kind" or "status" field with their own choices; name each
    # enum after its model so the schema is stable and readable.
    "ENUM_NAME_OVERRIDES": {
        "DeadlineStateEnum": "supervision.deadlines.models.DeadlineState",
        "NotificationKindEnum": "supervision.deadlines.models.NotificationKind",
        "ReferralStateEnum": "supervision.referrals.models.ReferralState",
        "InstitutionKindEnum": "institutions.models.InstitutionKind",
        "InstitutionStatusEnum": "institutions.models.InstitutionStatus",
        "FilingKindEnum": "institutions.models.FilingKind",
        "ReconciliationRunStatusEnum": "institutions.reconciliation.models.RunStatus",
        "CreditRecordKindEnum": "credit.models.RecordKind",
        "ListingProposalStateEnum": "credit.models.ProposalState",
        "DrawStatusEnum": "inspections.models.DrawStatus",
        "InspectionKindEnum": "inspections.models.InspectionKind",
        "InspectionStatusEnum": "inspections.models.InspectionStatus",
        "ComplaintOutcomeEnum": "inspections.complaints.models.Outcome",
        "ItemOutcomeEnum": "inspections.models.ItemOutcome",
        "FindingStatusEnum": "inspections.models.FindingStatus",
        "ComplaintStateEnum": "inspections.complaints.models.State",
        "RectificationNoticeStatusEnum": "inspections.rectification.models.NoticeStatus",
        "NoticeItemStateEnum": "inspections.rectification.models.ItemState",
        "PenaltyKindEnum": "inspections.rectification.models.PenaltyKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# Spreadsheet imports (supervision/core/spreadsheets.py): refused before any reader opens them
# when larger than this, inflating beyond this (a zip bomb), or longer than this many rows.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 200_000))
