"""Item 5 of issue 10: export rows/s and peak memory at 20k, 100k and 1M annotations, beside
PostgreSQL's own `COPY (…the same join…) TO STDOUT` of the same rows (the floor).

    python bench/bench_export.py [--repeat 3]

20k is the 5,000-turn transcript of corpus.py's `bench` project, 100k the whole project, 1M
the `bench-1m` project (skipped with --quick). Each run is a fresh child process, so its
`ru_maxrss` (peak resident memory) belongs to that export alone; "growth" is the peak minus the
resident memory before the export started. The COPY floor runs on PostgreSQL only.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from common import quick, save, setup, spread

SIZES = {"20k": ("bench", "5000 turns"), "100k": ("bench", None), "1M": ("bench-1m", None)}
KINDS = ["csv", "wide-csv", "jsonl", "copy"]


def dataset(size: str):
    from annotations.export import Selection, select
    from annotations.models import Project

    slug, title = SIZES[size]
    project = Project.objects.get(slug=slug)
    transcripts = project.transcripts.filter(title__contains=title) if title else []
    return select(project, Selection(transcripts=tuple(t.pk for t in transcripts)))


def measure(kind: str, size: str) -> dict:
    from django.db import connection

    data = dataset(size)
    rows = data.annotations.count()
    connection.ensure_connection()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    written = 0
    if kind == "copy":
        written = copy_floor(data)
    else:
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for chunk in data.chunks(kind):
                written += sink.write(chunk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "cpu": cpu,  # this process's CPU time: the wall time also waits for a core and the server
        "rows": rows,
        "written": written,
        "start": before,
        "peak": peak,
    }


def copy_floor(data) -> int:
    """The same SELECT the long CSV reads, dumped by PostgreSQL itself."""
    from django.db import connection

    from annotations.export import RECORD_EXPRESSIONS, RECORD_FIELDS

    records = data.annotations.order_by("passage__transcript_id", "passage__position", "pk")
    query = records.values(*RECORD_FIELDS, **RECORD_EXPRESSIONS).query
    sql, params = query.get_compiler(connection=connection).as_sql()
    written = 0
    with (
        connection.connection.cursor() as cur,
        cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)", params) as copy,
    ):
        for block in copy:
            written += len(block)
    return written


def child(kind: str, size: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, size], capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{kind} at {size} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1 if quick() else 3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    setup(migrate=not options.child)
    if options.child:
        print(json.dumps(measure(*options.child)))
        return
    from django.db import connection

    sizes = ["20k", "100k"] + ([] if quick() else ["1M"])
    kinds = [k for k in KINDS if k != "copy" or connection.vendor == "postgresql"]
    rows = []
    for size in sizes:
        # Every format at 20k; the long CSV (and COPY) at 100k and 1M, fewer times: bounded.
        for kind in kinds if size == "20k" else [k for k in kinds if k in ("csv", "copy")]:
            repeat = {"20k": options.repeat, "100k": min(options.repeat, 2)}.get(size, 1)
            runs = [child(kind, size) for _ in range(repeat)]
            result = {
                "size": size,
                "kind": kind,
                "rows": runs[0]["rows"],
                "mb_written": runs[0]["written"] / 2**20,
                "seconds": spread([r["seconds"] for r in runs]),
                "cpu": spread([r["cpu"] for r in runs]),
                "peak_rss_mb": max(r["peak"] for r in runs) / 1024,
                "growth_mb": max(r["peak"] - r["start"] for r in runs) / 1024,
            }
            result["rows_per_s"] = result["rows"] / result["seconds"]["median"]
            rows.append(result)
            print(json.dumps(result), flush=True)
            save("export", {"exports": rows})  # after each: a step stopped early keeps these


if __name__ == "__main__":
    main()
