"""python manage.py release_work [--project SLUG]: give untouched dynamic work back to the pool.

"Get work" releases lazily as it is asked for; run this from cron to have the project pages
show released work as released before anyone asks.
"""

from django.core.management.base import BaseCommand, CommandError

from annotations.models import Project, release_stale


class Command(BaseCommand):
    help = "Release dynamic assignments left untouched longer than their project allows."

    def add_arguments(self, parser):
        parser.add_argument("--project", metavar="SLUG", help="Only this project.")

    def handle(self, *args, project=None, **options):
        projects = Project.objects.filter(assignment_mode=Project.Assigning.DYNAMIC)
        if project is not None:
            projects = Project.objects.filter(slug=project)
            if not projects.exists():
                raise CommandError(f"No project {project!r}.")
        for each in projects.order_by("slug"):
            released = release_stale(each)
            self.stdout.write(
                f"{each.slug}: released {released} assignment{'s' * (released != 1)}."
            )
