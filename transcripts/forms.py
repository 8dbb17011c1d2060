"""The import form: a file or pasted text, then the fixes a user makes in the preview."""

from django import forms
from django.conf import settings

from .parsing import FORMATS, human_size
from .readers.shapes import SHAPES

MAX_LINE_FIXES = 200
MAX_FILES = 20  # one upload; each file is also held to TRANSCRIPT_MAX_BYTES
FORMAT_CHOICES = [("auto", "Detect from the file"), *((name, name.upper()) for name in FORMATS)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class TranscriptImportForm(forms.Form):
    file = MultipleFileField(
        required=False,
        help_text="Text, Markdown, HTML, TEI or ParlParse XML, SRT, WebVTT, JSON or CSV/TSV; "
        "several files at once are previewed together.",
    )
    text = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 5}), label="Or paste text"
    )
    filename = forms.CharField(required=False, widget=forms.HiddenInput)
    format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="auto", required=False)
    monologue_speaker = forms.CharField(
        required=False,
        max_length=200,
        label="Speaker of the monologue",
        help_text="When nobody is labelled, the whole text becomes one turn of this speaker.",
    )
    speaker_pattern = forms.ChoiceField(
        required=False,
        choices=[("", "Learn it from the file"), *((s.name, s.description) for s in SHAPES)],
        help_text="How speaker labels are written; the preview offers the likely ones.",
    )
    # Set from the preview; blank keeps what was detected.
    title = forms.CharField(required=False, max_length=300)
    date = forms.DateField(required=False, help_text="YYYY-MM-DD")
    content_hash = forms.CharField(required=False, widget=forms.HiddenInput)
    # The preview's parse, kept on the server: the confirm names it instead of sending the file.
    staged = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_format(self):
        return self.cleaned_data["format"] or "auto"

    def clean(self):
        cleaned = super().clean()
        uploads, text = cleaned.get("file") or [], cleaned.get("text") or ""
        if cleaned.get("staged") and self.data.get("action") == "confirm":
            return cleaned  # what the preview parsed is imported; a file sent again is ignored
        if uploads and text.strip():
            raise forms.ValidationError("Choose a file or paste text, not both.")
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(f"Choose at most {MAX_FILES} files at once.")
        limit = settings.TRANSCRIPT_MAX_BYTES
        for upload in uploads:
            if upload.size > limit:
                raise forms.ValidationError(
                    f"{upload.name}: the file is {human_size(upload.size)}, over the "
                    f"{human_size(limit)} limit."
                )
        if len(uploads) > 1:
            cleaned["uploads"] = [(upload.name, upload.read()) for upload in uploads]
        elif uploads:
            cleaned["data"], cleaned["filename"] = uploads[0].read(), uploads[0].name
        elif text.strip():
            cleaned["data"] = text
        else:
            raise forms.ValidationError("Choose a file or paste the transcript's text.")
        return cleaned

    def line_fixes(self) -> dict[int, str | None]:
        """The preview's choices for unlabelled lines: `line_<n>` = "drop" or "to:<speaker>"."""
        fixes: dict[int, str | None] = {}
        for key, value in self.data.items():
            number = key.removeprefix("line_")
            if key == number or not number.isdigit() or len(fixes) >= MAX_LINE_FIXES:
                continue
            if value == "drop":
                fixes[int(number)] = None
            elif value.startswith("to:") and (speaker := " ".join(value[3:].split())[:200]):
                fixes[int(number)] = speaker
        return fixes

    def speaker_names(self, labels: list[str]) -> dict[str, str]:
        """Display names typed in the preview, one input per detected speaker, in order."""
        return {label: self.data.get(f"speaker_{index}", "") for index, label in enumerate(labels)}
