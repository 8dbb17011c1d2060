from django import forms
from django.contrib.auth import get_user_model

from .export import FORMATS, Selection
from .models import Annotation


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
        required=False, label="Gold only", help_text="Only accepted annotations."
    )
    excel = forms.BooleanField(
        required=False,
        label="For Excel",
        help_text="Starts the CSV with a byte-order mark so Excel reads it as UTF-8.",
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        project = membership.project
        self.fields["transcripts"].queryset = project.transcripts.order_by("pk")
        self.fields["tags"].queryset = project.tags.all()
        users = get_user_model().objects.filter(memberships__project=project)
        if not membership.sees_all_annotations():
            users = users.filter(pk=membership.user_id)  # blind: nobody else's name either
        self.fields["annotators"].queryset = users.order_by("username")

    def clean(self):
        cleaned = super().clean()
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
