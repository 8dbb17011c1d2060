"""Export 1,000,000 annotations on PostgreSQL: rows per second and peak memory, against COPY.

    python bench/bench_export.py [--rows 1000000] [--steps 100000,300000,1000000]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
parley_bench), seeded once with psycopg COPY and reused by later runs. Every measurement runs in
a fresh child process so that `ru_maxrss` (the process's peak resident memory) belongs to that
export alone; the child reports it beside the resident memory it started with. The Python heap
peak comes from a second child run under `tracemalloc`, which slows Python down, so its time is
not the one reported. The floor is the same query (same joins, same order) dumped by
`COPY (…) TO STDOUT (FORMAT csv)` through bare psycopg: what the database and driver cost with
no Python per row.

Memory is "flat" when the peak does not grow with the number of rows exported.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/parley_bench"
PER_TRANSCRIPT = 10_000  # annotations per transcript: 25 turns x 20 passages x 20 annotators
TURNS, PASSAGES_PER_TURN, ANNOTATORS = 25, 20, 20
KINDS = ["csv", "wide-csv", "jsonl", "csv-http", "copy"]
SENTENCES = [
    "We had serious and open exchanges on arms control, and our negotiators are hard at work.",
    'He said "no", then "yes" — and then, later, maybe.',
    "=SUM(A1:A9) is not a formula here; nor is -1 or +1.",
    "Наши позиции по Грузии расходятся, но диалог продолжается.",
    "We will reduce strategic warheads by a third before the end of the year.",
]


def setup_django() -> None:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def ensure_database() -> None:
    import psycopg

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(rows: int) -> None:
    """Transcripts, passages and annotations for `rows` annotations, unless already there."""
    from django.core.management import call_command
    from django.db import connection

    from annotations.models import Annotation, Project

    call_command("migrate", verbosity=0)
    if Annotation.objects.count() >= rows:
        return
    print(f"seeding {rows:,} annotations (once) …", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE annotations_annotation, annotations_tag, annotations_membership,"
            " annotations_project, annotations_project_transcripts, transcripts_passage,"
            " transcripts_turn, transcripts_speaker, transcripts_transcript, auth_user CASCADE"
        )
    project = Project.create_with_default_tags(slug="bench", name="Bench")
    raw = connection.connection  # psycopg 3: COPY FROM STDIN is 10x faster than bulk_create
    with raw.cursor() as cur:
        copy_rows(
            cur,
            "auth_user (id, username, password, is_superuser, is_staff, is_active, first_name,"
            " last_name, email, date_joined)",
            (
                (i, f"annotator{i}", "!", False, False, True, "", "", "", "2026-01-01T00:00Z")
                for i in range(1, ANNOTATORS + 1)
            ),
        )
        transcripts = rows // PER_TRANSCRIPT
        seed_transcripts(cur, project, transcripts)
        tags = list(project.tags.values_list("pk", "name"))
        copy_rows(
            cur,
            'annotations_annotation (id, passage_id, tag_id, annotator_id, start, "end", quote,'
            " target_id, target_passage_id, note, attributes, status, version, created_at,"
            " updated_at)",
            annotation_rows(transcripts, tags),
        )
        for table in ("auth_user", "annotations_annotation", "transcripts_passage"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
        cur.execute("ANALYZE")


def copy_rows(cur, target: str, rows) -> None:
    with cur.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed_transcripts(cur, project, count: int) -> None:
    from transcripts.models import Speaker, Transcript, Turn

    passage_id = 0
    for t in range(count):
        text = f"Bench transcript {t}"
        transcript = Transcript.objects.create(
            title=f"Bench transcript {t}", original_text=text, content_hash=f"{t:064x}"
        )
        project.transcripts.add(transcript)
        speakers = [
            Speaker.objects.create(transcript=transcript, label=f"SPEAKER {s}", position=s)
            for s in range(2)
        ]
        turns = Turn.objects.bulk_create(
            Turn(
                transcript=transcript,
                position=i,
                speaker=speakers[i % 2],
                interpreted=i % 2 == 1,
                text=" ".join(SENTENCES[(i + p) % 5] for p in range(PASSAGES_PER_TURN)),
            )
            for i in range(TURNS)
        )
        passages = []
        for turn in turns:
            offset = 0
            for p in range(PASSAGES_PER_TURN):
                sentence = SENTENCES[(turn.position + p) % 5]
                passage_id += 1
                position = turn.position * PASSAGES_PER_TURN + p
                passages.append(
                    (passage_id, transcript.pk, turn.pk, position, "speech", sentence, 0)
                    + (offset, offset + len(sentence))
                )
                offset += len(sentence) + 1
        copy_rows(
            cur,
            "transcripts_passage (id, transcript_id, turn_id, position, kind, text, paragraph,"
            ' start, "end")',
            passages,
        )


def annotation_rows(transcripts: int, tags: list[tuple[int, str]]):
    passages = TURNS * PASSAGES_PER_TURN
    pk = 0
    for t in range(transcripts):
        for p in range(passages):
            passage_id = t * passages + p + 1
            sentence = SENTENCES[(p // PASSAGES_PER_TURN + p % PASSAGES_PER_TURN) % 5]
            for a in range(1, ANNOTATORS + 1):
                pk += 1
                tag_id, name = tags[(p + a) % len(tags)]
                span = a % 3 == 0
                target = name == "Disagreement" and p > 0
                yield (
                    pk,
                    passage_id,
                    tag_id,
                    a,
                    3 if span else None,
                    12 if span else None,
                    sentence[3:12] if span else sentence,
                    pk - ANNOTATORS if target else None,
                    passage_id - 1 if target else None,
                    'Unsure, "really"\nsee guideline' if a == 1 else "",
                    json.dumps({"type": "factual"} if name == "Claim" else {}),
                    "accepted" if a % 5 == 0 else "submitted",
                    1,
                    "2026-01-01T00:00:00Z",
                    "2026-01-02T00:00:00Z",
                )


def dataset(rows: int):
    from annotations.export import Selection
    from annotations.models import Project

    project = Project.objects.get(slug="bench")
    ids = project.transcripts.order_by("pk").values_list("pk", flat=True)[: rows // PER_TRANSCRIPT]
    return project, Selection(transcripts=tuple(ids))


def measure(kind: str, rows: int, trace: bool) -> dict:
    """One export in this (fresh) process; what it wrote, how fast, how much memory."""
    from django.db import connection

    from annotations.export import select

    project, selection = dataset(rows)
    connection.ensure_connection()
    before = resource.getrusage(resource.RUSAGE_SELF)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    written = 0
    if kind == "copy":
        written = copy_floor(select(project, selection))
    elif kind == "csv-http":
        written = through_the_view(project, selection)
    else:
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for chunk in select(project, selection).chunks(kind):
                written += sink.write(chunk)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "kind": kind,
        "rows": rows,
        "seconds": seconds,
        "written": written,
        "cpu_seconds": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
        "start_rss_mb": before.ru_maxrss / 1024,
        "peak_rss_mb": after.ru_maxrss / 1024,
    }
    if trace:
        result["heap_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return result


def copy_floor(data) -> int:
    """The same SELECT the long CSV reads, dumped by PostgreSQL itself."""
    from django.db import connection

    from annotations.export import RECORD_EXPRESSIONS, RECORD_FIELDS

    records = data.annotations.order_by("passage__transcript_id", "passage__position", "pk")
    query = records.values(*RECORD_FIELDS, **RECORD_EXPRESSIONS).query
    sql, params = query.get_compiler(connection=connection).as_sql()
    written = 0
    statement = f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)"
    with (
        connection.connection.cursor() as cur,
        cur.copy(statement, params) as copy,
        open(os.devnull, "wb") as sink,
    ):
        for block in copy:
            written += sink.write(block)
    return written


def through_the_view(project, selection) -> int:
    """The export page's response, as the server would send it (bytes, chunk by chunk)."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from annotations.models import Membership
    from annotations.views.export import project_export

    user, _ = get_user_model().objects.get_or_create(username="bench-owner")
    Membership.objects.get_or_create(project=project, user=user, defaults={"role": "owner"})
    query = {"format": "csv", "transcripts": list(selection.transcripts)}
    request = RequestFactory().get(f"/p/{project.slug}/export/", query)
    request.user = user
    return sum(len(chunk) for chunk in project_export(request, project.slug).streaming_content)


