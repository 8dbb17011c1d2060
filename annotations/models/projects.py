"""Projects, their members (the one access rule) and their tags."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from transcripts.importers import ImportResult, import_transcript
from transcripts.models import Passage, Transcript, count_of

from .. import seen

# A new project starts with these; attributes are rendered as a small form in the workspace.
DEFAULT_TAGS = [
    {
        "name": "Claim",
        "shortcut": "c",
        "colour": "#2f6fdf",
        "needs_target": False,
        "description": "A statement the speaker presents as true, or as what should be done.",
        "attribute_schema": [
            {"name": "type", "label": "Claim type", "choices": ["factual", "evaluative", "policy"]},
        ],
    },
    {
        "name": "Commitment",
        "shortcut": "m",
        "colour": "#1f8a4c",
        "needs_target": False,
        "description": "The speaker binds themselves or their side to a future action.",
        "attribute_schema": [
            {"name": "actor", "label": "Actor"},
            {"name": "action", "label": "Action"},
            {"name": "timeframe", "label": "Timeframe"},
            {"name": "strength", "label": "Strength", "choices": ["firm", "hedged"]},
        ],
    },
    {
        "name": "Disagreement",
        "shortcut": "d",
        "colour": "#c2410c",
        "needs_target": True,
        "description": "Rejects or contests something said earlier; link it to what it answers.",
        "attribute_schema": [
            {
                "name": "kind",
                "label": "Disagreement kind",
                "choices": ["correction", "denial", "counter-claim"],
            },
        ],
    },
]


class ProjectQuerySet(models.QuerySet):
    """The one access rule: which projects a user may open, curate or own.

    Views reach it through `annotations.access.membership_or_404()`, the admin through
    `ProjectScopedAdmin`; nothing else looks memberships up. Superusers count as owners of
    every project, so a project made on the command line is never out of everyone's reach.
    """

    def with_role(self, user, roles):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        mine = Membership.objects.filter(user=user, role__in=roles).values("project")
        return self.filter(pk__in=mine)  # a subquery: never a duplicate row

    def for_user(self, user):
        return self.with_role(user, Membership.Role.values)

    def curated_by(self, user):
        return self.with_role(user, [Membership.Role.CURATOR, Membership.Role.OWNER])

    def owned_by(self, user):
        return self.with_role(user, [Membership.Role.OWNER])


class Project(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Shown on the project page.")
    transcripts = models.ManyToManyField(Transcript, related_name="projects", blank=True)
    blind = models.BooleanField(
        default=True,  # independent layers until a curator reveals them: honest agreement
        help_text="Annotators see only their own annotations (curators see all).",
    )
    anonymise = models.BooleanField(
        default=False,
        help_text="Show other annotators as “Annotator 1, 2, …” in the workspace, for curating "
        "without knowing who is who.",
    )

    class Assigning(models.TextChoices):
        MANUAL = "manual", "By hand (or distributed)"
        DYNAMIC = "dynamic", "Dynamic: annotators ask for work"

    assignment_mode = models.CharField(max_length=10, choices=Assigning, default=Assigning.MANUAL)
    annotators_per_transcript = models.PositiveSmallIntegerField(
        default=2, help_text="Dynamic assignment gives each transcript this many annotators."
    )
    release_after_hours = models.PositiveIntegerField(
        default=24,
        help_text="Dynamic work untouched this long goes back to the pool (0: never released).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annotators_per_transcript__gte=1, annotators_per_transcript__lte=50),
                name="%(app_label)s_%(class)s_annotators_per_transcript",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("annotations:project_detail", args=[self.slug])

    @classmethod
    @transaction.atomic
    def create_with_default_tags(cls, *, slug: str, name: str = "", owner=None, **fields):
        project = cls.objects.create(slug=slug, name=name or slug, **fields)
        Tag.objects.bulk_create(Tag(project=project, **spec) for spec in DEFAULT_TAGS)
        if owner is not None:
            Membership.objects.create(project=project, user=owner, role=Membership.Role.OWNER)
        return project

    def import_transcript(self, data: bytes | str, **options) -> ImportResult:
        """Import a transcript file into this project, unless its text is already here.

        Options are import_transcript()'s. Locking the project row makes two imports of the
        same file into one project queue up, so the second sees the first and skips.
        """
        with transaction.atomic():
            Project.objects.select_for_update().filter(pk=self.pk).exists()
            return import_transcript(
                data, duplicates_in=self.transcripts.all(), link=self.transcripts.add, **options
            )

    def passages(self):
        return Passage.objects.filter(transcript__projects=self)

    def tag_list(self) -> list:
        """The tags in order, read once per loaded project (a form and a page both use them).

        A method, not a property: a template given `project.tag_list` calls it only if it
        renders the tags, so an answer without them does not read them."""
        if self._tag_list is None:
            self._tag_list = list(self.tags.all())
        return self._tag_list

    _tag_list = None

    def membership_of(self, user) -> "Membership | None":
        """The user's membership here; a superuser who is not a member acts as an owner."""
        if not user.is_authenticated:
            return None
        membership = self.memberships.filter(user=user).first()
        if membership is None and user.is_superuser:
            membership = Membership(project=self, user=user, role=Membership.Role.OWNER)
        if membership is not None:
            membership.project = self  # sees_all_annotations() reads it: no second query
        return membership

    @transaction.atomic
    def add_member(self, user, role: str = "annotator") -> "Membership":
        """Add `user` in `role`, or change their role if they are a member already."""
        membership, created = Membership.objects.select_for_update().get_or_create(
            project=self, user=user, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.change_role(role)
        return membership

    def set_blind(self, blind: bool) -> None:
        """Hide the annotators' layers from each other, or reveal them (a curator's call)."""
        self.blind = blind
        self.save(update_fields=["blind"])

    def set_anonymise(self, anonymise: bool) -> None:
        self.anonymise = anonymise
        self.save(update_fields=["anonymise"])

    def set_assignment(self, *, mode: str, per_transcript: int, release_after_hours: int) -> None:
        """How transcripts reach annotators: by hand, or dynamically N per transcript."""
        self.assignment_mode = mode
        self.annotators_per_transcript = per_transcript
        self.release_after_hours = release_after_hours
        self.save(
            update_fields=["assignment_mode", "annotators_per_transcript", "release_after_hours"]
        )

    @property
    def dynamic(self) -> bool:
        return self.assignment_mode == self.Assigning.DYNAMIC

    @property
    def release_after(self) -> timedelta | None:
        return timedelta(hours=self.release_after_hours) if self.release_after_hours else None

    def pseudonyms(self, key: str = "user_id") -> dict:
        """user id (or `key="user__username"`) -> “Annotator n”, numbered in the order people
        joined, so adding a member never renumbers the others. One query; the workspace and
        the agreement page share it, so “Annotator 2” is the same person on both."""
        joined = self.memberships.order_by("pk").values_list(key, flat=True)
        return {who: f"Annotator {n}" for n, who in enumerate(joined, start=1)}

    def role_of(self, user) -> str | None:
        membership = self.membership_of(user)
        return membership.role if membership else None


class Membership(models.Model):
    class Role(models.TextChoices):
        ANNOTATOR = "annotator"
        CURATOR = "curator"
        OWNER = "owner"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.ANNOTATOR)

    class Meta:
        ordering = ["project", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], name="%(app_label)s_%(class)s_one_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) in {self.project}"

    RANK = {Role.ANNOTATOR: 0, Role.CURATOR: 1, Role.OWNER: 2}

    class LastOwner(Exception):
        """A project always keeps one owner: the one who can add others and delete it."""

    def change_role(self, role: str) -> None:
        with transaction.atomic():
            if self.role == self.Role.OWNER and role != self.Role.OWNER:
                self._refuse_if_last_owner("change the role of")
            self.role = role
            self.save(update_fields=["role"])

    def remove(self) -> None:
        with transaction.atomic():
            if self.role == self.Role.OWNER:
                self._refuse_if_last_owner("remove")
            self.delete()

    def _refuse_if_last_owner(self, verb: str) -> None:
        # Lock the project's owner rows, so two owners demoting each other cannot both win.
        owners = Membership.objects.select_for_update().filter(
            project_id=self.project_id, role=self.Role.OWNER
        )
        if [m.pk for m in owners] == [self.pk]:
            raise self.LastOwner(
                f"Cannot {verb} {self.user}: they are the project's last owner. "
                "Make someone else an owner first."
            )

    def has_role(self, role: str) -> bool:
        """At least `role`: an owner may do what a curator may, a curator what an annotator may."""
        return self.RANK[self.role] >= self.RANK[role]

    @property
    def can_curate(self) -> bool:
        return self.has_role(self.Role.CURATOR)

    @property
    def can_manage(self) -> bool:
        return self.has_role(self.Role.OWNER)

    def sees_all_annotations(self) -> bool:
        return self.can_curate or not self.project.blind


