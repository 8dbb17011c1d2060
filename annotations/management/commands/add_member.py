"""python manage.py add_member SLUG USER ROLE: put a user in a project (or change their role)."""

from django.core.management.base import BaseCommand, CommandError

from annotations.access import accounts_matching
from annotations.models import Membership, Project


class Command(BaseCommand):
    help = "Add a user (by username or e-mail) to a project as annotator, curator or owner."

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("user", metavar="USER", help="Username or e-mail.")
        parser.add_argument("role", choices=Membership.Role.values, metavar="ROLE")

    def handle(self, *args, slug, user, role, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"No project {slug!r}.")
        found = accounts_matching(user)
        if len(found) != 1:
            raise CommandError(
                f"No account {user!r}." if not found else f"Several accounts match {user!r}."
            )
        try:
            project.add_member(found[0], role)
        except Membership.LastOwner as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"{found[0]} is {role} of {project.slug}.")
