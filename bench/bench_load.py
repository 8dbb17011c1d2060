"""Item 7 of issue 10: 20 simulated annotators against `make serve` (gunicorn) on PostgreSQL.

    DATABASE_URL=postgres://… python bench/bench_load.py [--users 20] [--seconds 60] [--port 8106]

Starts `make serve` on 127.0.0.1:<port> (its own process group, stopped at the end), logs 20
annotators in (sessions written to the database), and has each tag a new passage of the
100-turn transcript of corpus.py's `bench` project about once a second through the htmx
endpoint, for `--seconds`, each request with a 30 s client timeout: bounded and self-stopping.
Afterwards it counts the rows: every 200 must be exactly one row, and nothing else may appear.
Worker resident memory is sampled from /proc while it runs. Skipped on SQLite.
"""

import argparse
import http.client
import os
import random
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from common import ROOT, percentile, quick, save, setup

TOKEN = re.compile(r'X-CSRFToken": "([^"]+)"')


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            children = [int(c) for c in task.read_text().split()]
            found += children
            queue += children
    return found


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0.0
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    if b"gunicorn" not in cmd:
        return 0.0
    return int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024


def start_server(port: int) -> subprocess.Popen:
    from django.conf import settings

    env = os.environ | {
        "BIND": f"127.0.0.1:{port}",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions written here must be valid there
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: stopped by that id at the end
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise RuntimeError("make serve did not answer /healthz within 60 s")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


class Annotator(threading.Thread):
    def __init__(self, port, cookie, workspace, create_url, tag_id, passages, until):
        super().__init__(daemon=True)
        self.port, self.cookie, self.until = port, cookie, until
        self.workspace, self.create_url, self.tag_id = workspace, create_url, tag_id
        self.passages = passages  # this annotator's own, so no two threads tag the same
        self.latencies, self.ok, self.errors = [], [], []

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(
            method, path, body=body, headers={"Cookie": self.cookie, **(headers or {})}
        )
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("csrftoken="):
                self.cookie += "; " + header.split(";")[0]
        return response.status, data

    def run(self):
        _, page = self.request("GET", self.workspace)
        token = TOKEN.search(page.decode())[1]
        time.sleep(random.random())
        for passage in self.passages:
            if time.time() > self.until:
                return
            body = urlencode({"passage": passage, "tag": self.tag_id})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "X-CSRFToken": token,
            }
            started = time.perf_counter()
            try:
                status, _ = self.request("POST", self.create_url, body, headers)
            except OSError as error:
                status = type(error).__name__
            seconds = time.perf_counter() - started
            self.latencies.append(seconds)
            (self.ok if status == 200 else self.errors).append((passage, status))
            time.sleep(max(0.0, random.uniform(0.8, 1.2) - seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=15 if quick() else 60)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8106)))
    options = parser.parse_args()
    setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("load: PostgreSQL only (set DATABASE_URL); skipped")
        save("load", {"skipped": "SQLite: the load test runs against PostgreSQL only"})
        return
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from annotations.models import Annotation, Membership, Project

    project = Project.objects.get(slug="bench")
    transcript = project.transcripts.get(title__contains="100 turns")
    passages = list(transcript.passages.speech().order_by("position").values_list("pk", flat=True))
    users = []
    for number in range(options.users):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-load-{number:02}")
        Membership.objects.get_or_create(project=project, user=user)
        users.append(user)
    Annotation.objects.filter(annotator__in=users).delete()
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    server = start_server(options.port)
    rss: dict[int, float] = {}
    try:
        until = time.time() + options.seconds
        workspace = reverse("annotations:workspace", args=[project.slug, transcript.pk])
        create = reverse("annotations:annotation_create", args=[project.slug, transcript.pk])
        tag = project.tags.get(name="Claim").pk
        threads = [
            Annotator(
                options.port, cookies[i], workspace, create, tag, passages[i :: len(users)], until
            )
            for i in range(len(users))
        ]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            for pid in descendants(server.pid):
                rss[pid] = max(rss.get(pid, 0.0), rss_mb(pid))
            time.sleep(1)
    finally:
        stop(server)
    latencies = [s for t in threads for s in t.latencies]
    ok = {(user.pk, passage) for t, user in zip(threads, users, strict=True) for passage, _ in t.ok}
    rows = list(Annotation.objects.filter(annotator__in=users).values_list("annotator", "passage"))
    result = {
        "users": len(users),
        "seconds": options.seconds,
        "requests": len(latencies),
        "ok": len(ok),
        "errors": [status for t in threads for _, status in t.errors],
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "rows": len(rows),
        "lost": len(ok - set(rows)),
        "duplicated": len(rows) - len(set(rows)),
        "unexpected": len(set(rows) - ok),
        "worker_rss_mb": sorted((v for v in rss.values() if v), reverse=True),
    }
    Annotation.objects.filter(annotator__in=users).delete()
    print(result)
    save("load", result)


if __name__ == "__main__":
    main()
