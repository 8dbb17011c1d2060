"""Cross-cutting protections every view gets without asking for them.

- `LoginRequiredMiddleware`: Django's, plus an HTMX-aware answer (a fragment request with an
  expired session is told to load the login page, instead of swapping the login form into the
  middle of the workspace). Views opt out only with `@login_not_required` (login, /healthz).
- `RefuseNulMiddleware`: a NUL character in any request parameter is a 400, never a 500.
- The Content-Security-Policy lives in `config/csp.py` (settings import its NONCE marker, so
  it must not import Django's auth machinery).
"""

from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        if getattr(request, "htmx", False):
            # Back to the page the user was on once they have logged in again, not to the fragment.
            page = request.htmx.current_url_abs_path or request.get_full_path()
            login = redirect_to_login(page, resolve_url(self.get_login_url(view_func)))
            return HttpResponseClientRedirect(login.url)
        return response


class RefuseNulMiddleware:
    """A 400 for a NUL character in the path, a query parameter or a posted form field.

    PostgreSQL cannot store NUL in text or JSON, so such a value reaching a query or a save is a
    500 (psycopg refuses it) wherever a view forgot to check — an admin filter, a search box, an
    attribute value. No honest client sends one; refusing it here, before any view, closes all
    of those at once. Uploaded files are the importers' to judge (they name the line).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self.nul_in(request)
        if where:
            response = HttpResponseBadRequest(
                f"Refused: {where} holds a NUL character (\\x00), which no text here may contain.",
                content_type="text/plain; charset=utf-8",
            )
            response["Parley-Refusal"] = "1"
            return response
        return self.get_response(request)

    @staticmethod
    def nul_in(request) -> str:
        if "\x00" in request.path:
            return "the address"
        for name, data in (("query parameter", request.GET), ("form field", request.POST)):
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return f"the {name} {key.replace(chr(0), '?')!r}"
        return ""
