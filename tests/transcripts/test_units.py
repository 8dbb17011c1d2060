"""MappedText: a slice of a mapped text keeps each character's source offset. No database."""

from hypothesis import given
from hypothesis import strategies as st

from transcripts.units import MappedText

# (text, exact): exact pieces copy the source verbatim, the others stand for a source range.
pieces = st.lists(st.tuples(st.text(min_size=1, max_size=6), st.booleans()), max_size=12)


def build(parts: list[tuple[str, bool]]) -> MappedText:
    mapped, source = MappedText(), 0
    for number, (text, exact) in enumerate(parts):
        if number % 3 == 2:
            mapped.add(text, None)  # an inserted separator
        elif exact:
            mapped.add(text, source)
        else:
            mapped.add(text, source, exact=False, src_end=source + 1)
        source += len(text) + 1
    return mapped


def spans(mapped: MappedText) -> list:
    return [mapped.source_span(i, i + 1) for i in range(mapped.length)]


@given(pieces, st.integers(0, 80), st.integers(0, 80))
def test_extend_keeps_the_source_of_every_character_of_the_slice(parts, start, end):
    source = build(parts)
    copy = MappedText()
    copy.add("> ", None)  # offsets in the copy are shifted by what was there before
    copy.extend(source, start, min(end, source.length))
    assert copy.text == "> " + source.text[start:end]
    assert spans(copy)[2:] == spans(source)[start:end]


def test_join_is_a_separator_then_an_exact_line():
    joined, added = MappedText(), MappedText()
    joined.add("one", 0)
    joined.join(" ", "two", 4)
    added.add("one", 0)
    added.add(" ", None)
    added.add("two", 4)
    assert (joined.text, spans(joined)) == (added.text, spans(added))