class Tag(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)
    colour = models.CharField(max_length=7, default="#555555", help_text="Hex colour, #rrggbb.")
    shortcut = models.CharField(max_length=1, help_text="One lower-case letter for the keyboard.")
    description = models.TextField(blank=True, help_text="The guideline shown to annotators.")
    needs_target = models.BooleanField(
        default=False, help_text="Annotations with this tag must point at what they answer."
    )
    attribute_schema = models.JSONField(
        default=list,
        blank=True,
        help_text='List of {"name", "label", "choices"?}: free text when there are no choices.',
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"], name="%(app_label)s_%(class)s_name"
            ),
            models.UniqueConstraint(
                fields=["project", "shortcut"], name="%(app_label)s_%(class)s_shortcut"
            ),
            models.CheckConstraint(
                condition=Q(shortcut__regex=r"^[a-z]$"),
                name="%(app_label)s_%(class)s_shortcut_letter",
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="%(app_label)s_%(class)s_colour_hex",
            ),
        ]

    def __str__(self):
        return self.name

    def clean_attributes(self, data: dict) -> tuple[dict, dict[str, str]]:
        """Keep the attributes this tag defines; return (cleaned, errors by attribute name)."""
        cleaned, errors = {}, {}
        for spec in self.attribute_schema:
            value = str(data.get(spec["name"], "") or "").strip()
            if not value:
                continue
            if len(value) > 500:
                errors[spec["name"]] = "at most 500 characters"
            elif spec.get("choices") and value not in spec["choices"]:
                errors[spec["name"]] = f"choose one of: {', '.join(spec['choices'])}"
            else:
                cleaned[spec["name"]] = value
        return cleaned, errors


