"""How long does importing a 300,000-word transcript take, parse and database writes?

    python bench/bench_import.py                    # a throwaway SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parley_bench python bench/bench_import.py
    python bench/bench_import.py --words 100000 PATH   # or a real file instead of the synthetic one

Each run imports inside a transaction that is rolled back, so the database is left as it was
(it is migrated first). The synthetic transcript is the seed's turns repeated, hard-wrapped.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--words", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    scratch = None
    if "DATABASE_URL" not in os.environ:
        handle, scratch = tempfile.mkstemp(suffix=".sqlite3")
        os.close(handle)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bench_parsing import synthesise  # after setup: it imports the parser
    from django.core.management import call_command
    from django.db import connection, transaction

    from transcripts.importers import import_transcript, parse

    logging.getLogger("transcripts.importers").setLevel(logging.WARNING)  # one line per run
    call_command("migrate", verbosity=0)
    data = options.path.read_bytes() if options.path else synthesise(options.words)
    parsed = parse(data)
    words = sum(len(turn.text.split()) for turn in parsed.turns)
    passages = sum(len(turn.passages) for turn in parsed.turns)
    parse_times, import_times = [], []
    for _ in range(options.repeat):
        started = time.perf_counter()
        parse(data)
        parse_times.append(time.perf_counter() - started)
        with transaction.atomic():
            started = time.perf_counter()
            import_transcript(data, filename="bench.txt")
            import_times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    parse_s, total_s = statistics.median(parse_times), statistics.median(import_times)
    size = f"{words:,} words, {len(parsed.turns):,} turns, {passages:,} passages"
    print(
        f"{connection.vendor}: {size} | "
        f"import {total_s:.2f} s (parse {parse_s:.2f} s, writes {total_s - parse_s:.2f} s), "
        f"median of {options.repeat}"
    )
    if scratch is not None:
        connection.close()
        os.unlink(scratch)


if __name__ == "__main__":
    main()
