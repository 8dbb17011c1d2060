"""Item 4 of issue 10: bulk import of 20,000 annotations from a long CSV.

    python bench/bench_bulk.py [--repeat 3]

The CSV is our own long export of the 5,000-turn transcript of corpus.py's `bench` project
(20,000 annotations). It is imported into a second project that holds the same transcript and
the same annotators: read and matched (plan_long_csv), then written (import_planned), in a
transaction rolled back after each run.
"""

import argparse
import io
import time

from common import quick, save, setup, spread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2 if quick() else 3)
    options = parser.parse_args()
    setup()
    from django.db import transaction

    from annotations.export import Selection, select
    from annotations.importers import import_planned, plan_long_csv
    from annotations.models import Membership, Project

    source = Project.objects.get(slug="bench")
    transcript = source.transcripts.get(title__contains="5000 turns")
    buffer = io.StringIO()
    for chunk in select(source, Selection(transcripts=(transcript.pk,))).chunks("csv"):
        buffer.write(chunk)
    text = buffer.getvalue()
    target = Project.objects.filter(slug="bench-bulk").first()
    if target is None:
        target = Project.create_with_default_tags(slug="bench-bulk", name="Bench bulk import")
        target.transcripts.add(transcript)
        for membership in source.memberships.all():
            Membership.objects.create(project=target, user=membership.user, role=membership.role)
    plans, writes, cpus, created = [], [], [], 0
    for _ in range(options.repeat):
        with transaction.atomic():
            started, cpu = time.perf_counter(), time.process_time()
            plan = plan_long_csv(text, target)
            planned = time.perf_counter()
            created = len(import_planned(plan))
            writes.append(time.perf_counter() - planned)
            plans.append(planned - started)
            cpus.append(time.process_time() - cpu)
            assert not plan.errors, plan.errors[:3]
            transaction.set_rollback(True)
    totals = [p + w for p, w in zip(plans, writes, strict=True)]
    result = {
        "rows": created,
        "csv_mb": len(text.encode()) / 2**20,
        "total": spread(totals),
        "plan": spread(plans),
        "write": spread(writes),
        # Python's own CPU time (not the database server's): on a shared machine the wall
        # time includes waiting for a core; this part does not.
        "python_cpu": spread(cpus),
    }
    print(result)
    save("bulk", result)


if __name__ == "__main__":
    main()
