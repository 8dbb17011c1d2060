"""What every bench script shares: Django set up like the tests (DEBUG off), the database,
medians with their spread, and the JSON each script leaves for run.py's report.

SQLite by default (bench/.data/bench.sqlite3, kept so the corpus is built once); PostgreSQL
when DATABASE_URL is set, whose database name must start with parley_bench (created if absent).
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
# One folder of figures per database, so a SQLite run and a PostgreSQL run never mix.
VENDOR = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
RESULTS = ROOT / "bench" / ".results" / VENDOR
sys.path.insert(0, str(ROOT))


def quick() -> bool:
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url or url == f"sqlite:///{DATA / 'bench.sqlite3'}":  # unset, or a child's (setup())
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / 'bench.sqlite3'}"
    name = url.rsplit("/", 1)[1].split("?")[0]
    if not name.startswith("parley_bench"):
        sys.exit(f"bench: the database name must start with parley_bench, not {name!r}")
    return url


def ensure_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(*, migrate: bool = True) -> None:
    """Django as the tests run it: production settings, DEBUG off, http, MD5 passwords."""
    url = database_url()
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory and renders differently
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # one JSON line per request would drown it
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def spread(values: list[float]) -> dict:
    """Median, min, max and n of some measurements."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(function, *, runs: int, slow: float = 2.0, budget: float = 60.0):
    """Run `function` up to `runs` times: (seconds per run, last result).

    Stops early once a run takes over `slow` seconds (after two runs) or `budget` seconds have
    gone, so a page that takes ten seconds does not hold the whole suite.
    """
    seconds, result, began = [], None, time.perf_counter()
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
        if (len(seconds) >= 2 and seconds[-1] > slow) or time.perf_counter() - began > budget:
            break
    return seconds, result


def save(section: str, data: dict) -> None:
    """Leave a step's figures for report.py, saying when and on which database."""
    from datetime import UTC, datetime

    from django.db import connection

    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {**data, "measured": f"{datetime.now(UTC):%Y-%m-%d %H:%M}"}
    data["database"] = connection.vendor
    (RESULTS / f"{section}.json").write_text(json.dumps(data, indent=1, default=str))


def picked(item: str) -> bool:
    """Whether `make bench BENCH=...` asked for this item (all of them when BENCH is unset)."""
    names = {n.strip() for n in os.environ.get("BENCH", "").split(",") if n.strip()}
    return not names or item in names


def ms(value: float) -> str:
    return f"{value * 1000:,.1f} ms" if value < 1 else f"{value:,.2f} s"


def spread_text(values: dict) -> str:
    if values["n"] == 1:
        return f"{ms(values['median'])} (n=1)"
    return f"{ms(values['median'])} ({ms(values['min'])}–{ms(values['max'])}, n={values['n']})"
