"""The admin's annotation form: attributes from the tag's schema, targets within the transcript,
and the version the curator saw, so a save over a newer edit is refused rather than lost."""

from urllib.parse import urlencode

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect

from ..forms import TargetMixin
from ..models import Annotation, StaleAnnotation

EDITED = ["tag", "start", "end", "target", "target_passage", "note", "status"]


def attribute_fields(tag) -> dict[str, forms.Field]:
    """One form field per attribute of `tag`'s schema: a choice, or free text."""
    fields = {}
    for spec in tag.attribute_schema if tag else []:
        label = spec.get("label", spec["name"])
        if spec.get("choices"):
            choices = [("", "—"), *((choice, choice) for choice in spec["choices"])]
            field = forms.ChoiceField(choices=choices, required=False, label=label)
        else:
            field = forms.CharField(max_length=500, required=False, label=label)
        fields[f"attr_{spec['name']}"] = field
    return fields


class WithinTranscript(AutocompleteSelect):
    """An autocomplete that searches one transcript (the annotation's), not the whole table.

    The admin's autocomplete view passes the query string on to the searched admin's
    `get_search_results`, where SearchesWithinTranscript narrows to this transcript.
    """

    def __init__(self, field, admin_site, transcript_id: int, exclude: int | None = None):
        super().__init__(field, admin_site)
        self.query = {"within_transcript": transcript_id}
        if exclude is not None:
            self.query["exclude"] = exclude

    def get_url(self):
        return f"{super().get_url()}?{urlencode(self.query)}"


class AnnotationAdminForm(TargetMixin, forms.ModelForm):
    """Passage, annotator and quote are not typed here (the quote follows from the offsets);
    the admin declares one `attr_<name>` field per attribute of the annotation's tag."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = None  # set by the admin: who edits (their membership scopes the target)

    class Meta:
        model = Annotation
        fields = ["passage", "tag", "annotator", *EDITED[1:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before = {}
        if self.instance.pk:  # before the form's cleaning writes into the instance
            self.fields["seen_version"].initial = self.instance.version
            self.before = {name: getattr(self.instance, name) for name in EDITED}
            self.before["attributes"] = dict(self.instance.attributes)
            for name, value in self.instance.attributes.items():
                if f"attr_{name}" in self.fields:
                    self.fields[f"attr_{name}"].initial = value

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            self.check_version(data.get("seen_version"))
        tag = data.get("tag")
        passage = self.instance.passage if self.instance.pk else data.get("passage")
        if tag is None or passage is None:
            return data
        data["attributes"] = self.clean_attributes(tag)
        self.membership = tag.project.membership_of(self.user)
        self.transcript = passage.transcript
        for name in ("target", "target_passage"):  # TargetMixin looks the ids up, scoped
            data[name] = data[name].pk if data.get(name) else None
        self.clean_targets(passage, self.instance if self.instance.pk else None)
        return data

    def check_version(self, seen: int | None) -> None:
        current = Annotation.objects.filter(pk=self.instance.pk).values("version").first()
        if current and current["version"] != seen:
            stale = StaleAnnotation.about(self.instance.pk, Annotation(**current))
            raise forms.ValidationError(
                f"Not saved: {stale} Reload the page to see the change, then edit again."
            )

    def clean_attributes(self, tag) -> dict:
        """The tag's attributes from the `attr_` fields; on the same tag, attributes the schema
        no longer names are kept (loss-free), on a new tag only the new tag's."""
        raw = {
            spec["name"]: self.data.get(self.add_prefix(f"attr_{spec['name']}"), "")
            for spec in tag.attribute_schema
        }
        cleaned, errors = tag.clean_attributes(raw)
        for name, message in errors.items():
            field = f"attr_{name}" if f"attr_{name}" in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, message if field else f"{name}: {message}")
        if not self.before or tag.pk != self.before["tag"].pk:
            return cleaned
        defined = {spec["name"] for spec in tag.attribute_schema}
        kept = {k: v for k, v in self.before["attributes"].items() if k not in defined}
        return kept | cleaned

    def changes(self) -> dict:
        """What this save changes, as apply_change() takes it; empty if nothing."""
        data = self.cleaned_data
        after = {name: data.get(name) for name in EDITED} | {"attributes": data["attributes"]}
        return {
            name: value
            for name, value in after.items()
            if getattr(value, "pk", value) != getattr(self.before[name], "pk", self.before[name])
        }
