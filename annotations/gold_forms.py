"""The curator's own gold item: span, tag, attributes from the tag's schema, target in gold.

Offsets are checked against the passage and the quote is recomputed from them (never typed);
the target is a gold item of the same transcript said before this passage, or a passage of it.
"""

from django import forms

from .forms import IdChoiceField, whole_number
from .models import GoldAnnotation, Tag

TARGET_CHOICES = 60  # the gold items said just before the passage: a short select, not thousands


class GoldForm(forms.Form):
    tag = IdChoiceField(
        queryset=Tag.objects.none(),
        error_messages={"invalid_choice": "That tag is not one of this project's tags."},
    )
    start = forms.IntegerField(
        required=False, min_value=0, help_text="Blank start and end: the whole passage."
    )
    end = forms.IntegerField(required=False, min_value=0)
    target = forms.ChoiceField(required=False, label="Answers (gold item)")
    target_passage = forms.CharField(
        required=False,
        label="…or passage number",
        help_text="For a link to a passage nobody tagged.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project, passage, gold=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project, self.passage, self.gold = project, passage, gold
        self.tags = list(project.tags.all())
        self.fields["tag"].queryset = project.tags.all()
        earlier = (
            GoldAnnotation.objects.filter(
                project=project,
                passage__transcript_id=passage.transcript_id,
                passage__position__lte=passage.position,
            )
            .exclude(pk=getattr(gold, "pk", None))
            .select_related("tag", "passage")
            .order_by("-passage__position", "-pk")[:TARGET_CHOICES]
        )
        self.fields["target"].choices = [("", "— none —")] + [
            (str(g.pk), f"{g.tag.name} · passage {g.passage.position + 1}: {g.quote[:50]}")
            for g in earlier
        ]
        for spec in attribute_specs(self.tags):
            field = (
                forms.ChoiceField(choices=[("", "—"), *[(c, c) for c in spec["choices"]]])
                if spec["choices"]
                else forms.CharField(max_length=500)
            )
            field.required, field.label = False, f"{spec['label']} ({', '.join(spec['tags'])})"
            self.fields[f"attr_{spec['name']}"] = field

    def attribute_fields(self):
        return [self[name] for name in self.fields if name.startswith("attr_")]

    def clean(self):
        data = super().clean()
        start, end, text = data.get("start"), data.get("end"), self.passage.text
        if (start is None) != (end is None):
            self.add_error("end", "Give both start and end, or neither for the whole passage.")
        elif start is not None and not 0 <= start < end <= len(text):
            self.add_error(
                "end", f"The span must lie within the passage: 0 ≤ start < end ≤ {len(text)}."
            )
        tag = data.get("tag")
        if tag is not None:
            raw = {key[5:]: value for key, value in data.items() if key.startswith("attr_")}
            data["attributes"], errors = tag.clean_attributes(raw)
            for name, error in errors.items():
                self.add_error(f"attr_{name}", error)
        data["target_gold"], data["target_passage_obj"] = self.resolve_target(data)
        return data

    def resolve_target(self, data):
        if data.get("target"):
            target = GoldAnnotation.objects.filter(
                project=self.project,
                pk=whole_number(data["target"]),
                passage__transcript_id=self.passage.transcript_id,
            ).first()
            if target is None:
                self.add_error("target", "Not a gold item of this transcript.")
                return None, None
            return target, target.passage
        number = whole_number(data.get("target_passage"))
        if data.get("target_passage") and number is None:
            self.add_error("target_passage", "A passage number, e.g. 12.")
        if number:
            passage = self.passage.transcript.passages.filter(position=number - 1).first()
            if passage is None:
                self.add_error("target_passage", f"This transcript has no passage {number}.")
            return None, passage
        if data.get("tag") is not None and data["tag"].needs_target:
            self.add_error("target", f"A {data['tag'].name} must point at what it answers.")
        return None, None

    def gold_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "passage": self.passage,
            "tag": data["tag"],
            "start": data["start"],
            "end": data["end"],
            "attributes": data["attributes"],
            "target": data["target_gold"],
            "target_passage": data["target_passage_obj"],
            "note": data["note"],
        }


def attribute_specs(tags: list[Tag]) -> list[dict]:
    """Attributes across the project's tags, one field per name (tags sharing it listed)."""
    specs: dict[str, dict] = {}
    for tag in tags:
        for spec in tag.attribute_schema or []:
            entry = specs.setdefault(
                spec["name"],
                {
                    "name": spec["name"],
                    "label": spec.get("label", spec["name"]),
                    "choices": [],
                    "tags": [],
                },
            )
            entry["tags"].append(tag.name)
            for choice in spec.get("choices") or []:
                if choice not in entry["choices"]:
                    entry["choices"].append(choice)
    return list(specs.values())


def initial_from(source) -> dict:
    """Form values copied from an annotation or a gold item (to correct it into gold)."""
    initial = {
        "tag": source.tag_id,
        "start": source.start,
        "end": source.end,
        "note": source.note,
    }
    if isinstance(source, GoldAnnotation) and source.target_id:
        initial["target"] = str(source.target_id)
    elif source.target_passage_id:
        initial["target_passage"] = str(source.target_passage.position + 1)
    for name, value in (source.attributes or {}).items():
        initial[f"attr_{name}"] = value
    return initial
