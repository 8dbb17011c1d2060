"""Items 2 and 3 of issue 10: every page of the URL sweep, and the tag actions, in-process.

    python bench/bench_pages.py [--runs 5] [--cycles 20]

Pages at 100 and 5,000 turns in a project of 101,000 annotations (corpus.py `bench`); tag
create / change / delete / undo through the HTMX endpoints on the seed (`bench-seed`) and on the
5,000-turn transcript (20,000 annotations). Server time is the Django test client's round trip
(no network: middleware, view, template, database); bytes from the response, queries counted
by an execute_wrapper. Each request is bounded like the guards (tests/scale/budget.py): a
multi-join COUNT(DISTINCT) is refused before it runs and recorded as such.
"""

import argparse
import json
import time

from common import RESULTS, percentile, picked, quick, save, setup, spread, timed


def sweep_pages(runs: int) -> list[dict]:
    from annotations.models import Project
    from tests.scale.pages import sweep

    project = Project.objects.get(slug="bench")
    large = people(project)
    rows = []
    for turns in (100, 5000):
        transcript = project.transcripts.get(title__startswith=f"bench {turns} turns")
        for page in sweep(large, transcript):
            rows.append({"turns": turns, **measure_page(large, page, runs)})
            print(f"{turns:>5} turns  {rows[-1]['page']:38} {rows[-1]['summary']}", flush=True)
    return rows


def people(project):
    from django.contrib.auth import get_user_model

    from annotations.models import Membership
    from tests.large import LargeProject

    def role(name):
        return [m.user for m in project.memberships.filter(role=name).order_by("user__username")]

    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    annotators = role(Membership.Role.ANNOTATOR)
    large = LargeProject(project, [], role("owner")[0], role("curator")[0], annotators)
    large.admin = admin
    return large


def measure_page(large, page, runs: int) -> dict:
    from django.db import connection
    from django.test import Client

    from tests.scale.budget import MultiJoinCount, guarded
    from tests.scale.pages import user_for

    client = Client()
    client.force_login(user_for(large, page.persona, large.admin))

    queries = []

    def get():
        with guarded(), connection.execute_wrapper(counting(queries)):
            response = client.get(page.url, headers=page.headers)
            return response, b"".join(response) if response.streaming else response.content

    try:
        response, body = get()
        seconds, _ = timed(get, runs=runs)
        queries = queries[: len(queries) // (1 + len(seconds))]  # one request's worth
    except MultiJoinCount:
        return {"page": page.name, "refused": True, "summary": "refused: multi-join COUNT"}
    ot = any("original_text" in sql for sql in queries)
    row = {
        "page": page.name,
        "status": response.status_code,
        "bytes": len(body),
        "queries": len(queries),
        "original_text": ot,
        "seconds": spread(seconds),
    }
    row["summary"] = (
        f"{len(body) / 1024:9.1f} KB {len(queries):3} q {row['seconds']['median']:.3f} s"
    )
    return row


TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "COMMIT", "ROLLBACK")


def counting(into: list):
    """An execute_wrapper appending each statement's SQL to `into` (DEBUG stays off).

    Transaction control is not counted (as in tests/scale/test_tag_actions.py): SQLite's BEGIN
    goes through execute(), PostgreSQL's does not, and neither is a query of the page's."""

    def wrapper(execute, sql, params, many, context):
        if not sql.startswith(TRANSACTION_CONTROL):
            into.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def tag_cycles(slug: str, turns: int, cycles: int) -> dict:
    """create → change → delete → undo, `cycles` times (fewer if an action takes seconds)."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from annotations.models import Annotation, AnnotationEvent, Project
    from tests.scale.pages import HTMX

    project = Project.objects.get(slug=slug)
    transcript = project.transcripts.get(title__startswith=f"{slug} {turns} turns")
    annotator = project.memberships.filter(role="annotator").order_by("user__username")[0].user
    claim, commitment = project.tags.get(name="Claim"), project.tags.get(name="Commitment")
    mine = Annotation.objects.filter(annotator=annotator).values("passage")
    free = list(transcript.passages.speech().exclude(pk__in=mine).order_by("position")[:cycles])
    client = Client()
    client.force_login(annotator)
    results = {action: [] for action in ("create", "change", "delete", "undo")}
    began = time.perf_counter()

    def act(action, url, data):
        started, cpu, queries = time.perf_counter(), time.process_time(), []
        with connection.execute_wrapper(counting(queries)):
            response = client.post(url, data, headers=HTMX)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert response.status_code == 200, (action, response.status_code)
        results[action].append((seconds, len(response.content), len(queries), cpu))

    created = []
    for passage in free:
        act("create", reverse("annotations:annotation_create", args=[slug, transcript.pk]),
            {"passage": passage.pk, "tag": claim.pk})  # fmt: skip
        annotation = Annotation.objects.filter(annotator=annotator, passage=passage).get()
        created.append(annotation.pk)
        detail = reverse("annotations:annotation_detail", args=[slug, annotation.pk])
        act("change", detail, {"version": annotation.version, "tag": commitment.pk, "note": "b"})
        annotation.refresh_from_db()
        delete = reverse("annotations:annotation_delete", args=[slug, annotation.pk])
        act("delete", delete, {"version": annotation.version})
        act("undo", reverse("annotations:undo", args=[slug, transcript.pk]), {})
        if len(results["undo"]) >= 3 and time.perf_counter() - began > 60:
            break  # bounded: a few cycles are enough when each action takes seconds
    Annotation.objects.filter(annotator=annotator, passage__in=free).delete()
    AnnotationEvent.objects.filter(user=annotator, transcript=transcript).delete()
    return {action: summarise(values) for action, values in results.items()}


def summarise(values) -> dict:
    seconds = [s for s, _, _, _ in values]
    return {
        "p50": percentile(seconds, 50),
        "p95": percentile(seconds, 95),
        # Python's CPU time in this process (Django's side, not the database server's).
        "cpu_p50": percentile([c for _, _, _, c in values], 50),
        "n": len(seconds),
        "bytes": max(b for _, b, _, _ in values),
        "queries": max(q for _, _, q, _ in values),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2 if quick() else 3)
    parser.add_argument("--cycles", type=int, default=5 if quick() else 12)
    options = parser.parse_args()
    setup()
    pages = sweep_pages(options.runs) if picked("pages") else []
    actions = {}
    if picked("tag"):
        actions = {
            "seed (15 turns, 150 annotations)": tag_cycles("bench-seed", 15, options.cycles),
            "5,000 turns, 20,000 annotations": tag_cycles("bench", 5000, options.cycles),
        }
    for where, summary in actions.items():
        for action, row in summary.items():
            print(f"{where:34} {action:7} p50 {row['p50'] * 1000:8.1f} ms  {row}", flush=True)
    kept = {}  # the half not measured this time stays as the last run left it
    if (RESULTS / "pages.json").exists() and not (picked("pages") and picked("tag")):
        kept = json.loads((RESULTS / "pages.json").read_text())
    pages, actions = pages or kept.get("pages", []), actions or kept.get("tag_actions", {})
    save("pages", {"pages": pages, "tag_actions": actions})


if __name__ == "__main__":
    main()
