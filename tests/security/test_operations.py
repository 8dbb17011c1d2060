"""Health check, structured request logs, errors logged with their request's context."""

import json
import logging

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from config.observability import JsonFormatter

pytestmark = pytest.mark.django_db


def boom(request):
    raise ValueError("the view fell over")


def fine(request):
    logging.getLogger("parley.test").warning("inside the view")
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("fine/", fine)]


def test_healthz_needs_no_login_and_checks_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_answers_plain_http_despite_ssl_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # load balancers probe over http
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301


def json_lines(caplog):
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records]


@pytest.mark.urls(__name__)
def test_each_request_is_one_json_line_with_its_context(client, annotator, caplog):
    client.force_login(annotator)
    with caplog.at_level(logging.INFO):
        response = client.get("/fine/", headers={"X-Request-ID": "proxy-given-id-123"})
    assert response["X-Request-ID"] == "proxy-given-id-123"
    lines = json_lines(caplog)
    inside = next(line for line in lines if line["message"] == "inside the view")
    access = next(line for line in lines if line["logger"] == "parley.request")
    assert inside["request_id"] == access["request_id"] == "proxy-given-id-123"
    assert access["method"] == "GET" and access["path"] == "/fine/"
    assert access["status"] == 200 and access["user_id"] == annotator.pk
    assert isinstance(access["duration_ms"], float)


@pytest.mark.urls(__name__)
def test_a_forged_request_id_is_replaced(client, annotator, caplog):
    client.force_login(annotator)
    response = client.get("/fine/", headers={"X-Request-ID": 'x"\n{"level": "forged"}'})
    assert len(response["X-Request-ID"]) == 32 and response["X-Request-ID"].isalnum()


@pytest.mark.urls(__name__)
def test_errors_are_logged_with_the_request_and_traceback(annotator, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(annotator)
    with caplog.at_level(logging.INFO):
        response = client.get("/boom/")
    assert response.status_code == 500
    error = next(line for line in json_lines(caplog) if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["path"] == "/boom/" and error["method"] == "GET"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["user_id"] == annotator.pk
    assert "ValueError: the view fell over" in error["exception"]
    access = next(line for line in json_lines(caplog) if line["logger"] == "parley.request")
    assert access["status"] == 500 and access["level"] == "ERROR"
    assert access["user_id"] == annotator.pk


def test_error_pages_say_what_happened(client, annotator, project):
    client.force_login(annotator)
    missing = client.get("/p/no-such-project/")
    assert missing.status_code == 404 and "nothing you have access to" in missing.text
    refused = client.get(f"/p/{project.slug}/delete/")
    assert refused.status_code == 403 and "Only the project&#x27;s owners" in refused.text


def test_expired_form_says_reload(annotator, project):
    client = Client(enforce_csrf_checks=True)
    client.force_login(annotator)
    response = client.post(f"/p/{project.slug}/delete/", {})
    assert response.status_code == 403 and "Reload it and send it again" in response.text


def test_healthz_answers_head_and_refuses_post(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
