"""python manage.py import_transcript PATH [PATH ...] --project SLUG: a thin CLI over the importer.

One line per file (per item, for a JSON file holding many transcripts); a file that fails says
why (file:line: reason) while the others still import, and the command then exits non-zero.
"""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from annotations.access import accounts_matching
from annotations.models import Project
from transcripts.importers import content_hash, parse, summary
from transcripts.parsing import FORMATS, ParseError, parse_collection
from transcripts.readers.shapes import SHAPES


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value!r}: use YYYY-MM-DD") from None


def pattern_lines(parsed) -> list[str]:
    """The speaker pattern learnt from a plain-text file, and the others worth a try."""
    pattern = parsed.metadata.get("speaker_pattern")
    if not pattern:
        return []
    lines = [f"speakers found as {pattern['description']!r}, e.g. {pattern['example']}"]
    for other in pattern["alternatives"]:
        lines.append(
            f"  also possible: --speaker-pattern {other['name']} ({other['description']!r})"
        )
    return lines


class Command(BaseCommand):
    help = "Import transcript files into a project (created with the default tags if new)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--project", required=True, metavar="SLUG")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument(
            "--title", default="", help="Use this title instead of the detected one."
        )
        parser.add_argument(
            "--date", type=iso_date, help="YYYY-MM-DD, instead of the detected date."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report; write nothing."
        )
        parser.add_argument(
            "--owner",
            metavar="USER",
            help="Username or e-mail: made an owner of the project (a new one has none else).",
        )

        parser.add_argument(
            "--monologue",
            default="",
            metavar="SPEAKER",
            help="When nobody is labelled (subtitles without voices, a speech), import the "
            "whole text as this speaker's monologue.",
        )
        parser.add_argument(
            "--speaker-pattern",
            choices=[shape.name for shape in SHAPES],
            help="Plain text and Markdown: read speaker labels in this shape instead of the one "
            "learnt from the file ("
            + "; ".join(f"{s.name}: {s.description}" for s in SHAPES)
            + ").",
        )
        parser.add_argument(
            "--json-field",
            metavar="NAME",
            help="For a JSON file of many transcripts: the field of each item that holds its "
            "transcript, when there are several.",
        )

    def handle(self, *args, paths, project, dry_run, owner, **options):
        try:
            validate_slug(project)
        except ValidationError:
            raise CommandError(f"--project {project!r}: letters, digits, - and _ only") from None
        owner_user = None
        if owner:
            found = accounts_matching(owner)
            if len(found) != 1:
                problem = "several accounts match" if found else "no such account"
                raise CommandError(f"--owner {owner!r}: {problem}")
            owner_user = found[0]
        target = Project.objects.filter(slug=project).first()
        if target is None and dry_run:
            self.stdout.write(f"Would create project {project!r} with the default tags.")
        elif target is None:
            target = Project.create_with_default_tags(slug=project)
            self.stdout.write(f"Created project {project!r} with the default tags.")
        if owner_user is not None and target is not None and not dry_run:
            target.add_member(owner_user, "owner")
            self.stdout.write(f"{owner_user} is an owner of {project!r}.")
        failures = 0
        for path in paths:
            try:
                lines = self.import_one(path, target, dry_run=dry_run, **options)
            except ParseError as error:
                failures += 1
                where = f"{path}:{error.line}" if error.line else str(path)
                hint = " (--monologue SPEAKER)" if error.code == ParseError.NO_SPEAKERS else ""
                self.stderr.write(f"{where}: {error.reason}{hint}")
                continue
            for line in lines:
                self.stdout.write(f"{path}: {line}")
        if failures:
            raise CommandError(f"{failures} of {len(paths)} files could not be imported")

    def import_one(self, path: Path, project, *, dry_run, **options) -> list[str]:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ParseError(f"cannot read the file ({error.strerror})") from None
        monologue = options["monologue"] or None
        try:
            found = [
                parse(
                    data,
                    filename=path.name,
                    format=options["format"],
                    monologue_speaker=monologue,
                    speaker_pattern=options["speaker_pattern"],
                )
            ]
        except ParseError as error:
            if error.code != ParseError.COLLECTION:
                raise
            found = parse_collection(
                data, filename=path.name, field=options["json_field"], monologue_speaker=monologue
            )
        if len(found) == 1:
            written = self.write(found[0], path.name, project, dry_run=dry_run, **options)
            skipped = written.startswith("already in")  # nothing read from this file is kept
            return [written, *([] if skipped else pattern_lines(found[0]))]
        lines = [f"{len(found)} transcripts in this file"]
        for number, parsed in enumerate(found, start=1):
            name = f"{path.name} item {number}"
            lines.append(
                f"item {number}: " + self.write(parsed, name, project, dry_run=dry_run, **options)
            )
        return lines

    def write(self, parsed, filename, project, *, dry_run, title, date, **options) -> str:
        if dry_run:
            known = project.transcripts.all() if project else None
            if known is not None and known.filter(content_hash=content_hash(parsed.text)).exists():
                return f"already in {project.slug}; would skip"
            return f"would import {summary(parsed, title=title, date=date)}"
        result = project.import_transcript(
            parsed.text, parsed=parsed, filename=filename, title=title, date=date
        )
        if not result.created:
            return f'already in {project.slug} as "{result.transcript.title}"; skipped'
        return f"imported {result.summary}"
