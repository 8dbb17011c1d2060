"""Every URL, every persona: who may see what (see sweep.py for how the URLs are found).

When a view lands, the sweep expects: anonymous → login redirect; outsider and staff who are
not members → 404 on anything inside a project; annotator, curator, owner and a superuser who
is not a member (an owner everywhere) → 200 (405 for GET on POST-only views). A view whose
roles differ goes in ROLE_RULES, a public one in PUBLIC, with the reason.
"""

import re

import pytest
from django.test import Client

from annotations.models import Annotation, Project
from transcripts.models import Transcript

from ..conftest import HTMX
from .sweep import (
    ADMIN_ROUTES,
    APP_ROUTES,
    FOREIGN,
    ROUTES,
    SECRET_NOTE,
    UnfillableRoute,
    build_world,
    forms_on,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "staff", "annotator", "curator", "owner", "superuser"]
NON_MEMBERS = {"outsider", "staff"}
OWNER_ONLY = {"annotator": 403, "curator": 403}
# Members whose role does not allow a view: route -> {persona: status}. Others get 200.
ROLE_RULES = {
    "annotations:project_delete": OWNER_ONLY,
    "annotations:transcript_delete": OWNER_ONLY,
    "annotations:transcript_import": {"annotator": 403},  # curators and owners import
    "annotations:project_agreement": {"annotator": 403},  # pairwise figures name coders
    "annotations:structure_editor": {"annotator": 403},  # curators and owners fix structure
}
# The only views open without login, and what they answer to a GET from anyone.
PUBLIC = {"login": 200, "healthz": 200, "admin:login": 200}
# Logged-in GETs that redirect by design.
REDIRECTS = {"login": 302}  # redirect_authenticated_user
# Annotation routes an annotator may POST to for someone else's annotation (e.g. a reply).
MAY_POST_ON_OTHERS = set()


@pytest.fixture
def world(project, owner, curator, annotator, outsider):
    return build_world(project, owner, curator, annotator, outsider)


def client_as(world, persona: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if world.users[persona] is not None:
        client.force_login(world.users[persona])
    return client


def url_for(route, world, **overrides) -> str:
    try:
        return route.fill(world, **overrides)
    except UnfillableRoute as error:
        pytest.fail(str(error))


def snapshot():
    """What a refused request must leave as it was."""
    return (
        sorted(Annotation.objects.values_list("pk", "version", "status", "note")),
        sorted(Project.objects.values_list("pk", "slug")),
        sorted(Transcript.objects.values_list("pk", "title")),
    )


def post_only(response) -> bool:
    return response.status_code == 405 and "GET" not in response.get("Allow", "")


def assert_login_redirect(response, *logins):
    assert response.status_code == 302, f"expected a login redirect, got {response.status_code}"
    location = response["Location"]
    assert location.startswith(tuple(f"{url}?next=" for url in logins or ["/login/"])), location


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def assert_safe_html(response):
    """Headers on every page; every script is external or carries the nonce; no onclick=."""
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp)[1]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    nonce = re.search(r"'nonce-([^']+)'", script_src)[1]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    if "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    if "<body" in html and "/admin/" not in response.request["PATH_INFO"]:
        assert '<body hx-headers=\'{"X-CSRFToken": "' in html  # htmx posts carry the token
    for attributes in SCRIPT.findall(html):
        assert "src=" in attributes or f'nonce="{nonce}"' in attributes, attributes
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html)[0]
    assert "javascript:" not in html.lower()


