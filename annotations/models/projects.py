"""Projects, their members (the one access rule) and their tags."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from transcripts.importers import ImportResult, import_transcript
from transcripts.models import Passage, Transcript

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
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

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
    seen_passages = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True, help_text="Set by “mark as done”.")
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

    def record_seen(self, seen: int, total: int) -> None:
        if seen > self.seen_passages:
            self.seen_passages = min(seen, total)
            self.save(update_fields=["seen_passages", "updated_at"])

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


class Assignment(models.Model):
    """A transcript given to a member to annotate (by hand, or by `Project.distribute`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "transcript", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "transcript", "user"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    def __str__(self):
        return f"{self.transcript} to {self.user}"


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
