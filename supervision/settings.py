"""Settings for the supervision portal.

One module driven by the environment: with nothing set it runs the embedded default
(SQLite, Celery tasks executed in-process); DATABASE_URL and REDIS_URL switch to the
production shape (PostgreSQL via psycopg 3, Redis broker).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


# DEBUG is off unless asked for: Django's DEBUG pages show settings and code, so only a
# developer's own machine turns it on (`make run` sets DJANGO_DEBUG=true). The repository's
# secret key (and .env.example's placeholder) is accepted only with DEBUG on, and by the test
# suite (pytest sets PYTEST_VERSION; tests never serve); anything else refuses to start.
DEV_SECRET_KEY = "dev-insecure-key-change-me-in-production-0123456789"  # nosec B105 # refused unless DEBUG is on
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", default=False)
RUNNING_TESTS = "PYTEST_VERSION" in os.environ
if not DEBUG and not RUNNING_TESTS and (SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("change-me")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DEBUG 关闭时不得使用仓库自带的默认密钥：请把 DJANGO_SECRET_KEY 设为至少 50 个随机字符"
        "（本机开发请用 make run，或设置 DJANGO_DEBUG=true）。 / Refusing to start with DEBUG off "
        "and the repository's default secret key: set DJANGO_SECRET_KEY to 50+ random characters "
        "(for local development use `make run` or set DJANGO_DEBUG=true)."
    )
ALLOWED_HOSTS = [
    h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Key for keyed hashes of personal identifiers (ID numbers). Separate from SECRET_KEY so that
# rotating sessions does not orphan every stored hash.
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", SECRET_KEY)
# The regions this deployment serves (12-digit codes, comma-separated): public pages default to
# them and the public region picker offers nothing else (supervision/core/regionpicker.py).
DEPLOYMENT_REGIONS = [c for c in os.environ.get("DEPLOYMENT_REGIONS", "371500000000").split(",") if c.strip()]
CSRF_FAILURE_VIEW = "supervision.core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "auditlog",
    "axes",
    "django_htmx",
    # ground floor
    "supervision.core",
    "supervision.accounts",
    "supervision.workcal",
    "supervision.deadlines",
    "supervision.documents",
    "supervision.referrals",
    "supervision.publicity",
    "supervision.files",
    "supervision.audit",
    "supervision.dashboard",
    "supervision.campaigns",
    # domain floors
    "institutions",
    "institutions.reconciliation",
    "institutions.portal",
    "credit",
    "inspections",
    "inspections.complaints",
    "inspections.rectification",
    "funds",
    "funds.deposits",
    "funds.fundraising",
    # oversight (ground floor: they read the indicator registry, not the apps; listed after the
    # floors so that their demo data reads what the floors' demo created)
    "supervision.reports",
    "supervision.evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "supervision.audit.context.AuditMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "supervision.core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 12-hour absolute session limit; forced password change and two-factor steps first.
    "supervision.accounts.middleware.AccountSecurityMiddleware",
    # Institution accounts (机构端) stay on the institution pages (supervision/core/institution_menu.py).
    "supervision.core.institution_menu.InstitutionGateMiddleware",
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
elif not env_bool("DB_JIT", default=False):
    # PostgreSQL's JIT compiles any statement whose cost estimate passes jit_above_cost; the
    # portal's aggregates (the dashboard's, the reports') pass it with correlated subplans
    # and then spend far longer compiling than running: 1.7 s of 2 s for the province's
    # dashboard statement, 330 of 420 ms for the hand-written figures (bench/bench_dashboard.py).
    # Off for the portal's connections (DB_JIT=true turns it back on).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password rules with Chinese messages (supervision/core/passwords.py): 12 characters, three of
# four character classes, not common, not all digits, not like the user's own name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "supervision.core.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "supervision.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "supervision.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "supervision.core.passwords.CommonPasswordValidator"},
    {"NAME": "supervision.core.passwords.NumericPasswordValidator"},
]
# Password expiry in days (等保 asks for periodic change where the deployment's policy does);
# 0 turns it off. An expired password sends its user to the change page before anything else.
PASSWORD_EXPIRY_DAYS = int(os.environ.get("PASSWORD_EXPIRY_DAYS", "0"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # leaders land on the dashboard, everyone else on the workbench
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: 30 minutes, renewed on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Absolute limit: a session ends 12 hours after its sign-in, however active
# (supervision/accounts/middleware.py).
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")) * 3600

# django-axes (supervision/accounts/lockout.py): 5 failures for one user name (from any address)
# lock that user name for 15 minutes; only 50 failures from one address (any user names) lock
# the address, so one office behind a shared address is not locked by one colleague's typos.
AXES_USER_FAILURE_LIMIT = int(os.environ.get("AXES_USER_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "50"))
AXES_FAILURE_LIMIT = AXES_USER_FAILURE_LIMIT
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "supervision.accounts.lockout.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "supervision.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "supervision.accounts.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Reverse proxies in front of the portal that append to X-Forwarded-For (nginx with
# ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``): 0 = none, use REMOTE_ADDR.
# Set it to exactly the number of proxies you run: one more lets clients choose their address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# API tokens (django-rest-knox, supervision/accounts/tokens.py): digests only, expiring.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=float(os.environ.get("API_TOKEN_TTL_HOURS", "10"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
API_TOKENS_PER_USER = int(os.environ.get("API_TOKENS_PER_USER", "3"))
API_TOKENS_END_WITH_WEB_LOGOUT = env_bool("API_TOKENS_END_WITH_WEB_LOGOUT", True)

# Two-factor sign-in (TOTP, django-otp; supervision/accounts/web.py): off | optional | admins | all.
TWO_FACTOR = os.environ.get("TWO_FACTOR", "off")
OTP_TOTP_ISSUER = "养老服务综合监管平台"

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
    # Quarterly subsidy spot checks (003 4.): open the quarter's rounds and clocks (idempotent).
    "funds-open-spot-checks": {"task": "funds.open_spot_checks", "schedule": 86400.0},
    "funds-anomaly-rules": {"task": "funds.run_anomaly_rules", "schedule": 86400.0},
    # The leaders' dashboard: cached figures refreshed every 15 minutes (the page shows their age).
    "dashboard-refresh": {"task": "dashboard.refresh", "schedule": 900.0},
}

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "supervision.core.api_errors.exception_handler",
    # Token first: an unauthenticated or bad-token request answers 401 with
    # "WWW-Authenticate: Token" (DRF takes the header from the first class; session has none).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "supervision.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "supervision.core.filters.BoundedFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "supervision.core.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    # JSON only: no browsable HTML API, no form posts (an upload endpoint names its own parser).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Per user and per API token (supervision/core/throttles.py); public views set their own.
    "DEFAULT_THROTTLE_CLASSES": [
        "supervision.core.throttles.UserRateThrottle",
        "supervision.core.throttles.TokenRateThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "public": os.environ.get("PUBLIC_THROTTLE_RATE", "120/min"),
        "complaint": "10/hour",
        "api_user": os.environ.get("API_USER_THROTTLE_RATE", "600/min"),
        "api_token": os.environ.get("API_TOKEN_THROTTLE_RATE", "300/min"),
    },
}
# An API POST's Idempotency-Key and its first answer are kept this long (supervision/core/idempotency.py).
IDEMPOTENCY_KEY_TTL_HOURS = float(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "24"))
# ?page_size= is honoured up to this many rows (larger asks get this many).
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "200"))
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
        "SubmissionStateEnum": "supervision.reports.submission.SubmissionState",
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
        "ProgrammeKindEnum": "funds.models.claims.ProgrammeKind",
        "ClaimStatusEnum": "funds.models.claims.ClaimStatus",
        "FlagOutcomeEnum": "funds.models.claims.FlagOutcome",
        "FeeKindEnum": "funds.deposits.models.FeeKind",
        "RiskKindEnum": "funds.fundraising.models.RiskKind",
        "RiskSourceEnum": "funds.fundraising.models.RiskSource",
        "RiskLevelEnum": "funds.fundraising.models.RiskLevel",
        "RegionLevelEnum": "supervision.core.models.RegionLevel",
        "GradeLevelEnum": "institutions.models.GradeLevel",
        "LineKindEnum": "funds.models.claims.LineKind",
        "VerificationResultEnum": "institutions.reconciliation.models.VerifyResult",
        "CampaignStateEnum": "supervision.campaigns.models.CampaignState",
        "TaskAssignmentStateEnum": "supervision.campaigns.models.AssignmentState",
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

# Behind TLS (the deployment's reverse proxy terminates HTTPS; .env.example sets these):
# HTTP is redirected to HTTPS, browsers are told to use HTTPS only (HSTS) and cookies are
# sent only over HTTPS (DJANGO_SECURE_COOKIES above). The proxy must set X-Forwarded-Proto
# and strip any value a client sends; otherwise leave DJANGO_SECURE_PROXY_SSL_HEADER empty.
# /healthz/ stays reachable over plain HTTP for the container's own health check.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
_proxy_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): scripts only from this origin, never inline, so an
# injected <script> or on*= handler does not run. Templates load every script from static/js.
# Inline style attributes are still allowed (Bootstrap utilities, ECharts); they cannot run code.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Spreadsheet imports (supervision/core/spreadsheets.py): refused before any reader opens them
# when larger than this, inflating beyond this (a zip bomb), or longer than this many rows.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 200_000))

# --- The audit trail and personal data (supervision/audit; README "Security") -------------------
# Row changes carry the request id of the request that made them (auditlog's correlation id).
AUDITLOG_CID_GETTER = "supervision.audit.context.current_request_id"
# 网络安全法 art. 21: logs are kept at least six months; archive_audit refuses anything younger.
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", "180")))
AUDIT_ARCHIVE_DIR = os.environ.get("AUDIT_ARCHIVE_DIR", str(BASE_DIR / "private" / "audit-archive"))
# HMAC key signing archive manifests; separate from SECRET_KEY and kept by the audit administrator.
AUDIT_ARCHIVE_KEY = os.environ.get("AUDIT_ARCHIVE_KEY", "dev-insecure-audit-archive-key")
# Fernet key (urlsafe base64 of 32 bytes) encrypting ID and mobile numbers at rest; keep it
# apart from the database backups. The dev default is refused when DEBUG is off. Generate:
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
DEV_PERSONAL_DATA_ENCRYPTION_KEY = "ZGV2LWluc2VjdXJlLXBlcnNvbmFsLWRhdGEta2V5ISE="
PERSONAL_DATA_ENCRYPTION_KEY = os.environ.get(
    "PERSONAL_DATA_ENCRYPTION_KEY", DEV_PERSONAL_DATA_ENCRYPTION_KEY
)
# Fixed when the settings load (the test runner later turns DEBUG off for every test).
REFUSE_DEV_KEYS = not DEBUG and not RUNNING_TESTS
# The refusal is in supervision/audit/keys.py (a system check for every manage.py command
# and the first use of the key in a running server), so that an image build may still run
# collectstatic with DEBUG off and no keys.
