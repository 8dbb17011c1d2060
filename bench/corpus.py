"""The bench corpus, built once per database from the seed's real sentences (tests/large.py).

- project `bench`: transcripts of 100 turns (1,000 annotations), 5,000 turns (20,000) and four
  of 2,000 turns (20,000 each): 101,000 annotations in the project, three annotators;
- project `bench-seed`: the seed transcript's 15 turns, 150 annotations (tag actions on it);
- project `bench-1m` (not with --quick): ten transcripts of 5,000 turns, 100,000 annotations
  each, for the 1,000,000-row export.

On PostgreSQL passages and annotations go in by COPY; on SQLite by bulk_create.
"""

import json
import sys
import time
from itertools import chain

from common import setup

PROJECTS = {
    "bench": [(100, 1_000), (5_000, 20_000)] + [(2_000, 20_000)] * 4,
    "bench-seed": [(15, 150)],
    "bench-1m": [(5_000, 100_000)] * 10,
}


def copy_insert(model, rows) -> None:
    """COPY FROM STDIN for dicts of attnames (PostgreSQL): several times bulk_create's speed."""
    from django.db import connection
    from psycopg.types.json import Jsonb

    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    names = list(first)
    columns = ", ".join(f'"{model._meta.get_field(n).column}"' for n in names)
    json_fields = {n for n in names if model._meta.get_field(n).get_internal_type() == "JSONField"}
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for item in chain([first], rows):
                copy.write_row([Jsonb(item[n]) if n in json_fields else item[n] for n in names])
        # Fresh statistics, or the next correlated UPDATE (link_targets) plans seq scans.
        cursor.execute(f"ANALYZE {model._meta.db_table}")


def inserter():
    from django.db import connection

    from tests.large import bulk_insert

    return copy_insert if connection.vendor == "postgresql" else bulk_insert


def ensure(slug: str) -> float | None:
    from annotations.models import Project
    from tests.large import annotate, build_transcript, make_members

    if Project.objects.filter(slug=slug).exists():
        return None
    started = time.perf_counter()
    project = Project.create_with_default_tags(slug=slug, name=f"Bench ({slug})")
    people = make_members(project, 3)
    total = 0
    for number, (turns, count) in enumerate(PROJECTS[slug]):
        transcript = build_transcript(
            turns=turns, title=f"{slug} {turns} turns #{number + 1}", insert=inserter()
        )
        project.transcripts.add(transcript)
        annotate(
            project,
            transcript,
            count=count,
            annotators=people.annotators,
            curator=people.curator,
            insert=inserter(),
            seed=100 + number,
        )
        total += count
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(f"built {slug}: {total:,} annotations in {seconds:.1f} s", file=sys.stderr)
    return seconds


def main() -> None:
    from common import quick, save

    setup()
    built = {}
    for slug in PROJECTS:
        if slug == "bench-1m" and quick():
            continue
        seconds = ensure(slug)
        if seconds:
            built[slug] = seconds
    save("corpus", {"built_seconds": built, "projects": PROJECTS})
    print(json.dumps(built))


if __name__ == "__main__":
    main()
