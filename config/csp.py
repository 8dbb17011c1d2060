"""Content-Security-Policy: a per-request nonce for the few script tags we render.

Django 5.2 has no CSP of its own. The names follow Django 6.0's built-in one (`SECURE_CSP`,
the `NONCE` marker, `request.csp_nonce`, the `csp_nonce` template variable that
`{% htmx_script %}` already reads), so moving to it is a settings edit. Settings import this
module, so it imports nothing that needs the app registry.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

NONCE = "<nonce>"  # placeholder in SECURE_CSP, replaced by the request's nonce


def _nonce(request: HttpRequest) -> str:
    if not hasattr(request, "_csp_nonce"):
        request._csp_nonce = secrets.token_urlsafe(18)
    return request._csp_nonce


def csp_header(policy: dict[str, list[str]], nonce: str) -> str:
    parts = []
    for directive, sources in policy.items():
        values = [f"'nonce-{nonce}'" if source == NONCE else source for source in sources]
        parts.append(" ".join([directive, *values]))
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = _nonce(request)
        response = self.get_response(request)
        policy = getattr(settings, "SECURE_CSP", None)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp_header(policy, request.csp_nonce)
        return response


def csp(request: HttpRequest) -> dict[str, str]:
    """Context processor: `csp_nonce` for `<script nonce="{{ csp_nonce }}">` and htmx_script."""
    return {"csp_nonce": _nonce(request)}
