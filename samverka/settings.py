"""Settings for samverka: one file, everything from the environment.

Two modes:

* **embedded** (the default): SQLite in ``var/``, console e-mail, debug on, no
  variables needed. This is what ``make demo`` runs.
* **production** (``SAMVERKA_MODE=production``): ``SECRET_KEY``, ``ALLOWED_HOSTS``
  and ``DATABASE_URL`` are required; HTTPS, HSTS and secure cookies are on, and
  ``manage.py check --deploy`` passes without warnings. See README.md.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samverka.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SAMVERKA_VAR_DIR", str(BASE_DIR / "var")))

MODE = env_str("SAMVERKA_MODE", "embedded")
if MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured(f"SAMVERKA_MODE must be 'embedded' or 'production', not {MODE!r}")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

# An insecure key is acceptable only in the embedded mode, which serves 127.0.0.1.
_EMBEDDED_KEY = "embedded-mode-only-not-secret-2f9c7a1e5b3d4f6a8c0e2b4d6f8a0c2e4b6d8f0a"
SECRET_KEY = env_secret("SECRET_KEY", default="" if PRODUCTION else _EMBEDDED_KEY)
if PRODUCTION and not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production mode")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production mode")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "samverka.shell.admin_site.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "samverka.tenancy",
    "samverka.shell",
    "samverka.demo",
    "samverka.accounts",
    "samverka.organizations",
    "samverka.taxonomy",
    "samverka.agreements",
    "samverka.sources",
    "samverka.situation",
    "samverka.plans",
    "samverka.promises",
    "samverka.communication",
    "samverka.evaluation",
    "samverka.public",
    "samverka.meetings",
    "samverka.est",
    "samverka.audit",
]

MIDDLEWARE = [
    "samverka.shell.middleware.ReadingRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samverka.shell.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samverka.shell.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "samverka.audit.middleware.AuditActorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samverka.urls"
WSGI_APPLICATION = "samverka.wsgi.application"
ASGI_APPLICATION = "samverka.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samverka.shell.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL names another.
_DATABASE_URL = env_str("DATABASE_URL")
if PRODUCTION and not _DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL is required in production mode")
if _DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            _DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite backend, except that reading requests (GET) begin a deferred
            # transaction: in WAL mode they read on while an import writes.
            "ENGINE": "samverka.lib.sqlite",
            "NAME": str(VAR_DIR / "samverka.sqlite3"),
            # temp_store=MEMORY: a savepoint's journal (every import runs in one) and the
            # sorts that build indexes stay in memory instead of temporary files, which
            # made a large import about 40 % slower.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                # A request that writes (a sign-in: session, last_login, django-axes) waits
                # this long for an import's write transaction to end, instead of failing with
                # "database is locked" after SQLite's default 5 s.
                "timeout": env_int("SQLITE_BUSY_TIMEOUT", 120),
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    }
# Every request is one transaction: a change and its audit entry commit together or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("TEST", {})
if _DATABASE_URL and env_str("TEST_DATABASE_NAME"):
    # The test database's name on a server; SQLite tests stay in memory.
    DATABASES["default"]["TEST"]["NAME"] = env_str("TEST_DATABASE_NAME")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # three days, also for invitations
# E-mails with a link (password reset, invitation) per hour: per address and per client
# (password reset) or per inviting user (invitations); counted in the cache.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("PASSWORD_RESET_LIMIT_PER_CLIENT", 20)
INVITATION_LIMIT_PER_ADDRESS = env_int("INVITATION_LIMIT_PER_ADDRESS", 3)
INVITATION_LIMIT_PER_SENDER = env_int("INVITATION_LIMIT_PER_SENDER", 50)

# Throttling of failed logins (django-axes): lock a username from one address after
# AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "samverka.accounts.forms.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "samverka.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None

# Caches: figures in Redis when REDIS_URL is set (redis://host:6379/0), shared by every web
# process on every host; otherwise in each process's memory (one web process). The limits on
# e-mails (password reset, invitations) in a table of the database, so that every web
# process counts together (the table is created by the migration organizations 0004).
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "samverka"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "limits": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "samverka_limits",
    },
}

# Long work (imports) runs as tasks: in the database queue, run by `manage.py db_worker`
# (make demo starts one); TASK_BACKEND=django_tasks.backends.immediate.ImmediateBackend
# runs them inside the request instead.
TASKS = {"default": {"BACKEND": env_str("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Uploads and import files (with a running import's progress and heartbeat beside them):
# the web process writes them, a worker on any host reads them, so with several hosts
# UPLOAD_DIR is one shared mount (NFS, EFS, CephFS ...) at the same path on every host
# (a job keeps its file's absolute path).
UPLOAD_DIR = Path(env_str("UPLOAD_DIR", str(VAR_DIR / "uploads")))
# What an uploaded file may unpack to, checked before a parser opens it (zip bombs, a
# huge shared string), so that a worker's memory stays bounded (about 1 GB at most).
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200)
IMPORT_MAX_SHARED_STRINGS_BYTES = env_int("IMPORT_MAX_SHARED_STRINGS_BYTES", 64 * 1024 * 1024)
IMPORT_MAX_JSON_BYTES = env_int("IMPORT_MAX_JSON_BYTES", 96 * 1024 * 1024)
# Population tables and GeoJSON files of sub-areas are read whole (a GeoJSON file is parsed
# into memory, several times its size): refused above these sizes, before they are read.
IMPORT_MAX_POPULATION_BYTES = env_int("IMPORT_MAX_POPULATION_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_GEOJSON_BYTES = env_int("IMPORT_MAX_GEOJSON_BYTES", 32 * 1024 * 1024)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 32767)  # Excel's own limit
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1_048_576)  # Excel's own limit, for XLSX
AGREEMENT_MAX_UNCOMPRESSED_BYTES = env_int("AGREEMENT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
# A running import's worker touches its heartbeat every IMPORT_HEARTBEAT_SECONDS; a job
# whose heartbeat stopped for IMPORT_STALL_SECONDS is failed (its worker died).
IMPORT_HEARTBEAT_SECONDS = env_int("IMPORT_HEARTBEAT_SECONDS", 5)
IMPORT_STALL_SECONDS = env_int("IMPORT_STALL_SECONDS", 120)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)

# Languages: Swedish first, English available.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "samverka" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # quiets WhiteNoise; runserver serves from apps
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# E-mail: the console in the embedded mode, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "samverka <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers hold in every mode; HTTPS-only settings in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): everything from this server, nothing inline (no
# inline scripts, <style> blocks, style attributes or event handlers in any page), no CDN,
# so that the app runs on an intranet and an injected tag can neither run nor restyle.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Failed logins are counted by django-axes; do not write usernames to the log.
        "axes": {"level": "WARNING"},
        # Django adds its own console handler when DEBUG is on: print each message once.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
