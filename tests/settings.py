"""Production settings, with what a test run needs on plain http and without collectstatic."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client and live server speak http

from config.settings import *  # noqa: E402, F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
WHITENOISE_AUTOREFRESH = True  # serve from the finders: no collectstatic before tests
WHITENOISE_USE_FINDERS = True  # (defaults to DEBUG, which is off here)