class Progress(models.Model):
    """How far one annotator got through one transcript of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress")
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress"
    )
    seen_passages = models.PositiveIntegerField(
        default=0, help_text="Spoken passages shown on the annotator's screen."
    )
    seen_ranges = models.JSONField(
        default=list,
        blank=True,
        help_text="Positions of the passages shown on screen, as [first, last] ranges.",
    )
    done_at = models.DateTimeField(null=True, blank=True, help_text="Set by “mark as done”.")
    # Kept by the annotation write layer in each write's transaction (counters.py): the
    # workspace reads them instead of counting the transcript's annotations on every action.
    annotation_count = models.IntegerField(
        default=0, editable=False, help_text="The annotator's annotations on this transcript."
    )
    tagged_passages = models.IntegerField(
        default=0, editable=False, help_text="Passages with at least one of their annotations."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "progress"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "transcript", "user"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.transcript}"

    class Reviewed(Exception):
        """A curator has reviewed some of this work: it can no longer be reopened."""

    @transaction.atomic
    def record_seen(self, ranges: list[tuple[int, int]]) -> None:
        """Merge the positions just shown on screen into those seen before, and recount.

        Ranges are kept merged ([[0, 40], [97, 120]]), so the row stays small however long the
        transcript; the count is of spoken passages, the figure the progress bar shows.
        """
        # Two reports at once must not both count the same passages: re-read under a lock.
        locked = Progress.objects.select_for_update().only("seen_ranges", "seen_passages")
        fresh = locked.get(pk=self.pk)
        self.seen_ranges, self.seen_passages = fresh.seen_ranges, fresh.seen_passages
        added = seen.subtract(ranges, self.seen_ranges)
        if not added:
            return
        # Only the new positions are counted: a report is a screenful, the query stays small.
        shown = Q()
        for first, last in added[:50]:
            shown |= Q(position__range=(first, last))
        speech = Passage.objects.filter(transcript_id=self.transcript_id, kind=Passage.Kind.SPEECH)
        self.seen_ranges = seen.merge_ranges(self.seen_ranges, added[:50])
        self.seen_passages += speech.filter(shown).count()
        self.save(update_fields=["seen_ranges", "seen_passages", "updated_at"])

    def mine(self):
        from .annotation import Annotation  # annotation.py imports this module

        return Annotation.objects.in_project(self.project).filter(
            annotator_id=self.user_id, passage__transcript_id=self.transcript_id
        )

    @transaction.atomic
    def mark_done(self) -> int:
        """Submit: the annotator's drafts on this transcript go to the curators; how many."""
        drafts = self.mine().filter(status="draft")
        submitted = drafts.review("submitted", by=self.user, reviewing=False)
        self.done_at = timezone.now()
        self.save(update_fields=["done_at", "updated_at"])
        return submitted

    @transaction.atomic
    def reopen(self) -> int:
        """Back to work, while no curator has reviewed any of it: submitted becomes draft again."""
        if self.mine().reviewed().exists():
            raise self.Reviewed(
                "A curator has already reviewed some of your annotations on this transcript, "
                "so it stays done; ask a curator if something must change."
            )
        reopened = self.mine().submitted().review("draft", by=self.user, reviewing=False)
        self.done_at = None
        self.save(update_fields=["done_at", "updated_at"])
        return reopened


