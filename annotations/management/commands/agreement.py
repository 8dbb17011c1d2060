"""python manage.py agreement --project SLUG: the Agreement page's figures for scripts.

`--format json` is a contract NLP teams script against (README, "Agreement"): figures rounded
to 4 decimals, null where undefined. csv and table flatten the same figures, one row per tag
and pair.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from annotations.agreement import ROW_COLUMNS, report_json, report_rows
from annotations.agreement_data import project_agreement
from annotations.export import csv_chunks
from annotations.models import Project


class Command(BaseCommand):
    help = "Inter-annotator agreement (Krippendorff's α, Cohen's κ, span F1) of a project."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, metavar="SLUG")
        parser.add_argument("--transcript", type=int, metavar="ID", help="Only this transcript.")
        parser.add_argument("--tag", metavar="NAME", help="Only this tag.")
        parser.add_argument(
            "--all-annotators",
            action="store_true",
            help="Count everyone with an annotation on a transcript, not only who marked it done.",
        )
        parser.add_argument("--format", default="json", choices=["json", "csv", "table"])

    def handle(self, *args, **options):
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project {options['project']!r}.")
        transcript, tag = options["transcript"], options["tag"]
        if transcript is not None and not project.transcripts.filter(pk=transcript).exists():
            raise CommandError(f"Project {project.slug!r} has no transcript {transcript}.")
        if tag is not None and not project.tags.filter(name=tag).exists():
            names = ", ".join(project.tags.values_list("name", flat=True))
            raise CommandError(f"Project {project.slug!r} has no tag {tag!r} (tags: {names}).")
        report = project_agreement(
            project, transcript_id=transcript, tag=tag, all_annotators=options["all_annotators"]
        )
        contract = report_json(report, project=project.slug)
        if options["format"] == "json":
            self.stdout.write(json.dumps(contract, indent=2, ensure_ascii=False))
        elif options["format"] == "csv":
            for chunk in csv_chunks(ROW_COLUMNS, report_rows(contract)):
                self.stdout.write(chunk, ending="")
        else:
            self.stdout.write(table(report_rows(contract)))


def table(rows: list[dict]) -> str:
    """Fixed-width columns for a terminal; "—" where a figure is undefined."""
    cells = [ROW_COLUMNS] + [
        ["—" if row[c] is None else str(row[c]) or "all" for c in ROW_COLUMNS] for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(ROW_COLUMNS))]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)) for line in cells
    )
