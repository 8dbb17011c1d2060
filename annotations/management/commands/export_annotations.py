"""Thin CLI over annotations.export: the same bytes as the export page, to a file or stdout."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.export import FORMATS, Selection, select
from annotations.models import Annotation, Project


class Command(BaseCommand):
    help = "Export a project's annotations as long CSV, wide CSV (one row per passage) or JSONL."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, metavar="SLUG")
        parser.add_argument("--output", default="-", metavar="FILE", help="'-' = stdout")
        parser.add_argument("--format", default="csv", choices=list(FORMATS))
        many = {"nargs": "+", "action": "extend", "default": []}
        parser.add_argument("--transcript", type=int, metavar="ID", **many)
        parser.add_argument("--tag", metavar="NAME", **many)
        parser.add_argument("--annotator", metavar="USERNAME", **many)
        parser.add_argument("--status", choices=list(Annotation.Status.values), **many)
        parser.add_argument(
            "--gold-only",
            action="store_true",
            help="The gold layer: one row per gold item, with its sources.",
        )
        parser.add_argument("--excel", action="store_true", help="Start CSV with a UTF-8 BOM.")

    def handle(self, *args, **options):
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"no project with slug {options['project']!r}")
        if options["excel"] and options["format"] == "jsonl":
            raise CommandError("--excel applies to the CSV formats only")
        selection = Selection(
            transcripts=tuple(options["transcript"]),
            tags=tuple(options["tag"]),
            annotators=tuple(options["annotator"]),
            statuses=tuple(options["status"]),
            gold_only=options["gold_only"],
        )
        check_selection(project, selection)
        chunks = select(project, selection).chunks(options["format"], excel=options["excel"])
        if options["output"] == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        try:
            with open(options["output"], "w", encoding="utf-8", newline="") as stream:
                for chunk in chunks:
                    stream.write(chunk)
        except OSError as error:
            raise CommandError(f"cannot write {options['output']}: {error.strerror}") from None
        self.stderr.write(f"Wrote {options['output']}")


def check_selection(project, selection: Selection) -> None:
    """A typo in a filter must not quietly export nothing."""
    unknown = set(selection.transcripts) - set(project.transcripts.values_list("pk", flat=True))
    if unknown:
        raise CommandError(f"transcripts not in {project.slug}: {sorted(unknown)}")
    unknown = set(selection.tags) - set(project.tags.values_list("name", flat=True))
    if unknown:
        raise CommandError(f"no such tag in {project.slug}: {', '.join(sorted(unknown))}")
    users = get_user_model().objects.filter(username__in=selection.annotators)
    unknown = set(selection.annotators) - set(users.values_list("username", flat=True))
    if unknown:
        raise CommandError(f"no such user: {', '.join(sorted(unknown))}")
