"""Hostile sources: HTML that tries to fetch or expand, re-imports that could drop annotations."""

import socket
import time

import pytest

from annotations.models import Annotation
from transcripts.importers import parse
from transcripts.parsing import ParseError

from ..factories import AnnotationFactory

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE html [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY remote SYSTEM "http://127.0.0.1:9/steal">
  <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css">
<script src="http://127.0.0.1:9/x.js"></script></head>
<body><main><img src="http://127.0.0.1:9/pixel.gif"><iframe src="http://127.0.0.1:9/"></iframe>
<p><b>SECRETARY CLINTON:</b> Thank you &xxe; &remote; &lol3; all.</p>
<p><b>FOREIGN MINISTER LAVROV:</b> We disagree. &amp; &#60;ok&#62;</p>
</main></body></html>"""


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the importer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_html_is_read_without_fetching_or_expanding_entities(no_network):
    started = time.monotonic()
    parsed = parse(XXE, filename="page.html")
    assert time.monotonic() - started < 2  # no billion laughs
    text = " ".join(turn.text for turn in parsed.turns)
    assert "root:" not in text  # /etc/passwd was not read
    assert "lollol" not in text  # declared entities are not expanded
    assert [t.speaker_label for t in parsed.turns] == [
        "SECRETARY CLINTON",
        "FOREIGN MINISTER LAVROV",
    ]
    assert "& <ok>" in text  # HTML's own references still are


@pytest.mark.django_db
def test_reimporting_the_same_text_keeps_every_annotation(project, annotator):
    text = XXE.decode()
    first = project.import_transcript(text, filename="page.html")
    passage = first.transcript.passages.first()
    annotation = AnnotationFactory(passage=passage, tag=project.tags.first(), annotator=annotator)
    again = project.import_transcript(text, filename="page.html")
    assert not again.created and again.transcript == first.transcript
    assert Annotation.objects.get(pk=annotation.pk).passage_id == passage.pk


def test_a_huge_line_is_refused_not_swallowed(settings):
    settings.TRANSCRIPT_MAX_BYTES = 1000
    with pytest.raises(ParseError):
        parse(b"A: " + b"x" * 5000, filename="big.txt")
