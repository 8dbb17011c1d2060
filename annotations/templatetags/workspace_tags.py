"""Template helpers for the workspace: highlighted passage text, speaker colours."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..highlight import Span, segments

register = template.Library()

SPEAKER_COLOURS = 8  # parley.css defines .speaker-0 … .speaker-7


@register.filter
def by_whom(annotation, names) -> str:
    """Who made it: their username, or “Annotator n” when the project anonymises layers."""
    if names is None:
        return str(annotation.annotator)
    return names.get(annotation.annotator_id, "a former member")


@register.simple_tag
def highlighted(passage) -> SafeString:
    """The passage text exactly (offsets index into it), its tagged stretches wrapped in <mark>.

    Expects `passage.shown` (the visible annotations, prefetched by the view). No white space is
    added between pieces: the browser's text must equal `passage.text` for offsets to hold.
    """
    shown = getattr(passage, "shown", [])
    spans = [Span(a.start, a.end, a.pk) for a in shown]
    tag_of = {a.pk: a.tag_id for a in shown}
    pieces = []
    for piece in segments(passage.text, spans):
        if not piece.keys:
            pieces.append(format_html("{}", piece.text))
            continue
        depth = min(len(piece.keys), 3)
        pieces.append(
            format_html(
                '<mark class="hl tag-{} depth-{}" data-annotations="{}">{}</mark>',
                tag_of[piece.keys[-1]],
                depth,
                " ".join(str(key) for key in piece.keys),
                piece.text,
            )
        )
    return format_html_join("", "{}", ((p,) for p in pieces))


@register.filter
def speaker_colour(speaker) -> str:
    return f"speaker-{speaker.position % SPEAKER_COLOURS}"


@register.filter
def clock(seconds) -> str:
    """Seconds as the source's clock: 1234.5 → "20:34", 52200 → "14:30:00"; "" when unknown."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
