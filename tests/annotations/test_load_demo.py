from io import StringIO

import pytest
from django.core.management import call_command

from annotations.models import Project

pytestmark = pytest.mark.django_db


def test_demo_project_holds_the_seed_once(settings):
    settings.DEBUG = False  # no demo login: that is only for the local SQLite file
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)
    assert first.getvalue().startswith('Imported "Clinton / Lavrov press conference')
    assert second.getvalue().startswith("Already there:")
    project = Project.objects.get(slug="demo")
    transcript = project.transcripts.get()
    assert transcript.title == "Clinton / Lavrov press conference, 7 May 2009"
    assert transcript.turns.count() == 15
    names = list(transcript.speakers.values_list("label", "display_name"))
    assert names[:2] == [
        ("SECRETARY CLINTON", "Hillary Rodham Clinton"),
        ("FOREIGN MINISTER LAVROV", "Sergey Lavrov"),
    ]
