"""CityBridge settings: every environment variable is declared once, here, with its type and default.

`citybridge manage diffsettings` shows the result; `docs/deploy.md` lists the variables for production.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent  # src/citybridge
PROJECT_ROOT = BASE_DIR.parent.parent  # the repository
VAR_DIR = Path(os.environ.get("CITYBRIDGE_VAR_DIR", PROJECT_ROOT / "var"))

_TRUE = {"1", "true", "yes", "on"}

#: name -> (type, default, help). The only place a variable is declared.
VARIABLES: dict[str, tuple[type, object, str]] = {
    "CITYBRIDGE_DEBUG": (bool, False, "Django debug pages; never in production"),
    "CITYBRIDGE_SECRET_KEY": (str, "", "empty = a key generated once under var/secret_key"),
    "CITYBRIDGE_DATABASE_URL": (str, "", "e.g. postgres://user:pass@host/db; empty = SQLite under var/"),
    "CITYBRIDGE_ALLOWED_HOSTS": (list, ["127.0.0.1", "localhost"], "comma-separated host names"),
    "CITYBRIDGE_CSRF_TRUSTED_ORIGINS": (list, [], "comma-separated origins, e.g. https://citybridge.example.org"),
    "CITYBRIDGE_SECURE": (bool, False, "HTTPS-only cookies, HSTS and SSL redirect (production)"),
    "CITYBRIDGE_EMAIL_URL": (str, "console:", "console: or smtp://user:pass@host:587"),
    "CITYBRIDGE_DEFAULT_FROM_EMAIL": (str, "CityBridge <noreply@citybridge.local>", "sender of e-mails"),
    "CITYBRIDGE_TASKS_IMMEDIATE": (bool, False, "run background tasks inline (tests)"),
    "CITYBRIDGE_MEDIA_ROOT": (str, "", "uploaded files; empty = var/media"),
    "CITYBRIDGE_STATIC_MANIFEST": (bool, False, "hashed, compressed static files (run collectstatic first)"),
    "CITYBRIDGE_LOG_LEVEL": (str, "INFO", "root log level"),
    "CITYBRIDGE_TRUSTED_PROXIES": (
        list,
        [],
        "comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For is believed",
    ),
    "CITYBRIDGE_CACHE_URL": (str, "", "shared cache; empty = the database, redis://host:6379/0 for Redis"),
    "CITYBRIDGE_SITE_URL": (
        str,
        "",
        "the address links in e-mails start with, e.g. https://citybridge.example.org; empty = https://<first allowed host>",
    ),
    "CITYBRIDGE_MT_BACKEND": (
        str,
        "",
        "dotted path of a machine-translation class (materials.mt.MachineTranslator); empty = no MT, no network call",
    ),
}


def env(name: str) -> str | bool | list[str]:
    kind, default, _help = VARIABLES[name]
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if kind is bool:
        return raw.strip().lower() in _TRUE
    if kind is list:
        return [part.strip() for part in raw.split(",") if part.strip()]
    return kind(raw)


def _local_secret_key() -> str:
    """A key generated once per installation under var/ (demo, single machine); production sets the variable."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env("CITYBRIDGE_DEBUG")
SECRET_KEY = env("CITYBRIDGE_SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env("CITYBRIDGE_ALLOWED_HOSTS")
# links in e-mails sent by the worker (no request to take the address from): core.tasks.site_url
SITE_URL = (env("CITYBRIDGE_SITE_URL") or f"https://{ALLOWED_HOSTS[0]}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env("CITYBRIDGE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "modeltranslation",  # before admin
    # our apps before Django's and the libraries': the first app that translates a message gives its Chinese, and
    # ours must win (contrib.sessions translates "session" as 会话, a browser session; ours is a class, 课次)
    "citybridge.core",
    "citybridge.api",
    "citybridge.cities",
    "citybridge.academy",
    "citybridge.climate",
    "citybridge.materials",
    "citybridge.outreach",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "ninja",  # its Swagger UI templates and static files, served locally
    "citybridge.core.library_apps.AxesConfig",  # axes, named in the reader's language
    "django_tasks",
    "citybridge.core.library_apps.TasksDatabaseConfig",  # django_tasks_db, likewise
    "django.contrib.admin",  # after our apps, so our registration/ templates win over the admin's
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
    "simple_history.middleware.HistoryRequestMiddleware",
    "citybridge.core.middleware.SecurityHeadersMiddleware",
    "citybridge.core.input_guard.ControlCharacterMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "citybridge.urls"
WSGI_APPLICATION = "citybridge.wsgi.application"

TEMPLATES = [
    {
        # Django's engine, each render's context let go once the page is rendered (core/template_backend.py)
        "BACKEND": "citybridge.core.template_backend.DjangoTemplates",
        "NAME": "django",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "citybridge.core.context_processors.navigation",
            ],
            # Django's i18n tags, with a literal `{% translate %}` kept per language (core/templatetags/kept_i18n.py)
            "libraries": {"i18n": "citybridge.core.templatetags.kept_i18n"},
        },
    },
]

_db_url = env("CITYBRIDGE_DATABASE_URL")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "citybridge.sqlite3",
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # persistent connections for SQLite too: opening one costs the file, the pragmas above and Django's
            # SQL functions on every request otherwise (issue 9); each gunicorn worker keeps its own
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }
    # the API rate counts in a file of their own: a write to the main file would make every other worker drop its
    # page cache (core/routers.py); `migrate` makes both
    DATABASES["counters"] = {**copy.deepcopy(DATABASES["default"]), "NAME": VAR_DIR / "counters.sqlite3"}
