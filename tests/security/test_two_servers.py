"""Two app servers, one database: what is done through one is seen through the other.

One server is started by `make serve` (so that target is exercised as written), the other by
gunicorn with the same config, on other ports, both with DEBUG off and the production settings
behind a TLS-terminating proxy (X-Forwarded-Proto). The requests name one host, as a proxy in
front of both would. Needs PostgreSQL: SQLite's test database lives in this process's memory.
"""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection

from annotations.models import Annotation
from transcripts.models import Transcript

from ..factories import PASSWORD, TranscriptWithTurnsFactory

ROOT = Path(__file__).resolve().parents[2]
HOST = "parley.test"
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="app servers share the test database only on PostgreSQL (CI's second pass)",
    ),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Visitor:
    """A cookie-keeping HTTP client that talks to one server or the other, like a proxy would."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data: dict | None = None):
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(data, doseq=True)
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"https://{HOST}",
                    "Referer": f"https://{HOST}{path}",
                }
            )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post(self, port, path, data=None):
        return self.request(port, "POST", path, data)

    def log_in(self, port, username, password):
        self.get(port, "/login/")  # the CSRF cookie
        return self.post(port, "/login/", {"username": username, "password": password})


@pytest.fixture
def servers(tmp_path, transactional_db):
    database = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),  # shared, as it must be between app servers
        "ALLOWED_HOSTS": HOST,
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "DATABASE_URL": "postgres://{USER}:{PASSWORD}@{host}:{port}/{NAME}".format(
            host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432, **database
        ),
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "2",
        "PYTHONPATH": str(ROOT),
    }
    ports = [free_port(), free_port()]
    commands = [
        ["make", "--no-print-directory", "serve"],
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
    ]
    processes = []
    try:
        # One after the other: the first one's collectstatic fills STATIC_ROOT for both.
        for port, command in zip(ports, commands, strict=True):
            log = open(tmp_path / f"server-{port}.log", "w")  # noqa: SIM115 (closed below)
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**env, "BIND": f"127.0.0.1:{port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            processes.append((process, log))
            wait_until_healthy(port, tmp_path)
        yield ports
    finally:
        for process, log in processes:
            os.killpg(process.pid, 15)  # the server's own process group, started above
            process.wait(timeout=30)
            log.close()


def wait_until_healthy(port: int, tmp_path: Path, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, _ = Visitor().get(port, "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    logs = "\n".join(path.read_text() for path in tmp_path.glob("server-*.log"))
    pytest.fail(f"server on port {port} never became healthy:\n{logs}")


def with_production_password(user, settings):
    # The tests hash with MD5 for speed; the servers run the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user.set_password(PASSWORD)
    user.save()
    return user


def test_work_through_one_server_is_seen_through_the_other(servers, owner, project, settings):
    one, two = servers
    with_production_password(owner, settings)
    kept, doomed = TranscriptWithTurnsFactory(), TranscriptWithTurnsFactory()
    project.transcripts.add(kept, doomed)
    visitor = Visitor()

    status, headers, _ = visitor.log_in(one, owner.username, PASSWORD)
    assert status == 302, "login through the first server"
    assert headers["Strict-Transport-Security"].startswith("max-age=")

    # The session made by the first server is good on the second.
    status, headers, page = visitor.get(two, project.get_absolute_url())
    assert status == 200 and doomed.title in page
    assert "Content-Security-Policy" in headers
    stylesheet = re.search(r'href="(/static/parley\.[0-9a-f]+\.css)"', page)[1]
    assert visitor.get(two, stylesheet)[0] == 200  # whitenoise, hashed name from collectstatic

    # Work through the second server...
    delete = f"/p/{project.slug}/t/{doomed.pk}/delete/"
    assert visitor.post(two, delete, {"confirm": "yes"})[0] == 302
    # ...is seen through the first, flash message included.
    status, _, page = visitor.get(one, project.get_absolute_url())
    assert status == 200
    listed = page.split("<main", 1)[1]  # the flash message above it names the deleted one
    assert f"{doomed.title}</a>" not in listed and f"{kept.title}</a>" in listed
    assert f"Deleted transcript “{doomed.title}”" in page
    assert not Transcript.objects.filter(pk=doomed.pk).exists()
    assert LogEntry.objects.get().user == owner

    # Tagging through the first server shows in the second's workspace...
    passage = kept.passages.speech().first()
    tag = project.tags.get(name="Claim")
    create = f"/p/{project.slug}/t/{kept.pk}/annotations/"
    assert visitor.post(one, create, {"passage": passage.pk, "tag": tag.pk})[0] == 302
    annotation = Annotation.objects.get()
    workspace = f"/p/{project.slug}/t/{kept.pk}/"
    assert f'id="annotation-{annotation.pk}"' in visitor.get(two, workspace)[2]
    # ...and an edit through the second makes a stale edit through the first fail, with a word.
    detail = f"/p/{project.slug}/a/{annotation.pk}/"
    edit = {"version": 1, "tag": tag.pk, "note": "through two"}
    assert visitor.post(two, detail, edit)[0] == 302
    visitor.post(one, detail, {**edit, "note": "through one, stale"})
    assert "you saved this annotation meanwhile" in visitor.get(one, detail)[2]
    assert Annotation.objects.get().note == "through two"

    # Logging out through the first ends the session on the second.
    assert visitor.post(one, "/logout/")[0] == 302
    status, headers, _ = visitor.get(two, project.get_absolute_url())
    assert status == 302 and headers["Location"].startswith("/login/")


def test_a_lockout_through_one_server_holds_on_the_other(servers, annotator, settings):
    one, two = servers
    with_production_password(annotator, settings)
    attacker = Visitor()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.log_in(one, annotator.username, "guess")
    status, _, page = Visitor().log_in(two, annotator.username, PASSWORD)
    assert status == 429 and "Too many failed logins" in page
