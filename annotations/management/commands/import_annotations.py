"""Thin CLI over annotations.importers: a long CSV export back in, or a brat .ann layer."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.importers import import_planned, plan_brat, plan_long_csv
from annotations.models import Annotation, Project
from transcripts.decoding import decode
from transcripts.importers import content_hash
from transcripts.units import ParseError

SHOWN_ERRORS = 30


class Command(BaseCommand):
    help = (
        "Read annotations into a project: a long CSV from export_annotations (transcripts matched "
        "by content hash, passages by index) or brat standoff .ann (offsets into a transcript's "
        "source text). Nothing is written unless every row matches, or --skip-bad is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="a .csv export or a brat .ann file")
        parser.add_argument("--project", required=True, metavar="SLUG")
        parser.add_argument("--skip-bad", action="store_true", help="Import the rows that match.")
        parser.add_argument("--create-tags", action="store_true", help="Add unknown tags/labels.")
        brat = parser.add_argument_group("brat .ann")
        brat.add_argument(
            "--transcript",
            type=int,
            metavar="ID",
            help="The transcript the offsets point into (default: the project's transcript "
            "whose text is the .txt beside the .ann).",
        )
        brat.add_argument("--annotator", metavar="USERNAME", help="Whose layer this is.")
        brat.add_argument(
            "--status", choices=list(Annotation.Status.values), default=Annotation.Status.SUBMITTED
        )

    def handle(self, *args, **options):
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"no project with slug {options['project']!r}")
        path = Path(options["file"])
        text = read_text(path)
        if path.suffix.lower() == ".ann":
            plan = plan_brat(
                text,
                project,
                annotator=self.brat_annotator(options["annotator"]),
                transcript=self.brat_transcript(project, path, options["transcript"]),
                status=options["status"],
                create_tags=options["create_tags"],
            )
        else:
            plan = plan_long_csv(text, project, create_tags=options["create_tags"])
        for warning in plan.warnings:
            self.stderr.write(f"warning: {warning}")
        for error in plan.errors[:SHOWN_ERRORS]:
            self.stderr.write(str(error))
        if len(plan.errors) > SHOWN_ERRORS:
            self.stderr.write(f"… and {len(plan.errors) - SHOWN_ERRORS} more")
        if plan.errors and not options["skip_bad"]:
            raise CommandError(
                f"nothing imported: {len(plan.errors)} row(s) did not match "
                "(fix them, or --skip-bad to import the rest)"
            )
        created = import_planned(plan)  # the new ids
        tags = f", new tags: {', '.join(plan.new_tags)}" if plan.new_tags else ""
        self.stdout.write(
            f"Imported {len(created)} annotation(s) into {project.slug}; "
            f"{len(plan.present)} already there, {len(plan.errors)} skipped{tags}."
        )

    def brat_transcript(self, project, path: Path, transcript_id: int | None):
        if transcript_id is not None:
            transcript = project.transcripts.filter(pk=transcript_id).first()
            if transcript is None:
                raise CommandError(f"transcript {transcript_id} is not in {project.slug}")
            return transcript
        source = path.with_suffix(".txt")
        if not source.exists():
            raise CommandError(f"{source.name} not found beside the .ann: give --transcript ID")
        try:  # decoded and hashed as the transcript importer did, so the same file matches
            digest = content_hash(decode(source.read_bytes(), filename=source.name))
        except ParseError as error:
            raise CommandError(f"{source.name}: {error}") from None
        transcript = project.transcripts.filter(content_hash=digest).first()
        if transcript is None:
            raise CommandError(f"no transcript in {project.slug} has the text of {source.name}")
        return transcript

    def brat_annotator(self, username: str | None):
        if not username:
            raise CommandError("a brat layer needs --annotator USERNAME (whose layer it is)")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 (byte {error.start})") from None