class AssignmentQuerySet(models.QuerySet):
    def done(self):
        finished = Progress.objects.filter(
            project_id=OuterRef("project_id"),
            transcript_id=OuterRef("transcript_id"),
            user_id=OuterRef("user_id"),
            done_at__isnull=False,
        )
        return self.filter(Exists(finished))

    def open(self):
        return self.exclude(pk__in=self.done().values("pk"))

    def with_touched(self):
        """`touched`: the latest of its start, a progress report and an annotation on it."""
        from .annotation import Annotation  # annotation.py imports this module

        progress = Progress.objects.filter(
            Q(seen_passages__gt=0) | Q(done_at__isnull=False),  # a report, not only counters
            project_id=OuterRef("project_id"),
            transcript_id=OuterRef("transcript_id"),
            user_id=OuterRef("user_id"),
        ).values("updated_at")[:1]
        latest = (
            Annotation.objects.filter(
                tag__project_id=OuterRef("project_id"),
                passage__transcript_id=OuterRef("transcript_id"),
                annotator_id=OuterRef("user_id"),
            )
            .order_by()
            .values("annotator_id")
            .annotate(at=Max("updated_at"))
            .values("at")
        )
        return self.annotate(
            touched=Greatest(
                F("assigned_at"),
                Coalesce(Subquery(progress), F("assigned_at")),
                Coalesce(Subquery(latest), F("assigned_at")),
            )
        )

    def stale(self, project, now=None):
        """Dynamic work nobody has touched for the project's release time, not yet done."""
        if project.release_after is None:
            return self.none()
        cutoff = (now or timezone.now()) - project.release_after
        return (
            self.filter(project=project, dynamic=True)
            .open()
            .with_touched()
            .filter(touched__lt=cutoff)
        )


