"""Cross-cutting protections every view gets without asking for them.

- `LoginRequiredMiddleware`: Django's, plus an HTMX-aware answer (a fragment request with an
  expired session is told to load the login page, instead of swapping the login form into the
  middle of the workspace). Views opt out only with `@login_not_required` (login, /healthz).
- The Content-Security-Policy lives in `config/csp.py` (settings import its NONCE marker, so
  it must not import Django's auth machinery).
"""

from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
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
