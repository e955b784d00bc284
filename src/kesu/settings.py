"""Kesu settings: one module, everything environment-specific comes from KESU_* environment variables.

The defaults give the embedded set-up (SQLite and media under ./var/, database task queue, e-mail
written to files). A production deployment sets KESU_PRODUCTION=1; then a missing secret key or host list
stops start-up with a clear message instead of running insecurely.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

DATA_DIR = Path(env.str("KESU_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
# DEBUG is off unless asked for: Kesu runs for real users even in the embedded set-up, and they must
# never see a stack trace.
DEBUG = env.bool("KESU_DEBUG", default=False)
PRODUCTION = env.bool("KESU_PRODUCTION", default=False)


def _secret_key() -> str:
    key = env.str("KESU_SECRET_KEY", default="")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("KESU_SECRET_KEY must be set when KESU_PRODUCTION=1.")
    # Embedded set-up: a random key generated once and kept beside the SQLite database.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        from django.utils.crypto import get_random_string

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_string(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list(
    "KESU_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KESU_ALLOWED_HOSTS must list the host names Kesu is served under.")
CSRF_TRUSTED_ORIGINS = env.list("KESU_CSRF_TRUSTED_ORIGINS", default=[])
if env.bool("KESU_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "kesu.common",
    "kesu.accounts",
    "kesu.complaints",
    "kesu.competency",
    "kesu.training",
    "kesu.exams",
    "kesu.plans",
    "kesu.effectiveness",
    "kesu.wellbeing",
    "kesu.roleplay",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kesu.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kesu.urls"
WSGI_APPLICATION = "kesu.wsgi.application"

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
                "kesu.common.context_processors.kesu",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("KESU_DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'kesu.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the worker share the file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("KESU_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Tasks: the database backend by default; KESU_TASKS_BACKEND=rq with KESU_REDIS_URL moves the queue to Redis
# so that workers on other machines can take the work. "immediate" runs tasks inline (tests).
TASKS_BACKEND = env.str("KESU_TASKS_BACKEND", default="database")
TASK_QUEUES = ["default", "mail"]
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    RQ_QUEUES = {
        q: {"URL": env.str("KESU_REDIS_URL", default="redis://127.0.0.1:6379/0")} for q in TASK_QUEUES
    }
elif TASKS_BACKEND == "immediate":
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}
    }
else:
    raise ImproperlyConfigured("KESU_TASKS_BACKEND must be one of: database, rq, immediate.")
SLA_SWEEP_INTERVAL_SECONDS = env.int("KESU_SLA_SWEEP_INTERVAL", default=60)
# The scheduler looks for API registrations waiting for their intake work this often, and keeps at most
# this many intake pump tasks queued or running (each finishes about 200 complaints/s).
INTAKE_POLL_SECONDS = env.float("KESU_INTAKE_POLL_SECONDS", default=1.0)
INTAKE_PUMPS = env.int("KESU_INTAKE_PUMPS", default=2)
DAILY_JOBS_HOUR = env.int("KESU_DAILY_JOBS_HOUR", default=2)  # local hour for the daily academy jobs

# Role-play simulator: an optional OpenAI-compatible LLM (intranet deployment) for the customer's lines
# and a second opinion; without a base URL and model the scripted engine runs alone.
KESU_LLM_BASE_URL = env.str("KESU_LLM_BASE_URL", default="")
KESU_LLM_API_KEY = env.str("KESU_LLM_API_KEY", default="")
KESU_LLM_MODEL = env.str("KESU_LLM_MODEL", default="")
KESU_LLM_TIMEOUT = env.float("KESU_LLM_TIMEOUT", default=8.0)
KESU_ROLEPLAY_TURN_SECONDS = env.int("KESU_ROLEPLAY_TURN_SECONDS", default=120)  # assessment: per reply

# E-mail: written to files under var/mail by default; KESU_EMAIL_URL=smtp://user:pass@host:587 for real mail.
_email = env.email_url("KESU_EMAIL_URL", default="filemail://")
if _email.get("EMAIL_BACKEND") == "django.core.mail.backends.filebased.EmailBackend" or not env.str(
    "KESU_EMAIL_URL", default=""
):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
else:
    vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("KESU_DEFAULT_FROM_EMAIL", default="kesu@localhost")
KESU_SITE_URL = env.str("KESU_SITE_URL", default="http://127.0.0.1:8000")
KESU_ORG_NAME = env.str("KESU_ORG_NAME", default="客诉中心")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("KESU_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only production collects static files; the embedded set-up serves them from the package (finders).
STATIC_ROOT = Path(env.str("KESU_STATIC_ROOT", default=str(DATA_DIR / "static"))) if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production runs collectstatic and serves hashed, compressed files; the embedded set-up serves
        # straight from the package through WhiteNoise's finders, with no build step.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env.str("KESU_MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "media/"

# Upload limits: 20 MB per file, allow-listed types (complaints/validation.py). Django streams uploads
# above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, so a big upload costs disk, not memory; the
# reverse proxy caps the request size (docs/operations.md).
KESU_MAX_UPLOAD_BYTES = env.int("KESU_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
KESU_MAX_TEXT_CHARS = 20_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Working hours used by SLA policies counted in working time.
KESU_WORKDAY_START = env.str("KESU_WORKDAY_START", default="09:00")
KESU_WORKDAY_END = env.str("KESU_WORKDAY_END", default="18:00")

# Cache: throttling counters and short-lived dashboard figures. Files under var/cache are shared by the
# web workers of one machine; several web machines share KESU_CACHE_URL=redis://host:6379/1.
CACHES = {
    "default": env.cache_url("KESU_CACHE_URL", default=f"filecache://{DATA_DIR / 'cache'}"),
}
# Triage (docs/triage.md, "In the desk"). The engine itself reads KESU_TRIAGE_MODEL,
# KESU_TRIAGE_MODEL_THRESHOLD and KESU_TRIAGE_LEXICON_DIR from the environment.
# Flags that escalate a complaint to the supervisors at registration (the high-sensitivity workflow).
KESU_TRIAGE_ESCALATE_FLAGS = env.list("KESU_TRIAGE_ESCALATE_FLAGS", default=["privacy_leak", "safety"])
# Similar cases: the per-process index holds at most this many closed complaints (the most recent).
KESU_TRIAGE_SIMILAR_MAX = env.int("KESU_TRIAGE_SIMILAR_MAX", default=200_000)
# Up to this many, the index is built inside the first request that needs it; above, in a background
# thread while the page says it is being prepared (jieba segments ~1,000 texts a second).
KESU_TRIAGE_SIMILAR_SYNC_BUILD = env.int("KESU_TRIAGE_SIMILAR_SYNC_BUILD", default=2_000)

# Number of reverse proxies in front of Kesu that append to X-Forwarded-For (0: use REMOTE_ADDR).
KESU_TRUSTED_PROXIES = env.int("KESU_TRUSTED_PROXIES", default=0)

SESSION_COOKIE_AGE = env.int("KESU_SESSION_AGE", default=12 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("KESU_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
