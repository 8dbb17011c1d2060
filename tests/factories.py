"""One factory per model, with realistic defaults (offsets that match the text)."""

import hashlib

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from annotations.models import Annotation, AnnotationEvent, Membership, Progress, Project, Tag
from transcripts.models import Passage, Speaker, Transcript, Turn

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"analyst{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(user, create, extracted, **kwargs):
        if create:
            user.save()


class TranscriptFactory(DjangoModelFactory):
    class Meta:
        model = Transcript

    title = factory.Sequence(lambda n: f"Press conference {n}")
    date = factory.Faker("date_object")
    source_name = "US Department of State"
    original_text = factory.Sequence(lambda n: f"SECRETARY CLINTON: Good afternoon ({n}).")
    content_hash = factory.LazyAttribute(
        lambda t: hashlib.sha256(t.original_text.encode()).hexdigest()
    )


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    transcript = factory.SubFactory(TranscriptFactory)
    label = factory.Sequence(lambda n: f"SPEAKER {n}")
    position = factory.Sequence(lambda n: n)


class TurnFactory(DjangoModelFactory):
    class Meta:
        model = Turn

    transcript = factory.SubFactory(TranscriptFactory)
    speaker = factory.SubFactory(SpeakerFactory, transcript=factory.SelfAttribute("..transcript"))
    position = factory.Sequence(lambda n: n)
    text = "We had serious and open exchanges. Our negotiators are hard at work."


class PassageFactory(DjangoModelFactory):
    """A sentence of its turn: by default the turn's first sentence, offsets matching."""

    class Meta:
        model = Passage

    turn = factory.SubFactory(TurnFactory)
    transcript = factory.SelfAttribute("turn.transcript")
    position = factory.Sequence(lambda n: n)
    start = 0
    text = factory.LazyAttribute(lambda p: p.turn.text[p.start :].split(". ")[0].rstrip(".") + ".")
    end = factory.LazyAttribute(lambda p: p.start + len(p.text))


SAMPLE_TURNS = [
    (
        "SECRETARY CLINTON",
        False,
        ["Well, good afternoon.", "We're making progress on our agendas."],
    ),
    (
        "FOREIGN MINISTER LAVROV",
        True,
        ["Thank you very much.", "(Laughter.)", "We disagree on Georgia."],
    ),
    ("QUESTION", False, ["Madam Secretary, what about the U.S. position on Iran?"]),
]


class TranscriptWithTurnsFactory(TranscriptFactory):
    """A small transcript: three turns of two speakers and a questioner, one interpreted."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def turns(transcript, create, extracted, **kwargs):
        if not create:
            return
        speakers, position = {}, 0
        for index, (label, interpreted, sentences) in enumerate(SAMPLE_TURNS):
            if label not in speakers:
                speakers[label] = Speaker.objects.create(
                    transcript=transcript, label=label, position=len(speakers)
                )
            text = " ".join(sentences)
            turn = Turn.objects.create(
                transcript=transcript,
                position=index,
                speaker=speakers[label],
                interpreted=interpreted,
                text=text,
            )
            offset = 0
            for sentence in sentences:
                Passage.objects.create(
                    transcript=transcript,
                    turn=turn,
                    position=position,
                    kind=Passage.Kind.STAGE if sentence.startswith("(") else Passage.Kind.SPEECH,
                    text=sentence,
                    start=offset,
                    end=offset + len(sentence),
                )
                offset += len(sentence) + 1
                position += 1


class ProjectFactory(DjangoModelFactory):
    """A project with the three default tags, as every new project has."""

    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.LazyAttribute(lambda p: p.slug.replace("-", " ").title())
    blind = False  # most tests are about an open project; new projects in the app are blind

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.create_with_default_tags(*args, **kwargs)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.ANNOTATOR


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Tag {n}")
    shortcut = factory.Iterator("xyzqwertghkl")
    colour = "#7a3fbf"


class AnnotationFactory(DjangoModelFactory):
    class Meta:
        model = Annotation

    passage = factory.SubFactory(PassageFactory)
    tag = factory.SubFactory(TagFactory)
    annotator = factory.SubFactory(UserFactory)
    start = None
    end = None
    quote = factory.LazyAttribute(
        lambda a: a.passage.text if a.start is None else a.passage.text[a.start : a.end]
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # An annotation's passage must be in its tag's project (Annotation.save checks).
        project = kwargs["tag"].project
        project.transcripts.add(kwargs["passage"].transcript)
        if kwargs.get("target_passage") is not None:
            project.transcripts.add(kwargs["target_passage"].transcript)
        return super()._create(model_class, *args, **kwargs)


class ProgressFactory(DjangoModelFactory):
    class Meta:
        model = Progress

    project = factory.SubFactory(ProjectFactory)
    transcript = factory.SubFactory(TranscriptFactory)
    user = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The annotator's first annotation there has made the row already (its counters).
        key = {name: kwargs.pop(name) for name in ("project", "transcript", "user")}
        return model_class.objects.update_or_create(**key, defaults=kwargs)[0]


class AnnotationEventFactory(DjangoModelFactory):
    class Meta:
        model = AnnotationEvent

    annotation = factory.SubFactory(AnnotationFactory)
    project = factory.SelfAttribute("annotation.tag.project")
    transcript = factory.SelfAttribute("annotation.passage.transcript")
    user = factory.SelfAttribute("annotation.annotator")
    action = AnnotationEvent.Action.CREATE
