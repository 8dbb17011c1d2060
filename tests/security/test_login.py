"""Login: rate-limited per username and address (django-axes), validated passwords."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="203.0.113.7"):
    data = {"username": username, "password": password}
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_the_account_for_that_address(client, annotator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, annotator.username, "guess")
        assert response.status_code == 200 and "match" in response.text
    locked = attempt(client, annotator.username, "guess")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    # Even the right password is refused while locked out.
    assert attempt(client, annotator.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_spares_other_users_and_other_addresses(client, annotator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, annotator.username, "guess")
    colleague = UserFactory()
    assert attempt(client, colleague.username, PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, annotator.username, PASSWORD, ip="198.51.100.9").status_code == 302


def test_a_success_resets_the_count(client, annotator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, annotator.username, "guess")
    assert attempt(client, annotator.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, annotator.username, "guess")
    assert attempt(client, annotator.username, PASSWORD).status_code == 302


def test_admin_login_is_limited_too(client, annotator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, annotator.username, "guess")
    data = {"username": annotator.username, "password": PASSWORD}
    response = client.post(reverse("admin:login"), data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429


def test_behind_a_proxy_the_client_address_counts(client, annotator, settings):
    """With TRUSTED_PROXY_COUNT=1 every request comes from the proxy's address: the lockout
    must follow the client's, or one attacker would lock everyone out."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    data = {"username": annotator.username, "password": "guess"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), data, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    good = {"username": annotator.username, "password": PASSWORD}
    elsewhere = client.post(
        reverse("login"), good, HTTP_X_FORWARDED_FOR="forged, 198.51.100.9", **proxy
    )
    assert elsewhere.status_code == 302
    client.logout()
    same = client.post(reverse("login"), good, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert same.status_code == 429


@pytest.mark.parametrize("password", ["short", "password123", "12345678901234", "analyst-one"])
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="analyst-one")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_is_accepted():
    validate_password("tangled-lantern-orchard-42", UserFactory.build())


@examples(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(username=st.text(max_size=300), password=st.text(max_size=300))
def test_any_login_form_input_is_answered_not_crashed(client, annotator, username, password):
    """Unicode, NUL bytes, lone surrogates, long strings: a form error or a lockout, never a 500."""
    client.raise_request_exception = False
    response = attempt(client, username, password)
    # A NUL anywhere is refused before the view (RefuseNulMiddleware); Django's forms would
    # never have let anyone set such a password.
    nul = "\x00" in username + password
    assert response.status_code in ({400} if nul else {200, 429}), (username, password)
    assert "_auth_user_id" not in client.session
