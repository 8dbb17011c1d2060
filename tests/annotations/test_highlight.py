from annotations.highlight import Span, segments


def test_no_spans_is_one_plain_segment():
    assert [(s.text, s.keys) for s in segments("We disagree.", [])] == [("We disagree.", ())]


def test_overlapping_spans_cut_the_text_and_stack():
    text = "We disagree on Georgia."
    result = segments(text, [Span(0, 11, 1), Span(3, 23, 2), Span(None, None, 3)])
    assert "".join(s.text for s in result) == text
    assert [(s.text, s.keys) for s in result] == [
        ("We ", (3, 1)),
        ("disagree", (3, 2, 1)),
        (" on Georgia.", (3, 2)),
    ]


def test_spans_outside_the_text_are_clipped_not_trusted():
    result = segments("Yes.", [Span(2, 99, 1), Span(50, 60, 2)])
    assert [(s.text, s.keys) for s in result] == [("Ye", ()), ("s.", (1,))]
