"""Structured logs: one JSON object per line, one line per request, request context on errors.

`RequestLogMiddleware` gives each request an id (the proxy's X-Request-ID when it looks sane, a
new one otherwise), echoes it in the response, and logs method, path, status, duration and user
as `parley.request`. Every record logged while a request runs carries that request's context
(a log-record factory takes it when the record is made), and `JsonFormatter` writes it out, so
an exception logged by Django (`django.request`, with the traceback) has the same request id,
user and path as the access line. `client_ip()` is the one place that
decides where a request came from (the login rate limit uses it too). Settings load this module
(the log formatter) before the app registry is ready: it imports no models.
"""

import contextvars
import json
import logging
import re
import time
import traceback
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("parley.request")
_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_log", default=None)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request", "context"}
_make_record = logging.getLogRecordFactory()


def _record_with_context(*args, **kwargs) -> logging.LogRecord:
    # Taken when the record is made, so a handler that formats later still has it.
    record = _make_record(*args, **kwargs)
    record.context = _context.get()
    return record


logging.setLogRecordFactory(_record_with_context)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        context = {
            "request_id": request.request_id,
            "method": request.method,
            "path": request.path,
            "ip": client_ip(request),
        }
        token = _context.set(context)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            context["user_id"] = user.pk if user is not None and user.is_authenticated else None
            response["X-Request-ID"] = request.request_id
            level = logging.ERROR if response.status_code >= 500 else logging.INFO
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            # The message reads alone in a plain log; the fields are there for the JSON one.
            # request.path has no query string, so tokens and search terms stay out of logs.
            logger.log(
                level,
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "htmx": bool(getattr(request, "htmx", False)),
                },
            )
            return response
        finally:
            _context.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **(getattr(record, "context", None) or {}),
        }
        user = getattr(getattr(record, "request", None), "user", None)  # django.request's errors
        if user is not None and "user_id" not in entry:
            entry["user_id"] = user.pk if user.is_authenticated else None
        entry.update({k: v for k, v in vars(record).items() if k not in RESERVED})
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).strip()
        return json.dumps(entry, default=str)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT=n the address the n-th proxy saw.

    Only the right-most n entries of X-Forwarded-For were written by our own proxies; anything
    left of them came from the client and may be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-count] if len(hops) >= count else remote