DATABASE_ROUTERS = ["citybridge.core.routers.CountersRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "citybridge.core.auth.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The client's address: REMOTE_ADDR, or X-Forwarded-For read from the right when REMOTE_ADDR is one of these
# proxies (core/middleware.py client_ip). Used by the sign-in lock and the API rate limits.
CITYBRIDGE_TRUSTED_PROXIES = env("CITYBRIDGE_TRUSTED_PROXIES")
for _proxy in CITYBRIDGE_TRUSTED_PROXIES:  # a typo fails at start-up, not on the first request
    import ipaddress

    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ValueError(f"CITYBRIDGE_TRUSTED_PROXIES: {_proxy!r} is not an IP address or CIDR range") from None

# A cache every web worker and node shares (rate limits, sign-in cool-offs): the database by default (table
# created by core's migration 0005), Redis for scale-out (needs the `redis` package).
_cache_url = env("CITYBRIDGE_CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
    if _cache_url.startswith(("redis://", "rediss://", "unix://"))
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "citybridge_cache"}
}

# Sign-in throttling (docs/deploy.md, "Sign-in lock"). E-mails are lower-cased before anything counts them.
# 1. django-axes locks an *address* for 15 minutes after 10 failed sign-ins from it (whatever the accounts), so
#    nobody can lock an account out from their own address and a guesser at one address is stopped.
# 2. Per account, whatever the address, after 5 failures each further attempt waits a cool-off that doubles from
#    15 seconds up to 1 minute (core/auth.py): a distributed guesser gets about one guess a minute, while the real
#    user is at worst asked to wait a minute, never locked out.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "citybridge.core.auth.axes_username"
AXES_CLIENT_IP_CALLABLE = "citybridge.core.middleware.client_ip"
#: per-account soft lock: (failures allowed before the cool-off, first cool-off seconds, longest cool-off seconds)
CITYBRIDGE_LOGIN_ACCOUNT_COOLOFF = (5, 15, 60)
#: password-reset requests: (requests, seconds) per client address and per e-mail address asked for
CITYBRIDGE_PASSWORD_RESET_LIMITS = {"address": (10, 3600), "email": (3, 3600)}
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Languages: English and Simplified Chinese; the choice persists in a cookie.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
FORMAT_MODULE_PATH = ["citybridge.formats"]  # zh_Hans: 2026年11月28日, 12月7日
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans")}
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # vendored front-end assets
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("CITYBRIDGE_MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env("CITYBRIDGE_STATIC_MANIFEST")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not env("CITYBRIDGE_STATIC_MANIFEST")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
#: largest file any import accepts (bytes); larger uploads get a clear error.
CITYBRIDGE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# ZIP containers (XLSX, PPTX, DOCX) are bounded before they are parsed (core/files.py)
CITYBRIDGE_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
CITYBRIDGE_MAX_ZIP_MEMBERS = 2000
CITYBRIDGE_MAX_ZIP_RATIO = 100
#: lecturers' decks: a machine-translation backend (dotted path to a class, materials/mt.py); None = none
CITYBRIDGE_MT_BACKEND = env("CITYBRIDGE_MT_BACKEND") or None

# E-mail: the console in the demo, SMTP in production.
_email = env("CITYBRIDGE_EMAIL_URL")
if _email.startswith("smtp"):
    from urllib.parse import unquote, urlparse

    _u = urlparse(_email)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _u.hostname, _u.port or 587
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = unquote(_u.username or ""), unquote(_u.password or "")
    EMAIL_USE_TLS = True
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("CITYBRIDGE_DEFAULT_FROM_EMAIL")

# Background tasks: django-tasks with the database backend; `citybridge worker` runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env("CITYBRIDGE_TASKS_IMMEDIATE")
        else "django_tasks_db.DatabaseBackend",
        "ENQUEUE_ON_COMMIT": False,
    }
}

# Security: sessions, CSRF, headers. The production values switch on with CITYBRIDGE_SECURE.
SECURE = env("CITYBRIDGE_SECURE")
SESSION_ENGINE = "citybridge.core.sessions"  # database sessions; malformed cookies count as no session
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SILENCED_SYSTEM_CHECKS = [
    "axes.W003",  # our EmailBackend sits after AxesStandaloneBackend, as axes requires
    # `i18n` names core/templatetags/kept_i18n.py on purpose (TEMPLATES above); tests/core/test_kept_translate.py
    # runs this check and fails on any other tag library named twice
    "templates.W003",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("CITYBRIDGE_LOG_LEVEL")},
}

#: API rate limits (anonymous per client address, signed-in per user), counted in the database (core/ratelimit.py)
CITYBRIDGE_API_RATES = ("60/m", "1200/m")

# Program rules (DOMAIN.md). Empty = the defaults in academy/course_rules.py (CourseRules) and
# academy/compliance.py (ComplianceRules); a deployment overrides single values in its own settings module,
# e.g. {"class_max": 60, "course_length_severity": "error"}. Unknown keys fail loudly.
CITYBRIDGE_ACADEMY_COURSE_RULES: dict[str, object] = {}
CITYBRIDGE_ACADEMY_COMPLIANCE_RULES: dict[str, object] = {}

CSRF_FAILURE_VIEW = "citybridge.core.views.csrf_failure"  # the styled page, in the user's language
