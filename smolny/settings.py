"""Django settings for Smolny.

Everything that differs between installations comes from the environment (Django's own
convention): ``SMOLNY_DATABASE_URL``, ``SMOLNY_SECRET_KEY``, ``SMOLNY_DEBUG``,
``SMOLNY_ALLOWED_HOSTS``. The defaults make ``smolny serve`` work on a laptop with nothing set.
"""

from __future__ import annotations

import os
from pathlib import Path

from smolny.dburl import default_database_url, parse_database_url

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("SMOLNY_SECRET_KEY", "smolny-insecure-development-key-change-me")
DEBUG = os.environ.get("SMOLNY_DEBUG", "") not in ("", "0", "false", "no")
ALLOWED_HOSTS = [h for h in os.environ.get("SMOLNY_ALLOWED_HOSTS", "*").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # ninja's own copy of the Swagger UI, so /api/docs works on a machine without internet.
    "ninja",
    "smolny.councils",
    "smolny.federation",
    "smolny.api",
    "smolny.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from every worker process, without a separate web server or collectstatic.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
