"""Django settings for Smolny.

Everything that differs between installations comes from the environment (Django's own
convention): ``SMOLNY_DATABASE_URL``, ``SMOLNY_SECRET_KEY``, ``SMOLNY_DEBUG``,
``SMOLNY_ALLOWED_HOSTS``. The defaults make ``smolny serve`` work on a laptop with nothing set:
the secret is made up on the first run and kept beside the default database
(``~/.local/share/smolny/secret_key``, mode 0600), and only ``localhost`` is answered.

``SMOLNY_PRODUCTION=1`` is for a server behind a TLS-terminating reverse proxy (deploy/ and
the README's "Deploying"). It refuses to load without ``SMOLNY_SECRET_KEY`` (50 characters or
more) and ``SMOLNY_ALLOWED_HOSTS``, and turns on what ``check --deploy`` asks for: secure
cookies, HSTS, the redirect to HTTPS, and trust in the proxy's ``X-Forwarded-Proto``
(``SMOLNY_PROXY_SSL_HEADER`` names another header; ``none`` trusts none).
``SMOLNY_CSRF_TRUSTED_ORIGINS`` lists further origins (with their scheme) allowed to post forms.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from smolny.dburl import DEFAULT_SQLITE_PATH, default_database_url, parse_database_url
from smolny.security import (
    CONTENT_SECURITY_POLICY,
    development_secret,
    flag,
    production_settings_errors,
    split_list,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = DEFAULT_SQLITE_PATH.parent
"""Where a development installation keeps its secret: beside the default SQLite database."""

PRODUCTION = flag(os.environ, "SMOLNY_PRODUCTION")
if PRODUCTION:
    _ERRORS = production_settings_errors(os.environ)
    if _ERRORS:
        raise ImproperlyConfigured(_ERRORS[0])

SECRET_KEY = os.environ.get("SMOLNY_SECRET_KEY", "").strip() or development_secret(DATA_DIR)
DEBUG = flag(os.environ, "SMOLNY_DEBUG")
ALLOWED_HOSTS = split_list(os.environ.get("SMOLNY_ALLOWED_HOSTS", "")) or [
    "localhost",
    "127.0.0.1",
    "[::1]",
]
CSRF_TRUSTED_ORIGINS = split_list(os.environ.get("SMOLNY_CSRF_TRUSTED_ORIGINS", ""))

if PRODUCTION:
    # Browsers send the cookies over HTTPS only, and are told to use nothing but HTTPS for a
    # year (SMOLNY_HSTS_SECONDS), subdomains included. "preload" only says the site consents
    # to the browsers' preload list; nothing is listed until its owner submits it there.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SMOLNY_HSTS_SECONDS", "31536000") or 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = True
    # The health check answers over plain HTTP too: container and load-balancer probes
    # reach the workers directly, without the proxy's header.
    SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
    # The proxy terminates TLS and says so in this header; Smolny must then be reachable
    # only through the proxy (listen on 127.0.0.1), or a client could claim HTTPS itself.
    _PROXY_HEADER = os.environ.get("SMOLNY_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
    if _PROXY_HEADER and _PROXY_HEADER.lower() != "none":
        SECURE_PROXY_SSL_HEADER = (
            "HTTP_" + _PROXY_HEADER.upper().replace("-", "_"),
            "https",
        )
    # Without DEBUG, Django prints no traceback of a failed request anywhere; send them to
    # standard error, which systemd's journal (or docker logs) keeps.
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"stderr": {"class": "logging.StreamHandler"}},
        "loggers": {"django": {"handlers": ["stderr"], "level": "ERROR"}},
    }

# Sent in development too, so that the browser tests see the policy production sends.
SMOLNY_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # ninja's own copy of the Swagger UI, so /api/docs works on a machine without internet.
    "ninja",
    "smolny.live",
    "smolny.councils",
    "smolny.federation",
    "smolny.accounts",
    "smolny.notices",
    "smolny.api",
    "smolny.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "smolny.security.ContentSecurityPolicyMiddleware",
    # Static files from every worker process, without a separate web server or collectstatic.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The time zone of the organisation whose page is asked for (its settings; smolny.accounts).
    "smolny.web.timezones.OrganisationTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The answered request's address, for the links in the mail an action queues.
    "smolny.notices.links.RequestBaseMiddleware",
]

ROOT_URLCONF = "smolny.urls"

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
                "smolny.web.context.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "smolny.wsgi.application"
ASGI_APPLICATION = "smolny.asgi.application"

DATABASES = {"default": parse_database_url(default_database_url())}

# The served application (smolny/asgi.py) keeps a pool of PostgreSQL connections per worker:
# Django runs each request in a thread of its own, which would otherwise open (and close) a
# connection per request, and under a burst open more than the server allows. Commands and
# tests leave SMOLNY_DB_POOL unset and connect as usual.
_POOL = int(os.environ.get("SMOLNY_DB_POOL", "0") or 0)
if _POOL > 0 and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 1, "max_size": _POOL, "timeout": 60}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
# Static files are served from the apps' folders by WhiteNoise (WHITENOISE_USE_FINDERS), so no
# collectstatic is needed; a deployment that wants them collected sets SMOLNY_STATIC_ROOT.
STATIC_ROOT = os.environ.get("SMOLNY_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts and mail (smolny.accounts): the console backend unless SMOLNY_EMAIL_URL or
# SMOLNY_SMTP_HOST names an SMTP server (see smolny/accounts/mailconfig.py for the variables);
# SMOLNY_SIGNUP=open|invitation says who may make an account; links mailed for verification
# and invitations expire after SMOLNY_VERIFICATION_DAYS and SMOLNY_INVITATION_DAYS.
from smolny.accounts.mailconfig import mail_settings, signup_mode  # noqa: E402

try:
    _MAIL = mail_settings(os.environ)
    SMOLNY_SIGNUP = signup_mode(os.environ)
except ValueError as _error:
    raise ImproperlyConfigured(str(_error)) from None
EMAIL_BACKEND = _MAIL["EMAIL_BACKEND"]
DEFAULT_FROM_EMAIL = _MAIL["DEFAULT_FROM_EMAIL"]
SERVER_EMAIL = _MAIL["SERVER_EMAIL"]
EMAIL_TIMEOUT = _MAIL["EMAIL_TIMEOUT"]
EMAIL_HOST = _MAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _MAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _MAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _MAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _MAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _MAIL.get("EMAIL_USE_SSL", False)
SMOLNY_VERIFICATION_DAYS = float(os.environ.get("SMOLNY_VERIFICATION_DAYS", "3") or 3)
SMOLNY_INVITATION_DAYS = float(os.environ.get("SMOLNY_INVITATION_DAYS", "14") or 14)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day
# Password sign-in counts failures per account and per address and refuses after a limit
# (smolny/accounts/throttle.py: SMOLNY_SIGNIN_LIMIT, SMOLNY_SIGNIN_WINDOW and the like).
AUTHENTICATION_BACKENDS = ["smolny.accounts.backends.ThrottledModelBackend"]
# Notices by email (smolny/notices/): SMOLNY_BASE_URL starts the links they carry (default:
# the address of the request that caused them); SMOLNY_MAIL_DELIVERY=background sends from a
# thread of the server after each commit (inline: the committing thread sends at once), and
# failed messages are retried every SMOLNY_MAIL_RETRY_SECONDS.
SMOLNY_BASE_URL = os.environ.get("SMOLNY_BASE_URL", "").strip()
SMOLNY_MAIL_DELIVERY = os.environ.get("SMOLNY_MAIL_DELIVERY", "").strip() or "background"
if SMOLNY_MAIL_DELIVERY not in ("background", "inline"):
    raise ImproperlyConfigured(
        f"SMOLNY_MAIL_DELIVERY={SMOLNY_MAIL_DELIVERY!r}: use background or inline"
    )
SMOLNY_MAIL_RETRY_SECONDS = float(os.environ.get("SMOLNY_MAIL_RETRY_SECONDS", "30") or 30)
