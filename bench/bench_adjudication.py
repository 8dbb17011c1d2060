"""Issue 12: the adjudication view on a 2,000-turn transcript with three annotators (20,000
annotations), in-process like bench_pages.py. Target: a page, and a click, under 100 ms.

    python bench/bench_adjudication.py [--runs 10]

Builds its own project (`bench-adjudicate`, tests/large.py) once and keeps it. Measures the
first opening (the automatic merge of every agreed item, once per transcript), then pages of
the board at the start, middle and end once merged, then an "accept" click answered with the
row; each with its query count. The merge is undone at the end, so every run starts alike.
"""

import argparse
import time

from common import quick, save, setup, spread, timed


def project():
    from annotations.models import Project
    from tests.large import build_large_project

    found = Project.objects.filter(slug="bench-adjudicate").first()
    if found is None:
        print("building bench-adjudicate (2,000 turns, 3 annotators, 20,000 annotations)…")
        large = build_large_project(slug="bench-adjudicate", turns=2000, annotators=3)
        analyse()
        return large
    from bench_pages import people

    large = people(found)
    large.transcripts = list(found.transcripts.all())
    return large


def analyse() -> None:
    """Fresh planner statistics after the bulk build (as autovacuum gives a live database):
    without them PostgreSQL plans the board's queries for empty tables (360 ms, not 7 ms)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client, request, runs) -> dict:
    """`request()` run `runs` times: status, bytes, queries and CPU seconds of one run."""
    from bench_pages import counting
    from django.db import connection

    queries, cpu = [], []

    def go():
        started = time.process_time()
        with connection.execute_wrapper(counting(queries)):
            response = request()
        cpu.append(time.process_time() - started)
        return response

    seconds, response = timed(go, runs=runs)
    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(queries) // len(seconds),
        "seconds": spread(seconds),
        "cpu": spread(cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3 if quick() else 10)
    options = parser.parse_args()
    setup()
    from django.test import Client
    from django.urls import reverse

    from annotations import adjudication
    from annotations.models import Adjudication, GoldAnnotation

    large = project()
    transcript = large.transcript
    curator = large.curator
    curator.is_staff = True
    curator.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(curator)
    board = reverse("admin:annotations_adjudicate", args=[large.project.slug, transcript.pk])
    Adjudication.objects.filter(project=large.project).delete()
    started, cpu = time.perf_counter(), time.process_time()
    first = client.get(board)
    merge, cpu = time.perf_counter() - started, time.process_time() - cpu
    merged = GoldAnnotation.objects.filter(project=large.project, origin="merged").count()
    opening = {"status": first.status_code, "seconds": merge, "cpu": cpu, "merged": merged}
    rows = {"first opening (merge)": opening}
    pages = transcript.passages.count() // adjudication.PAGE_SIZE + 1
    for name, page in (("page 1", 1), ("middle page", pages // 2), ("last page", pages)):
        rows[name] = measure(
            client, lambda page=page: client.get(f"{board}?page={page}"), options.runs
        )
    open_ids = adjudication.open_passages(large.project, transcript.pk).order_by("position")
    candidates = adjudication.undecided(adjudication.curated(large.project, transcript.pk))
    picks = candidates.filter(passage__in=open_ids.values("pk")).order_by("pk")
    picks = iter(picks[: options.runs])

    def next_click():
        annotation = next(picks)
        click.url = reverse(
            "admin:annotations_adjudicate_accept",
            args=[large.project.slug, transcript.pk, annotation.pk],
        )
        return {"version": annotation.version}

    class Click:  # the URL changes per run: each click accepts another open annotation
        url = ""

    click = Click()

    def accept():
        data = next_click()
        return client.post(click.url, data, headers={"HX-Request": "true"})

    rows["accept click (HTMX row)"] = measure(client, accept, options.runs)
    for name, row in rows.items():
        value = row["seconds"] if isinstance(row["seconds"], float) else row["seconds"]["median"]
        print(f"{name:28} {value * 1000:8.1f} ms  {row}", flush=True)
    save("adjudication", {"turns": 2000, "annotators": 3, "rows": rows})
    adjudication.undo_merge(Adjudication.objects.get(project=large.project), by=curator)
    GoldAnnotation.objects.filter(project=large.project).delete()


if __name__ == "__main__":
    main()
