"""Settings, read from environment variables with safe defaults for the embedded mode
(SQLite under var/, no other service needed)."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("DTBD_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Embedded mode: a per-installation key kept under var/ (never committed).
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.utils.crypto import get_random_string

        key_file.write_text(get_random_string(64))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "dtbd.core",
    "dtbd.accounts",
    "dtbd.org",
    "dtbd.people",
    "dtbd.reports",
    "dtbd.standards",
    "dtbd.training",
    "dtbd.plans",
    "dtbd.funding",
    "dtbd.reorganisation",
    "dtbd.evaluation",
    "dtbd.elearning",
    "dtbd.notices",
    "dtbd.imports",
    "dtbd.demo",
    "dtbd.home",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "dtbd.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dtbd.accounts.middleware.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dtbd.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dtbd.core.middleware.RequestSizeMiddleware",  # before anything reads the body (CSRF reads the form)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dtbd.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "dtbd.urls"
WSGI_APPLICATION = "dtbd.wsgi.application"

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
                "dtbd.notices.context.unread",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "dtbd.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DTBD_TEST_SQLITE", "")} if os.environ.get("DTBD_TEST_SQLITE") else {}
# Read replica (docs/deploy.md): with DATABASE_REPLICA_URL (a PostgreSQL streaming replica of DATABASE_URL) the
# reads of reports, the dashboard and `dtbd report` go to it (dtbd.core.dbrouter.reading_from_replica); every write
# and every other read stays on "default". In tests the replica is a mirror of the test database (no replication).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["dtbd.core.dbrouter.ReplicaRouter"]
# PostgreSQL work_mem per connection (docs/deploy.md): the standards engine's `person_id IN (SELECT …)` lists inside
# COUNT FILTER are hashed only when they fit; at the server default (4 MB) a national database rescans them per row.
# DTBD_PG_WORK_MEM (default 64MB; empty = the server's setting) is sent as a connection option.
DTBD_PG_WORK_MEM = os.environ.get("DTBD_PG_WORK_MEM", "64MB").strip()
for _alias in ("default", "replica"):
    if DTBD_PG_WORK_MEM and _alias in DATABASES and DATABASES[_alias]["ENGINE"].startswith("django.db.backends.postg"):
        _options = DATABASES[_alias].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c work_mem={DTBD_PG_WORK_MEM}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "dtbd.accounts.backends.LockoutBackend",  # django-axes: refuses a locked-out username+IP before the password check
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "dtbd.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["dtbd.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
try:  # whitenoise warns on every request when the collectstatic folder is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files (e-learning lessons, attachments, SCORM packages; docs/deploy.md "Tệp bài giảng"): the local disk
# under MEDIA_ROOT by default; DTBD_STORAGE=s3 keeps them in an S3-compatible bucket through django-storages (the
# optional extra `pip install dtbd[s3]`), configured by the DTBD_S3_* variables. They are never served from a public
# URL: the e-learning views check the scope, then send the file themselves, hand it to nginx
# (DTBD_MEDIA_ACCEL_PREFIX, the `internal` location of deploy/nginx/dtbd.conf) or redirect to a signed URL of the
# bucket valid DTBD_S3_URL_SECONDS.
if os.environ.get("DTBD_STORAGE", "").lower() == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("DTBD_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("DTBD_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DTBD_S3_REGION") or None,
            "access_key": os.environ.get("DTBD_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("DTBD_S3_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("DTBD_S3_PREFIX", "dtbd"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("DTBD_S3_URL_SECONDS", 300)),
            "file_overwrite": False,
        },
    }
DTBD_MEDIA_ACCEL_PREFIX = os.environ.get("DTBD_MEDIA_ACCEL_PREFIX", "")
# Largest upload of a lesson file (video) or SCORM package, and the largest SCORM package once unpacked.
DTBD_ELEARNING_UPLOAD_MAX_BYTES = int(os.environ.get("DTBD_ELEARNING_UPLOAD_MAX_BYTES", 1024 * 1024 * 1024))
DTBD_SCORM_MAX_BYTES = int(os.environ.get("DTBD_SCORM_MAX_BYTES", 500 * 1024 * 1024))
DTBD_SCORM_MAX_FILES = int(os.environ.get("DTBD_SCORM_MAX_FILES", 5000))
# Seconds a quiz answer or submission is still taken after the deadline (network delay); later ones are refused.
DTBD_QUIZ_GRACE_SECONDS = int(os.environ.get("DTBD_QUIZ_GRACE_SECONDS", 5))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dtbd@localhost")
# SMTP (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): the province's mail server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))
# Absolute address of the site, for links in e-mails and QR codes on certificates.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:" + os.environ.get("PORT", "8000"))

# Background jobs (django-tasks). Default: the database backend, served by `dtbd db_worker` (`make run` starts one).
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs jobs inline (the test suite does).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Jobs of the pages (imports, report files, staff export; dtbd.core.jobs, "Công việc của tôi"): dispatched to the
# django-tasks backend above and run by `dtbd worker`; with REDIS_URL set, to Celery workers on that Redis
# (dtbd.core.jobs.celery_app; `dtbd worker` then runs a Celery worker). DTBD_JOBS_CELERY=0/1 overrides the choice. A RUNNING job
# whose worker process is gone, or whose heartbeat is older than DTBD_JOB_STALE_SECONDS, is re-queued by the sweep;
# finished jobs and their files are deleted after DTBD_JOB_KEEP_DAYS.
DTBD_JOBS_CELERY = env_bool("DTBD_JOBS_CELERY", bool(os.environ.get("REDIS_URL")))
DTBD_JOB_STALE_SECONDS = int(os.environ.get("DTBD_JOB_STALE_SECONDS", 900))
# A running job's heartbeat is written this often from a thread of its own (also during one long import transaction).
DTBD_JOB_HEARTBEAT_SECONDS = float(os.environ.get("DTBD_JOB_HEARTBEAT_SECONDS", 60))
DTBD_JOB_KEEP_DAYS = int(os.environ.get("DTBD_JOB_KEEP_DAYS", 7))
# django-tasks tasks `dtbd worker` enqueues once a day (and at its start): the dashboard's current period moves to today;
# the reminders (docs/domain.md §19; idempotent, so a restart the same day sends nothing twice).
DTBD_DAILY_TASKS = ["dtbd.reports.tasks.refresh_summaries", "dtbd.notices.reminders.send_reminders",
                    "dtbd.training.tasks.overseas_report_reminders", "dtbd.evaluation.tasks.send_survey_reminders",
                    "dtbd.evaluation.tasks.effectiveness_daily"]
# Days ahead of each reminder kind (dtbd.notices.reminders), overriding the kind's default, e.g. {"class_starting": 5}.
DTBD_REMINDER_DAYS = {}
# Dashboard summary tables (dtbd.reports.summaries): the class set of a unit is stored when its subtree holds at least
# DTBD_SUMMARY_CLASS_MIN_STAFF people (smaller ones are computed live, fast); a stored period nobody read for
# DTBD_SUMMARY_KEEP_DAYS days is deleted (never the current and previous calendar years).
DTBD_SUMMARY_CLASS_MIN_STAFF = int(os.environ.get("DTBD_SUMMARY_CLASS_MIN_STAFF", 5000))
DTBD_SUMMARY_KEEP_DAYS = int(os.environ.get("DTBD_SUMMARY_KEEP_DAYS", 30))
# When a stored period took longer than DTBD_SUMMARY_SYNC_SECONDS to compute, a new one is computed by the job worker
# (the page says so and reloads) instead of in the request.
DTBD_SUMMARY_SYNC_SECONDS = float(os.environ.get("DTBD_SUMMARY_SYNC_SECONDS", 10))
# Imports: largest first-sheet grid (rows × columns from A1: what python-calamine allocates, ~70 bytes a cell with the
# Python lists) and largest decompressed zip part (zip bombs) accepted before the reader opens a file.
DTBD_IMPORT_MAX_CELLS = int(os.environ.get("DTBD_IMPORT_MAX_CELLS", 20_000_000))
DTBD_IMPORT_MAX_XML_BYTES = int(os.environ.get("DTBD_IMPORT_MAX_XML_BYTES", 1 << 30))
# The staff import of a large file validates and plans its two halves in two processes (fork) on a machine with more
# than one core; DTBD_IMPORT_FORK=0 keeps it in one (docs/benchmarks.md "Staff import").
DTBD_IMPORT_FORK = env_bool("DTBD_IMPORT_FORK", True)
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", os.environ.get("REDIS_URL", ""))
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "dtbd")
CELERY_TASK_ACKS_LATE = True  # acknowledged after the job ran…
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # …and given back to the broker when the worker process dies
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3600))}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Request size: Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2,5 MB) for every view; the views taking a file (imports, the
# class roster) their own limit (dtbd.core.middleware.upload_limit), DTBD_UPLOAD_MAX_BYTES. Larger: 413.
DTBD_UPLOAD_MAX_BYTES = int(os.environ.get("DTBD_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))

AUDITLOG_INCLUDE_ALL_MODELS = False

# REST API under /api/v1/ (dtbd.api): token (integrations) or session (browsable API) authentication, every read
# scoped like the web UI; page-number pagination with a capped page size; schema by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dtbd.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "dtbd.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "dtbd.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "dtbd.api.views.exception_handler",
    # Rate limits (dtbd.api.throttling): per API token / user, per IP when anonymous; 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["dtbd.api.throttling.TokenRateThrottle", "dtbd.api.throttling.AnonIpRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("DTBD_API_RATE", "600/min"),
        "anon": os.environ.get("DTBD_API_ANON_RATE", "60/min"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dtbd API",
    "DESCRIPTION": (
        "API của hệ thống quản lý đào tạo, bồi dưỡng cán bộ, công chức, viên chức. Mỗi khoá API (Bearer) hoạt động "
        "với đúng phạm vi của người dùng sở hữu khoá; đối tượng ngoài phạm vi trả 404."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc served from our own static files (drf-spectacular-sidecar): the CSP allows no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "QualificationTypeEnum": "dtbd.people.catalog.QualificationType",
        "FosteringRecordTypeEnum": ["DEGREE", "FOSTERING", "BRIEFING", "QUALIFICATION"],
        "ClassStatusEnum": "dtbd.training.models.TrainingClass.Status",
        "AttendanceStatusEnum": "dtbd.training.models.Attendance.Status",
        # how a record came in (qualifications, annual assessments): one set shared by several models
        "RecordSourceEnum": "dtbd.core.models.Source",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Security (README "Security"). Production unless told otherwise: only DTBD_PRODUCTION=0 turns it off (`make run`
# and `make test` set it, and so do the test settings, dtbd/settings_test.py); nothing is guessed from SECRET_KEY or
# DEBUG. Production turns on HTTPS-only cookies, HTTPS redirect, HSTS, required two-factor authentication and a login
# for the API schema and docs; each of the first ones can be set on its own by env var.
PRODUCTION = env_bool("DTBD_PRODUCTION", True)
HTTPS = env_bool("DTBD_HTTPS", PRODUCTION)
DTBD_BEHIND_PROXY = env_bool("DTBD_BEHIND_PROXY", False)  # behind nginx: trust X-Forwarded-Proto / X-Forwarded-For
if DTBD_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session lasts at most 8 working hours and ends when the browser closes; DTBD_IDLE_MINUTES > 0 also ends it
# after that many minutes without a request (dtbd.accounts.middleware.TwoFactorMiddleware keeps the clock).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
DTBD_IDLE_MINUTES = int(os.environ.get("DTBD_IDLE_MINUTES", 0))

# Content Security Policy (django-csp 4). Scripts only from our own static files (no inline code, no eval: htmx 2
# needs neither); a page that really needs an inline <script> writes <script nonce="{{ request.csp_nonce }}">.
# Styles allow 'unsafe-inline' for the few style="" attributes (and Django admin's): style attributes cannot run
# code, and nonces do not cover attributes.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Lockout after repeated failed logins (django-axes): 5 failures for one username from one IP address lock that
# pair for 30 minutes (a 429 page, registration/lockout.html); a successful login clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("DTBD_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = int(os.environ.get("DTBD_LOCKOUT_MINUTES", 30)) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dtbd.accounts.views.lockout"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "dtbd.core.http.client_ip"
AXES_VERBOSE = False

# Two-factor authentication (django-otp, TOTP apps such as Google Authenticator): required for system admins and
# province managers when DTBD_REQUIRE_2FA is on (default: on in production, off in the embedded demo mode and tests).
# A user who has enrolled a device is always asked for a code, whatever the setting.
DTBD_REQUIRE_2FA = env_bool("DTBD_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "DTBD CBCCVC"

# Rate limits per client IP (dtbd.accounts.ratelimit): (path prefix — or exact path ending in "$" —, methods,
# requests, seconds), the first that matches applies. Counters live in
# the cache: the default local-memory cache counts per process; with several processes or machines set REDIS_URL.
DTBD_RATE_LIMITS = [
    ("/accounts/login/", {"POST"}, int(os.environ.get("DTBD_LOGIN_RATE", 20)), 60),
    # the search form (exactly /verify/) answers a number + name or birth date: fewer tries than the QR links
    ("/verify/$", None, int(os.environ.get("DTBD_VERIFY_SEARCH_RATE", 10)), 60),
    ("/verify/", None, int(os.environ.get("DTBD_PUBLIC_RATE", 30)), 60),
    ("/cong-khai/", None, int(os.environ.get("DTBD_PUBLIC_RATE", 30)), 60),
]
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
    # Sessions read from Redis (no session query per request on any app server), written through to the database
    # so a Redis restart logs nobody out (docs/deploy.md).
    SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.cached_db")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dtbd"}}