def child(kind: str, rows: int, trace: bool) -> dict:
    args = [sys.executable, __file__, "--child", kind, "--rows", str(rows)]
    done = subprocess.run(args + (["--trace"] if trace else []), capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{kind} at {rows:,} rows failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--steps", default="100000,300000,1000000", help="exports to compare")
    parser.add_argument("--kinds", default=",".join(KINDS), help="formats to measure")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    setup_django()
    if options.child:
        print(json.dumps(measure(options.child, options.rows, options.trace)))
        return
    ensure_database()
    seed(options.rows)
    steps = [int(s) for s in options.steps.split(",")]
    print(f"Export benchmark, PostgreSQL, {options.rows:,} annotations seeded\n")
    print(
        "| format | rows | seconds | rows/s | CPU s (exporter) | MB written | RSS at start "
        "| peak RSS | heap peak |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in options.kinds.split(","):
        for rows in steps if kind in ("csv", "copy") else [options.rows]:
            result = child(kind, rows, trace=False)
            heap = child(kind, rows, trace=True)["heap_peak_mb"] if kind != "copy" else None
            print(
                f"| {kind} | {rows:,} | {result['seconds']:.1f} "
                f"| {rows / result['seconds']:,.0f} | {result['cpu_seconds']:.1f} "
                f"| {result['written'] / 2**20:,.0f} "
                f"| {result['start_rss_mb']:.0f} MB | {result['peak_rss_mb']:.0f} MB "
                f"| {f'{heap:.1f} MB' if heap is not None else '—'} |",
                flush=True,
            )
    print(
        "\nrows/s for wide-csv counts annotations read (one row is written per passage). "
        "CPU s is this process only (PostgreSQL's own work is not in it); wall-clock figures "
        "move with the machine's load, CPU seconds much less."
    )


if __name__ == "__main__":
    main()