class Assignment(models.Model):
    """A transcript given to a member to annotate: by hand, by `distribute`, or by `get_work`."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    dynamic = models.BooleanField(
        default=False, help_text="Taken through “Get work”: released when left untouched."
    )
    slot = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Dynamic work: which of the transcript's N places it takes (1..N).",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["project", "transcript", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "transcript", "user"], name="%(app_label)s_%(class)s_unique"
            ),
            # Two annotators asking at once compute the same free place: one of them loses.
            models.UniqueConstraint(
                fields=["project", "transcript", "slot"], name="%(app_label)s_%(class)s_slot"
            ),
        ]

    def __str__(self):
        return f"{self.transcript} to {self.user}"

    def release_due(self, project, touched) -> "timezone.datetime | None":
        """When this work goes back to the pool if left alone (None: never)."""
        if not self.dynamic or project.release_after is None:
            return None
        return touched + project.release_after


def release_stale(project: Project, now=None) -> int:
    """Give untouched dynamic work back to the pool; annotations and progress stay."""
    stale = Assignment.objects.stale(project, now=now).values_list("pk", flat=True)
    released, _ = Assignment.objects.filter(pk__in=list(stale)).delete()
    return released


def get_work(project: Project, user, now=None) -> "Assignment | None":
    """The annotator's transcript in progress, else the next one that needs an annotator.

    “Needs”: fewer than N people have it assigned or have marked it done. Transcripts in id
    order, so two annotators asking in turn get predictable answers. The project row is
    locked (PostgreSQL) and each taker claims a numbered place (a unique constraint), so two
    asking at once never give a transcript more than N.
    """
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Project.objects.select_for_update().filter(pk=project.pk).exists()
                release_stale(project, now=now)
                return _claim(project, user)
        except IntegrityError:
            continue  # someone took that place a moment ago: look again
    return None


def _claim(project: Project, user) -> "Assignment | None":
    mine = Assignment.objects.filter(project=project, user=user).open()
    current = mine.order_by("transcript_id").first()
    if current is not None:
        return current
    assignments = Assignment.objects.filter(project=project)
    done = Progress.objects.filter(project=project, done_at__isnull=False)
    done_unassigned = done.exclude(
        user_id__in=assignments.filter(transcript_id=OuterRef("transcript_id")).values("user_id")
    )
    candidate = (
        project.transcripts.exclude(pk__in=done.filter(user=user).values("transcript_id"))
        .exclude(pk__in=assignments.filter(user=user).values("transcript_id"))
        .annotate(
            taken=count_of(assignments, outer="transcript")
            + count_of(done_unassigned, outer="transcript")
        )
        .filter(taken__lt=project.annotators_per_transcript)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if candidate is None:
        return None
    used = set(assignments.filter(transcript_id=candidate).values_list("slot", flat=True))
    slot = next(n for n in range(1, len(used) + 2) if n not in used)
    return Assignment.objects.create(
        project=project, transcript_id=candidate, user=user, dynamic=True, slot=slot
    )


def distribute(project: Project, per_transcript: int) -> int:
    """Give each transcript `per_transcript` annotators, balanced and deterministic.

    Transcripts in id order; each goes to the annotators with the fewest assignments so far
    (ties by username), skipping anyone it is already assigned to. Returns how many were added.
    """
    annotators = list(
        project.memberships.filter(role=Membership.Role.ANNOTATOR)
        .select_related("user")
        .order_by("user__username")
    )
    load = {m.user_id: 0 for m in annotators}
    have: dict[int, set[int]] = {}
    for transcript_id, user_id in project.assignments.values_list("transcript_id", "user_id"):
        have.setdefault(transcript_id, set()).add(user_id)
        if user_id in load:
            load[user_id] += 1
    order = {m.user_id: n for n, m in enumerate(annotators)}
    new = []
    for transcript_id in project.transcripts.order_by("pk").values_list("pk", flat=True):
        given = have.get(transcript_id, set())
        free = [u for u in load if u not in given]
        free.sort(key=lambda u: (load[u], order[u]))
        for user_id in free[: max(0, per_transcript - len(given & set(load)))]:
            new.append(Assignment(project=project, transcript_id=transcript_id, user_id=user_id))
            load[user_id] += 1
    Assignment.objects.bulk_create(new)
    return len(new)
