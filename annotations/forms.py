"""Forms for the workspace (offsets checked against the passage, targets against the
transcript) and for the export page.

Every lookup is scoped by the project, transcript and membership the view resolved, so an id
from elsewhere is a form error (a 400 with a message), never a row written somewhere else.
"""

from django import forms
from django.contrib.auth import get_user_model

from transcripts.models import Passage

from .export import FORMATS, Selection
from .models import Annotation, Membership, Tag, found_in, quote_of, span_problem

BIGINT_MAX = 2**63 - 1


def whole_number(value) -> int | None:
    # ASCII digits only, and small enough for a bigint column: SQLite raises OverflowError on a
    # larger id in a query (a 500 from a hand-edited URL), and "１２".isdigit() is True too.
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= BIGINT_MAX else None


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that says "not a valid choice" to an id no database column can hold,
    instead of letting the lookup raise OverflowError (SQLite) or ValueError (5,000 digits)."""

    loaded: list | None = None  # the choices, if the request has read them already

    def to_python(self, value):
        if value not in self.empty_values and whole_number(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        if self.loaded is None or value in self.empty_values:
            return super().to_python(value)
        found = next((choice for choice in self.loaded if choice.pk == int(value)), None)
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return found


class TargetMixin:
    """Resolves `target` (an annotation) and `target_passage` within one transcript."""

    def clean_targets(self, passage: Passage | None, annotation: Annotation | None = None):
        data = self.cleaned_data
        target_id, passage_id = data.get("target"), data.get("target_passage")
        data["target"], data["target_passage"] = None, None
        if target_id:
            visible = Annotation.objects.visible_to(self.membership).select_related(
                "passage__turn__speaker", "tag"
            )
            target = visible.filter(pk=target_id, passage__transcript=self.transcript).first()
            found_in(target and target.passage, self.membership.project)
            if target is None:
                self.add_error(None, "The target is not an annotation in this transcript.")
                return
            if annotation is not None and target.pk == annotation.pk:
                self.add_error(None, "An annotation cannot answer itself.")
                return
            data["target"], data["target_passage"] = target, target.passage
        elif passage_id:
            target_passage = self.transcript.passages.filter(pk=passage_id)
            target_passage = found_in(
                target_passage.select_related("turn__speaker").first(), self.membership.project
            )
            if target_passage is None:
                self.add_error(None, "The target passage is not in this transcript.")
                return
            data["target_passage"] = target_passage
        if passage is not None and data["target_passage"] == passage:
            self.add_error(None, "A passage cannot answer itself: pick an earlier passage.")
        tag = data.get("tag")
        if tag is not None and tag.needs_target and data["target_passage"] is None:
            self.add_error(None, f"{tag.name} needs a target: pick what it answers.")


class AnnotationCreateForm(TargetMixin, forms.Form):
    passage = forms.IntegerField()
    tag = IdChoiceField(
        queryset=Tag.objects.none(),
        error_messages={"invalid_choice": "That tag is not one of this project's tags."},
    )
    start = forms.IntegerField(required=False, min_value=0)
    end = forms.IntegerField(required=False, min_value=0)
    target = forms.IntegerField(required=False)
    target_passage = forms.IntegerField(required=False)

    def __init__(self, *args, membership: Membership, transcript, passage=None, **kwargs):
        """`passage`: the posted passage if the view has read it already (its transcript's)."""
        super().__init__(*args, **kwargs)
        self.membership, self.transcript, self.loaded_passage = membership, transcript, passage
        self.fields["tag"].queryset = membership.project.tags.all()
        self.fields["tag"].loaded = membership.project.tag_list()  # shared with the page

    def clean(self):
        data = super().clean()
        passage = None
        if data.get("passage") is not None:
            passage = self.loaded_passage
            if passage is None or passage.pk != data["passage"]:
                found = self.transcript.passages.filter(pk=data["passage"])
                passage = found.select_related("turn__speaker").first()
            passage = found_in(passage, self.membership.project)
            if passage is None:
                self.add_error(None, "That passage is not in this transcript.")
            elif passage.kind != Passage.Kind.SPEECH:
                # Procedure, headings, stage directions: nobody said them, so nothing to tag.
                self.add_error(None, "That passage is not spoken (a heading or procedure): "
                               "only what a speaker said can be tagged.")  # fmt: skip
                passage = None
        data["passage"] = passage
        if passage is not None:
            self.clean_offsets(passage)
        self.clean_targets(passage)
        return data

    def clean_offsets(self, passage: Passage):
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        problem = span_problem(passage.text, start, end)
        if problem:
            self.add_error(None, problem)
        elif not quote_of(passage.text, start, end).strip():
            self.add_error(None, "The selection is only white space.")
        else:
            data["quote"] = quote_of(passage.text, start, end)

    def annotation_fields(self) -> dict:
        data = self.cleaned_data
        keys = ["passage", "tag", "start", "end", "quote", "target", "target_passage"]
        return {key: data[key] for key in keys}


class AnnotationEditForm(TargetMixin, forms.Form):
    """The details panel: tag, note, attributes (from `attr-<name>` fields), target."""

    version = forms.IntegerField(min_value=1)
    tag = IdChoiceField(
        queryset=Tag.objects.none(),
        error_messages={"invalid_choice": "That tag is not one of this project's tags."},
    )
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
    target = forms.IntegerField(required=False)
    target_passage = forms.IntegerField(required=False)

    def __init__(self, *args, membership: Membership, annotation: Annotation, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership, self.annotation = membership, annotation
        self.transcript = annotation.passage.transcript
        self.fields["tag"].queryset = membership.project.tags.all()
        self.fields["tag"].loaded = membership.project.tag_list()  # shared with the page
        self.attribute_errors: dict[str, str] = {}

    def clean(self):
        data = super().clean()
        tag = data.get("tag")
        if tag is not None:
            raw = {key[5:]: value for key, value in self.data.items() if key.startswith("attr-")}
            data["attributes"], self.attribute_errors = tag.clean_attributes(raw)
            for name, message in self.attribute_errors.items():
                label = next(
                    (s.get("label", name) for s in tag.attribute_schema if s["name"] == name), name
                )
                self.add_error(None, f"{label}: {message}")
        self.clean_targets(self.annotation.passage, self.annotation)
        return data

    def changes(self) -> dict:
        data = self.cleaned_data
        keys = ["tag", "note", "attributes", "target", "target_passage"]
        return {key: data[key] for key in keys}


class ExportForm(forms.Form):
    """The export page's choices; the same filters as `export_annotations`."""

    format = forms.ChoiceField(
        choices=[(name, label) for name, (label, _, _) in FORMATS.items()],
        initial="csv",
        widget=forms.RadioSelect,
    )
    transcripts = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text="None = all."
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text="None = all."
    )
    annotators = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        to_field_name="username",
        widget=forms.CheckboxSelectMultiple,
        help_text="None = everyone you can see.",
    )
    statuses = forms.MultipleChoiceField(
        choices=Annotation.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None = all.",
    )
    gold_only = forms.BooleanField(
        required=False,
        label="Gold layer",
        help_text="The curated gold layer instead of the annotators' layers: one row per gold "
        "item, with the annotators it came from (sources).",
    )
    excel = forms.BooleanField(
        required=False,
        label="For Excel",
        help_text="Starts the CSV with a byte-order mark so Excel reads it as UTF-8.",
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        project = membership.project
        # Choices show titles: never load each transcript's source text for them.
        self.fields["transcripts"].queryset = project.transcripts.only("pk", "title").order_by("pk")
        self.fields["tags"].queryset = project.tags.all()
        users = get_user_model().objects.filter(memberships__project=project)
        if not membership.sees_all_annotations():
            users = users.filter(pk=membership.user_id)  # blind: nobody else's name either
        self.fields["annotators"].queryset = users.order_by("username")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("gold_only") and not self.membership.sees_all_annotations():
            self.add_error(
                "gold_only",
                "The gold layer names every annotator's work: while the project is blind, "
                "only its curators can export it.",
            )
        if cleaned.get("excel") and cleaned.get("format") == "jsonl":
            self.add_error("excel", "The byte-order mark is for CSV; JSONL is read as UTF-8.")
        return cleaned

    def selection(self) -> Selection:
        data = self.cleaned_data
        return Selection(
            transcripts=tuple(t.pk for t in data["transcripts"]),
            tags=tuple(t.name for t in data["tags"]),
            annotators=tuple(u.username for u in data["annotators"]),
            statuses=tuple(data["statuses"]),
            gold_only=data["gold_only"],
        )
