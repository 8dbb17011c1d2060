"""`make run` calls this: a demo project holding the seed transcript, and a local demo login."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from annotations.models import Membership, Project

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "parley-demo"
DEMO_SLUG = "demo"
SEED_PATH = settings.BASE_DIR / "demo" / "clinton-lavrov-2009-05-07.txt"
SEED_SPEAKERS = {
    "SECRETARY CLINTON": "Hillary Rodham Clinton",
    "FOREIGN MINISTER LAVROV": "Sergey Lavrov",
    "QUESTION": "Questioners",
}


class Command(BaseCommand):
    help = "Create the demo project with the seed transcript (and a demo login on local SQLite)."

    @transaction.atomic
    def handle(self, *args, **options):
        project = Project.objects.filter(slug=DEMO_SLUG).first()
        if project is None:
            project = Project.create_with_default_tags(
                slug=DEMO_SLUG,
                name="Demo: Clinton / Lavrov, 2009",
                description="The State Department press conference of 7 May 2009, ready to tag.",
            )
        self.load_seed(project)
        # A known password is only acceptable on a throwaway local database.
        if settings.DEBUG and settings.USING_DEFAULT_SQLITE:
            user = self.demo_user()
            Membership.objects.get_or_create(
                project=project, user=user, defaults={"role": Membership.Role.OWNER}
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo login: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r} "
                    "at http://127.0.0.1:8000/"
                )
            )

    def demo_user(self):
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def load_seed(self, project):
        """Import the seed transcript once; running `make run` again finds it by content hash."""
        result = project.import_transcript(
            SEED_PATH.read_bytes(), filename=SEED_PATH.name, speaker_names=SEED_SPEAKERS
        )
        verb = "Imported" if result.created else "Already there:"
        self.stdout.write(f"{verb} {result.summary}")
