"""Production settings: with DEBUG off and production variables the deploy checks pass."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "parley.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://parley.example.org",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "DATABASE_URL": "postgres://parley@db.example.org:5432/parley",
}


def manage(*args, **env):
    # Not this run's variables (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, for one).
    ours = ("SECURE_", "DEBUG", "SECRET", "DJANGO_", "ALLOWED_HOSTS", "CSRF_")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "warning"),
    [
        ("SECURE_HSTS_SECONDS", "0", "security.W004"),
        ("SECURE_SSL_REDIRECT", "0", "security.W008"),
        ("SESSION_COOKIE_SECURE", "0", "security.W012"),
    ],
)
def test_deploy_checks_catch_a_weakened_setting(variable, value, warning):
    """The check above would notice a regression: turning one protection off fails it."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **{variable: value}
    )
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


def test_start_up_fails_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_start_up_fails_on_a_typo_in_a_boolean():
    result = manage("check", **{**PRODUCTION, "SECURE_SSL_REDIRECT": "ture"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='ture'" in result.stderr


def test_no_host_is_allowed_until_named():
    code = "from django.conf import settings; print(settings.ALLOWED_HOSTS)"
    result = manage("shell", "-c", code, DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_production_defaults_without_debug(settings):
    # tests/settings.py loads config.settings with DEBUG unset and only SSL redirect turned off.
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_REFERRER_POLICY == "same-origin"
    assert "'unsafe-inline'" not in settings.SECURE_CSP["script-src"]
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= set(names)


def test_make_serve_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "make serve: set SECRET_KEY" in result.stderr
