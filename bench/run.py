"""`make bench`: build the corpus, run every measurement of issue 10, write bench/RESULTS.md.

    make bench                                   # SQLite (bench/.data/bench.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parley_bench make bench
    BENCH_QUICK=1 make bench   or   python bench/run.py --quick   # a fast pass

Each step is its own script (run one directly to change its options); a failed step is
reported and the others still run. Item 6 (agreement) is a hook: add bench_agreement.py to
STEPS when the team issue lands, and a section to report.py.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = [
    ("corpus", "corpus.py"),
    ("1. import", "bench_import.py"),
    ("2-3. pages and tag actions", "bench_pages.py"),
    ("4. bulk import", "bench_bulk.py"),
    ("5. export", "bench_export.py"),
    ("12. adjudication", "bench_adjudication.py"),
    # ("6. agreement", "bench_agreement.py"),  # hook: when the team issue lands
    ("7. load", "bench_load.py"),
]


def main() -> int:
    if "--quick" in sys.argv:
        os.environ["BENCH_QUICK"] = "1"
    for stale in (HERE / ".results").glob("*.json"):
        stale.unlink()
    failed, began = [], time.perf_counter()
    for name, script in STEPS:
        print(f"\n## {name} ({script})\n", flush=True)
        started = time.perf_counter()
        if subprocess.run([sys.executable, str(HERE / script)]).returncode:
            failed.append(name)
        print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    subprocess.run([sys.executable, str(HERE / "report.py"), *failed], check=True)
    print(f"\nwrote bench/RESULTS.md in {time.perf_counter() - began:.0f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
