"""`make bench`: build the corpus, run every measurement of issue 10, write bench/RESULTS.md.

    make bench                                   # SQLite (bench/.data/bench.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parley_bench make bench
    make bench BENCH=pages,tag                   # only some items (names below)
    BENCH_QUICK=1 make bench   or   python bench/run.py --quick   # a fast pass

Items: import (1), pages (2), tag (3), bulk (4), export (5), agreement (6), load (7; PostgreSQL
only). The corpus is built first whatever is picked (once per database: later runs reuse it).
Each step is its own script (run one directly to change its options), run with a time limit
so the whole run stays bounded (about 20 minutes on PostgreSQL with the corpus built); a
failed or timed-out step is reported and the others still run. Results of a step not run this
time are kept from the last run that measured it, and RESULTS.md says which run that was.
"""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import RESULTS

HERE = Path(__file__).resolve().parent
# (item, script, seconds allowed, results file it writes)
STEPS = [
    ("corpus", "corpus.py", 1800, "corpus"),
    ("import", "bench_import.py", 300, "import"),
    ("pages", "bench_pages.py", 600, "pages"),  # also "tag": one script measures both
    ("bulk", "bench_bulk.py", 300, "bulk"),
    ("export", "bench_export.py", 900, "export"),
    ("agreement", "bench_agreement.py", 300, "agreement"),
    ("adjudication", "bench_adjudication.py", 600, "adjudication"),
    ("load", "bench_load.py", 300, "load"),
]
ITEMS = {"import", "pages", "tag", "bulk", "export", "agreement", "adjudication", "load"}


def picked() -> set[str]:
    names = {n.strip() for n in os.environ.get("BENCH", "").split(",") if n.strip()}
    unknown = names - ITEMS
    if unknown:
        sys.exit(f"bench: unknown item(s) {', '.join(sorted(unknown))}; pick from {sorted(ITEMS)}")
    return names or set(ITEMS)


def main() -> int:
    if "--quick" in sys.argv:
        os.environ["BENCH_QUICK"] = "1"
    items = picked()
    os.environ["BENCH"] = ",".join(sorted(items))  # bench_pages.py reads it: pages and/or tag
    RESULTS.mkdir(parents=True, exist_ok=True)
    if items == ITEMS:  # a full run: nothing of an earlier one may be mistaken for this one
        for stale in RESULTS.glob("*.json"):
            stale.unlink()
    meta = {
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "load_at_start": os.getloadavg(),
        "items": sorted(items),
    }
    (RESULTS / "run.json").write_text(json.dumps(meta))
    failed, began = [], time.perf_counter()
    for name, script, limit, _ in STEPS:
        if name != "corpus" and name not in items and not (name == "pages" and "tag" in items):
            continue
        print(f"\n## {name} ({script}, at most {limit // 60} min)\n", flush=True)
        started = time.perf_counter()
        step = subprocess.Popen([sys.executable, str(HERE / script)], start_new_session=True)
        try:
            if step.wait(timeout=limit):
                failed.append(name)
        except subprocess.TimeoutExpired:
            os.killpg(step.pid, 15)  # the step and what it started (the load test's server)
            step.wait()
            failed.append(f"{name} (stopped after {limit // 60} min)")
        print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    subprocess.run([sys.executable, str(HERE / "report.py"), *failed], check=True)
    print(f"\nwrote bench/RESULTS.md in {time.perf_counter() - began:.0f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