def test_static_files_need_no_login(client):
    for path in ["/static/parley.css", "/static/django_htmx/htmx-2.min.js"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/static/admin/css/base.css").status_code == 200


def test_every_pattern_can_be_filled(world):
    assert len(ROUTES) > 20  # the admin's alone; a broken walk would find none
    for route in ROUTES:
        url_for(route, world)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", APP_ROUTES, ids=lambda r: r.id)
def test_get(route, persona, world):
    before = snapshot()
    response = client_as(world, persona).get(url_for(route, world))
    status = response.status_code
    assert snapshot() == before, f"GET {route.id} changed the database: use POST"
    if route.public:
        assert route.name in PUBLIC, f"{route.id} is public: list it in PUBLIC with a reason"
        expected = REDIRECTS.get(route.name, PUBLIC[route.name]) if persona != "anonymous" else 0
        assert status == (expected or PUBLIC[route.name])
    elif persona == "anonymous":
        assert_login_redirect(response)
    elif post_only(response):
        pass  # a POST-only view refuses GET before looking anything up
    elif persona in NON_MEMBERS and route.scoped:
        assert status == 404, f"{route.id}: a non-member must get 404, got {status}"
    else:
        expected = ROLE_RULES.get(route.name, {}).get(persona, REDIRECTS.get(route.name, 200))
        assert status == expected, f"{route.id} as {persona}: {status}, expected {expected}"
    if status == 200:
        assert_safe_html(response)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", APP_ROUTES, ids=lambda r: r.id)
def test_post_with_nothing(route, persona, world):
    before = snapshot()
    response = client_as(world, persona).post(url_for(route, world), {})
    status = response.status_code
    assert status < 500
    refused = persona == "anonymous" and not route.public
    if refused:
        assert_login_redirect(response)
    elif status == 405:
        assert "POST" not in response["Allow"]  # a read-only view
    elif persona in NON_MEMBERS and route.scoped:
        refused = True
        assert status == 404, f"{route.id}: a non-member must get 404, got {status}"
    elif persona in ROLE_RULES.get(route.name, {}):
        refused = True
        assert status == ROLE_RULES[route.name][persona]
    if refused:
        assert snapshot() == before


@pytest.mark.parametrize("route", [r for r in APP_ROUTES if not r.public], ids=lambda r: r.id)
def test_htmx_request_without_session_is_sent_to_login(route, world):
    page = {"HX-Current-URL": "http://testserver/p/x/"}
    response = Client().get(url_for(route, world), headers={**HTMX, **page})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/p/x/"


@pytest.mark.parametrize("route", APP_ROUTES, ids=lambda r: r.id)
def test_post_without_csrf_token_is_refused(route, world):
    before = snapshot()
    client = client_as(world, "owner", enforce_csrf_checks=True)
    assert client.post(url_for(route, world), {}).status_code == 403
    assert snapshot() == before


FOREIGN_ROUTES = [r for r in APP_ROUTES if set(FOREIGN) & set(r.kwargs)]


@pytest.mark.parametrize("route", FOREIGN_ROUTES, ids=lambda r: r.id)
def test_ids_from_another_project_are_404(route, world):
    """Our slug with another project's transcript, passage, annotation or tag id."""
    client, before = client_as(world, "owner"), snapshot()
    for name in set(FOREIGN) & set(route.kwargs):
        url = url_for(route, world, **{name: FOREIGN[name](world)})
        response = client.get(url)
        assert response.status_code == 404 or post_only(response), (url, response.status_code)
        assert client.post(url, {}).status_code in {404, 405}, url
    assert snapshot() == before


def test_annotator_cannot_change_someone_elses_annotation(world):
    # A loop, not a parametrisation: until a view takes an annotation_id there is nothing to
    # check, and an empty parametrisation would show up as a skip.
    routes = [r for r in APP_ROUTES if "annotation_id" in r.kwargs]
    client, before = client_as(world, "annotator"), snapshot()
    for route in routes:
        if route.name in MAY_POST_ON_OTHERS:
            continue
        url = url_for(route, world, annotation_id=world.others_annotation.pk)
        for headers in [{}, HTMX]:
            response = client.post(url, {"note": "mine now", "version": 1}, headers=headers)
            # Refused as a 4xx, or re-rendered or redirected with a message (the no-JS
            # fallback): whatever the status, nothing may have changed.
            assert response.status_code < 500, (route.id, response.status_code)
            assert snapshot() == before, route.id


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def pages_an_annotator_reads(world):
    """Every page and fragment, each GET form on it submitted as it comes (an export, a
    filter), with annotation ids of the annotator's own and of a colleague's: (url, text)."""
    client = client_as(world, "annotator")
    for route in APP_ROUTES:
        theirs = {"annotation_id": world.others_annotation.pk}
        for url in {url_for(route, world), url_for(route, world, **theirs)}:
            for headers in [{}, HTMX]:
                page = body(client.get(url, headers=headers))
                yield url, page
                for form in forms_on(page, url):
                    if form.method == "get":
                        yield (
                            form.action,
                            body(client.get(form.action, form.fields, headers=headers)),
                        )


def test_blind_mode_holds_on_every_page_and_download(world):
    world.project.blind = True
    world.project.save()
    for url, text in pages_an_annotator_reads(world):
        assert SECRET_NOTE not in text, f"{url} shows a colleague's note in blind mode"


def test_the_blind_check_looks_where_notes_show(world):
    """Guard for the guard: with blind mode off, the same walk finds the colleague's note."""
    found = [url for url, text in pages_an_annotator_reads(world) if SECRET_NOTE in text]
    assert found, "no page shows notes: the blind-mode test would pass vacuously"


@pytest.mark.parametrize("persona", ["anonymous", "annotator", "owner"])
def test_admin_is_for_staff_only(persona, world):
    """Project roles give no admin access: every admin page sends non-staff to a login."""
    client = client_as(world, persona)
    for route in ADMIN_ROUTES:
        response = client.get(url_for(route, world))
        if route.public:
            assert response.status_code == PUBLIC[route.name], route.id
        elif persona == "anonymous":  # the admin sends to its own login page, or ours
            assert_login_redirect(response, "/admin/login/", "/login/")
        elif route.name == "admin:logout":  # logs nobody out on GET: back to the index
            assert response.status_code == 302 and response["Location"] == "/admin/"
        elif not post_only(response):
            assert response.get("Location", "").startswith("/admin/login/?next="), route.id


def test_every_admin_page_works_for_a_superuser(world, admin_client):
    for route in ADMIN_ROUTES:
        response = admin_client.get(url_for(route, world))
        assert response.status_code < 500, route.id
        if response.status_code == 200 and route.name != "admin:jsi18n":
            assert_safe_html(response)


def test_staff_curators_see_only_their_projects_in_the_admin(world, client):
    """A curator with staff status (and every model permission) browsing the admin."""
    from django.contrib.auth.models import Permission

    from annotations.admin import PROJECT_PATHS

    curator = world.users["curator"]
    curator.is_staff = True
    curator.save()
    curator.user_permissions.set(Permission.objects.all())
    client.force_login(curator)
    ours, theirs = world.project, world.other["project"]
    for model, path in PROJECT_PATHS.items():
        lookup = f"{path}__in" if path else "pk__in"
        mine = model._default_manager.filter(**{lookup: [ours.pk]}).distinct()
        foreign = model._default_manager.filter(**{lookup: [theirs.pk]}).first()
        opts = model._meta
        changelist = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        assert changelist.status_code == 200, opts.label
        assert changelist.context["cl"].result_count == mine.count(), opts.label
        if mine.exists():
            own = client.get(f"/admin/{opts.app_label}/{opts.model_name}/{mine[0].pk}/change/")
            assert own.status_code == 200, opts.label
        if foreign is not None and not mine.filter(pk=foreign.pk).exists():
            other = client.get(f"/admin/{opts.app_label}/{opts.model_name}/{foreign.pk}/change/")
            assert other.status_code == 302 and other["Location"] == "/admin/", opts.label


def test_staff_who_are_not_members_see_no_project_and_a_superuser_sees_all(world):
    listing = "/"
    staff = client_as(world, "staff").get(listing)
    assert list(staff.context["projects"]) == []
    assert "not a member of any project" in staff.text
    root = client_as(world, "superuser").get(listing)
    assert set(root.context["projects"]) == {world.project, world.other["project"]}
    members = client_as(world, "superuser").get(f"/p/{world.project.slug}/members/")
    assert "Add a member" in members.text  # owner rights, though not a member


def test_every_role_on_the_new_team_actions(world):
    """Assignment settings, Get work, anonymise: who may, who is refused, who never sees it."""
    slug = world.project.slug
    actions = {
        f"/p/{slug}/assignments/": {
            "action": "mode",
            "mode": "dynamic",
            "per_transcript": 2,
            "release_after_hours": 1,
        },
        f"/p/{slug}/layers/": {"anonymise": "1"},
        f"/p/{slug}/work/": {},
    }
    allowed = {
        f"/p/{slug}/assignments/": {"owner", "superuser"},
        f"/p/{slug}/layers/": {"curator", "owner", "superuser"},
        f"/p/{slug}/work/": {"annotator", "curator", "owner", "superuser"},
    }
    for url, data in actions.items():
        for persona in PERSONAS:
            response = client_as(world, persona).post(url, data)
            if persona == "anonymous":
                assert_login_redirect(response)
            elif persona in NON_MEMBERS:
                assert response.status_code == 404, (url, persona)
            elif persona in allowed[url]:
                assert response.status_code == 302, (url, persona)
            else:
                assert response.status_code == 403, (url, persona)
