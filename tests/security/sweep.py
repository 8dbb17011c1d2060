"""Every URL pattern the project defines, read from the resolver, with its kwargs filled in.

A new view is swept as soon as its URL line lands. Its kwargs are filled from `KWARGS` (by name)
or `ROUTE_KWARGS` (by route, where a name like `pk` is ambiguous); a pattern with a kwarg found
in neither fails the sweep, telling its author to add a fixture here.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from annotations.models import Annotation, Membership

from ..factories import AnnotationFactory, TranscriptWithTurnsFactory, UserFactory

# Kwargs that name something inside a project: a non-member must get a 404 for these.
SCOPED = {
    "slug",
    "transcript_id",
    "passage_id",
    "annotation_id",
    "tag_id",
    "pk",
    "speaker_id",
    "gold_id",
}
SECRET_NOTE = "note-only-its-author-and-curators-may-see"


@dataclass
class World:
    """One project with its personas and data, and a second project to point at by mistake."""

    project: object
    transcript: object
    passage: object
    tag: object
    annotation: object  # the annotator's own
    others_annotation: object  # by another annotator (blind mode hides it from ours)
    other: dict = field(default_factory=dict)  # the same kinds of objects in another project
    users: dict = field(default_factory=dict)  # persona -> user (None for anonymous)


def build_world(project, owner, curator, annotator, outsider) -> World:
    transcript = TranscriptWithTurnsFactory()
    project.transcripts.add(transcript)
    passage = transcript.passages.speech().first()
    tag = project.tags.first()
    colleague = UserFactory(username=f"colleague-{project.slug}")
    Membership.objects.create(project=project, user=colleague)
    mine = AnnotationFactory(passage=passage, tag=tag, annotator=annotator, note="my own note")
    theirs = AnnotationFactory(
        passage=passage,
        tag=tag,
        annotator=colleague,
        note=SECRET_NOTE,
        attributes={"type": SECRET_NOTE},
    )
    # The outsider's project: its ids must never work through our project's URLs.
    foreign = outsider.memberships.get().project
    foreign_transcript = TranscriptWithTurnsFactory()
    foreign.transcripts.add(foreign_transcript)
    foreign_passage = foreign_transcript.passages.speech().first()
    foreign_annotation = AnnotationFactory(
        passage=foreign_passage, tag=foreign.tags.first(), annotator=outsider
    )
    return World(
        project=project,
        transcript=transcript,
        passage=passage,
        tag=tag,
        annotation=mine,
        others_annotation=theirs,
        other={
            "project": foreign,
            "transcript": foreign_transcript,
            "passage": foreign_passage,
            "tag": foreign.tags.first(),
            "annotation": foreign_annotation,
        },
        users={
            "anonymous": None,
            "outsider": outsider,
            # Staff status is for the admin only: outside it a staff non-member is an outsider.
            "staff": UserFactory(username=f"staff-{project.slug}", is_staff=True),
            # A superuser who is not a member acts as the owner of every project.
            "superuser": UserFactory(
                username=f"root-{project.slug}", is_staff=True, is_superuser=True
            ),
            "annotator": annotator,
            "curator": curator,
            "owner": owner,
        },
    )


def _admin_object_id(world: World, route: "Route") -> str:
    # admin:<app>_<model>_<action>: a real object of that model, so change pages render.
    match = re.match(r"admin:([a-z]+)_([a-z]+)_[a-z]+$", route.name or "")
    if match:
        try:
            model = apps.get_model(match[1], match[2])
        except LookupError:
            return "1"
        obj = model._default_manager.order_by("pk").first()
        return str(obj.pk) if obj else "1"
    return str(world.project.pk)


def _gold_id(world: World, *, foreign: bool = False) -> int:
    """A gold item on the world's passage (or the outsider's), made when first asked for."""
    from annotations.models import GoldAnnotation

    where = world.other if foreign else {"project": world.project, "passage": world.passage}
    found = GoldAnnotation.objects.filter(project=where["project"]).first()
    if found is None:
        by = world.users["outsider" if foreign else "owner"]
        found = GoldAnnotation.objects.write(
            by=by,
            project=where["project"],
            passage=where["passage"],
            tag=where["project"].tags.first(),
        )
    return found.pk


# kwarg name -> value, for a world (and the route, for the admin's generic names).
KWARGS: dict[str, Callable[[World, "Route"], object]] = {
    "slug": lambda w, r: w.project.slug,
    "transcript_id": lambda w, r: w.transcript.pk,
    "passage_id": lambda w, r: w.passage.pk,
    "annotation_id": lambda w, r: w.annotation.pk,
    "tag_id": lambda w, r: w.tag.pk,
    "member_id": lambda w, r: w.project.memberships.get(user=w.users["annotator"]).pk,
    "gold_id": lambda w, r: _gold_id(w),
    # The admin's own kwargs.
    "app_label": lambda w, r: "annotations",
    "object_id": _admin_object_id,
    "content_type_id": lambda w, r: ContentType.objects.get_for_model(Annotation).pk,
    "id": lambda w, r: w.users["annotator"].pk,
    "url": lambda w, r: "no-such-page/",
}
# (route name, kwarg) -> value, where the kwarg's name alone does not say what it is.
ROUTE_KWARGS: dict[tuple[str, str], Callable[[World], object]] = {
    ("transcripts:detail", "pk"): lambda w: w.transcript.pk,
}
# The same, pointing into the outsider's project: a member of ours must get a 404.
FOREIGN = {
    "transcript_id": lambda w: w.other["transcript"].pk,
    "passage_id": lambda w: w.other["passage"].pk,
    "annotation_id": lambda w: w.other["annotation"].pk,
    "tag_id": lambda w: w.other["tag"].pk,
    "member_id": lambda w: w.other["tag"].project.memberships.first().pk,
    "gold_id": lambda w: _gold_id(w, foreign=True),
}


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str  # the pattern, prefixes joined
    kwargs: tuple[str, ...]
    callback: Callable

    @property
    def id(self) -> str:
        return self.name or self.route

    @property
    def public(self) -> bool:
        return not getattr(self.callback, "login_required", True)

    @property
    def admin(self) -> bool:
        return self.route.startswith("admin/")

    @property
    def scoped(self) -> bool:
        return bool(SCOPED & set(self.kwargs))

    def fill(self, world: World, **overrides) -> str:
        values = {}
        for name in self.kwargs:
            if name in overrides:
                values[name] = overrides[name]
            elif (self.name, name) in ROUTE_KWARGS:
                values[name] = ROUTE_KWARGS[self.name, name](world)
            elif name in KWARGS:
                values[name] = KWARGS[name](world, self)
            else:
                raise UnfillableRoute(self, name)
        return "/" + substitute(self.route, values)


class UnfillableRoute(Exception):
    def __init__(self, route: Route, kwarg: str):
        super().__init__(
            f"URL pattern {route.id!r} ({route.route}) takes a kwarg {kwarg!r} that the security "
            f"sweep cannot fill. Add a fixture for it to KWARGS (or ROUTE_KWARGS) in "
            f"tests/security/sweep.py, and to FOREIGN if it names something inside a project, "
            f"so that your view is checked for every persona."
        )


def substitute(pattern: str, values: dict[str, object]) -> str:
    """Turn a path() route or a re_path() regex into a concrete path."""
    text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), pattern)
    text = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: str(values[m[1]]), text)
    return text.replace("^", "").replace("$", "").replace("\\", "")


def _kwarg_names(pattern) -> tuple[str, ...]:
    return tuple(pattern.regex.groupindex)  # path() compiles its converters to named groups too


def walk(patterns=None, prefix: str = "", namespace: str | None = None, kwargs=()) -> Iterator:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        names = (*kwargs, *_kwarg_names(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in [namespace, entry.namespace] if part) or None
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name, prefix + str(entry.pattern), names, entry.callback)


ROUTES = list(walk())
APP_ROUTES = [route for route in ROUTES if not route.admin]
ADMIN_ROUTES = [route for route in ROUTES if route.admin]


@dataclass
class Form:
    method: str
    action: str  # a path
    fields: dict[str, list[str]] = field(default_factory=dict)  # what submitting it as-is sends
    names: set[str] = field(default_factory=set)  # every named control, filled in or not


class FormReader(HTMLParser):
    """The forms of a page (and lone hx-post elements), as a browser would submit them."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path, self.forms = page_path, []
        self.current = self.select = self.textarea = None

    def _form(self, method: str, action: str | None) -> Form:
        self.forms.append(Form(method.lower(), urlsplit(action or self.page_path).path))
        return self.forms[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = attrs.get("hx-post")
            method = "post" if post else attrs.get("method") or "get"
            self.current = self._form(method, post or attrs.get("action"))
            return
        if tag == "option" and self.select:
            self._option(attrs)
            return
        form = self.current
        if attrs.get("hx-post"):  # an element that posts by itself
            form = self._form("post", attrs["hx-post"])
        elif attrs.get("formaction") and form is not None:
            form = self._form(form.method, attrs["formaction"])
        name = attrs.get("name")
        if form is None or not name or tag not in {"input", "select", "textarea", "button"}:
            return
        form.names.add(name)
        kind = (attrs.get("type") or "text").lower()
        if tag == "select":
            self.select = (form, name, "multiple" in attrs, [])
        elif tag == "textarea":
            self.textarea = (form, name)
            form.fields.setdefault(name, [])
        elif kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                form.fields.setdefault(name, []).append(attrs.get("value") or "on")
        elif tag == "input" and kind not in {"submit", "button", "file", "image", "reset"}:
            form.fields.setdefault(name, []).append(attrs.get("value") or "")

    def _option(self, attrs):
        form, name, multiple, seen = self.select
        seen.append(attrs.get("value", ""))
        if "selected" in attrs:
            chosen = form.fields.setdefault(name, [])
            form.fields[name] = [*chosen, seen[-1]] if multiple else [seen[-1]]

    def handle_data(self, data):
        if self.textarea:
            form, name = self.textarea
            form.fields[name].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            form, name, multiple, seen = self.select
            if not multiple and name not in form.fields and seen:
                form.fields[name] = [seen[0]]  # a browser submits the first option
            self.select = None


def forms_on(html: str, page_path: str) -> list[Form]:
    reader = FormReader(page_path)
    reader.feed(html)
    return reader.forms
