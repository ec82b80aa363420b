"""The platform's settings: ``check --deploy`` is clean with the deployment ``.env.example``
describes (behind TLS), DEBUG is off unless ``make run`` turns it on, and the settings refuse to
start with DEBUG off and the repository's own secret key.

Each check runs the settings in a fresh ``manage.py`` process with exactly the environment a
deployment would give it (none of the test run's own variables leak in)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_SECRET = secrets.token_urlsafe(50)


def env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.split(" #")[0].strip()
    return values


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py ARGS`` with only PATH/HOME/LANG and ``env`` (no PYTEST_VERSION, no DEBUG)."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(  # nosec B603 (fixed argv: this interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "supervision.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def real_secret(name: str) -> str:
    if "ENCRYPTION_KEY" in name:  # a Fernet key
        from cryptography.fernet import Fernet

        return Fernet.generate_key().decode()
    return REAL_SECRET if name == "DJANGO_SECRET_KEY" else secrets.token_urlsafe(40)


def deployment_env(**overrides: str) -> dict[str, str]:
    """.env.example as a deployment fills it in: every ``change-me`` secret replaced."""
    env = env_example()
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    for name, value in env.items():
        if value.startswith("change-me"):
            env[name] = real_secret(name)
    env.update(overrides)
    return env


def test_deploy_check_is_clean_with_the_env_example_behind_tls():
    result = run(deployment_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "warning"),
    [
        ("DJANGO_SECURE_HSTS_SECONDS", "security.W004"),
        ("DJANGO_SECURE_SSL_REDIRECT", "security.W008"),
        ("DJANGO_SECURE_COOKIES", "security.W012"),
    ],
)
def test_deploy_check_fails_without_each_tls_setting(variable, warning):
    off = "0" if variable == "DJANGO_SECURE_HSTS_SECONDS" else "false"
    result = run(deployment_env(**{variable: off}), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


def test_env_example_sets_tls_and_a_trusted_proxy_header():
    env = env_example()
    assert env["DJANGO_DEBUG"] == "false"
    assert int(env["DJANGO_SECURE_HSTS_SECONDS"]) >= 31536000
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "true"
    assert env["DJANGO_SECURE_COOKIES"] == "true"
    assert env["DJANGO_SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO"


SETTINGS_PROBE = (
    "from django.conf import settings; "
    "print('DEBUG', settings.DEBUG); print('HSTS', settings.SECURE_HSTS_SECONDS); "
    "print('PROXY', settings.SECURE_PROXY_SSL_HEADER)"
)


def test_settings_refuse_the_repositorys_secret_key_with_debug_off():
    for secret in (None, env_example()["DJANGO_SECRET_KEY"]):
        env = {"DJANGO_DEBUG": "false"}
        if secret:
            env["DJANGO_SECRET_KEY"] = secret
        result = run(env, "shell", "-c", SETTINGS_PROBE)
        assert result.returncode != 0, result.stdout
        assert "ImproperlyConfigured" in result.stderr
        assert "DJANGO_SECRET_KEY" in result.stderr
        assert "不得使用仓库自带的默认密钥" in result.stderr  # the Chinese half of the message


def test_debug_is_off_unless_asked_for():
    result = run({"DJANGO_SECRET_KEY": REAL_SECRET}, "shell", "-c", SETTINGS_PROBE)
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout
    # A developer asks for DEBUG explicitly (make run does); the dev key is then accepted.
    result = run({"DJANGO_DEBUG": "true"}, "shell", "-c", SETTINGS_PROBE)
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_only_make_run_turns_debug_on():
    makefile = (ROOT / "Makefile").read_text()
    debug_targets = re.findall(r"^([\w ]+): export DJANGO_DEBUG \?= true$", makefile, re.M)
    assert debug_targets, "make run sets DJANGO_DEBUG=true"
    assert set(debug_targets[0].split()) == {"run", "demo", "migrate"}
    serving = [line for line in makefile.splitlines() if "runserver" in line or "gunicorn" in line]
    assert serving and all("DJANGO_DEBUG" not in line for line in serving)
    # Nothing in the production shape turns it on.
    shape = (ROOT / "docker-compose.yml").read_text() + (ROOT / "Dockerfile").read_text()
    assert not re.search(r"DJANGO_DEBUG\s*[:=]\s*['\"]?(true|1|yes|on)", shape, re.I)


def test_debug_error_pages_show_no_settings(client, db):
    """Under the test settings (DEBUG off, as in a deployment) an unknown URL answers the
    plain 404, not Django's technical page listing URL patterns and settings."""
    response = client.get("/no-such-page-at-all/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "SECRET_KEY" not in body and "URLconf" not in body and "Django tried these" not in body
