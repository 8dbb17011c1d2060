"""Write bench/RESULTS.md from the JSON the bench scripts left in bench/.results/."""

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from common import RESULTS, ROOT, ms, quick, setup, spread_text


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line]
    cpu = models[0] if models else platform.processor()
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit `{commit}`",
        f"- machine: {cpu}, {os.cpu_count()} cores, {memory:.0f} GB; Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f} at the end "
        "(other sessions share this machine: times move with it)",
        f"- database: {connection.vendor} {version}" + (" (--quick pass)" if quick() else ""),
        "- settings: tests.settings (production settings, DEBUG off); the Django test client "
        "for pages and tag actions, gunicorn (`make serve`) for the load test",
    ]


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def import_section(data) -> list[str]:
    return [
        "## 1. Import of the ~323,000-word transcript (target: under 1 s)",
        "",
        f"{data['words']:,} words, {data['turns']:,} turns, {data['passages']:,} passages, "
        f"{data['megabytes']:.1f} MB: import {spread_text(data['import'])} "
        f"(parse alone {spread_text(data['parse'])}); heap peak {data['heap_peak_mb']:.0f} MB, "
        f"process peak RSS {data['rss_peak_mb']:.0f} MB. "
        f"Target {verdict(data['import']['median'] < 1)}.",
    ]


def pages_section(data) -> list[str]:
    lines = [
        "## 2. The URL sweep (target: under 100 ms and 200 KB, queries independent of size)",
        "",
        "Project of 101,000 annotations; the 100-turn transcript has 1,000, the 5,000-turn one "
        "20,000. `original_text` = the page's SQL reads the column.",
        "",
        "| page | turns | server time | KB | queries | original_text | target |",
        "|---|---:|---:|---:|---:|:---:|:---:|",
    ]
    for row in data["pages"]:
        if row.get("refused"):
            lines.append(
                f"| {row['page']} | {row['turns']} | refused: multi-join COUNT(DISTINCT) "
                "(never finishes; it filled the disk on SQLite) | | | | **missed** |"
            )
            continue
        good = row["seconds"]["median"] < 0.1 and row["bytes"] <= 200 * 1024
        reads = "yes" if row["original_text"] else ""
        lines.append(
            f"| {row['page']} | {row['turns']} | {spread_text(row['seconds'])} "
            f"| {row['bytes'] / 1024:,.1f} | {row['queries']} | {reads} "
            f"| {verdict(good)} |"
        )
    lines += [
        "",
        "## 3. Tag actions through the htmx endpoints (target: p50 < 8 ms, p95 < 20 ms, "
        "≤ 10 queries, < 10 KB)",
        "",
        "| where | action | p50 | p95 | n | KB (max) | queries (max) | target |",
        "|---|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for where, actions in data["tag_actions"].items():
        for action, row in actions.items():
            good = (
                row["p50"] < 0.008
                and row["p95"] < 0.02
                and row["queries"] <= 10
                and row["bytes"] < 10240
            )
            lines.append(
                f"| {where} | {action} | {ms(row['p50'])} | {ms(row['p95'])} | {row['n']} "
                f"| {row['bytes'] / 1024:,.1f} | {row['queries']} | {verdict(good)} |"
            )
    return lines


def bulk_section(data) -> list[str]:
    return [
        "## 4. Bulk import of 20,000 annotations from a long CSV (target: under 1 s)",
        "",
        f"{data['rows']:,} rows ({data['csv_mb']:.1f} MB CSV): {spread_text(data['total'])} — "
        f"read and match {spread_text(data['plan'])}, write {spread_text(data['write'])}. "
        f"Target {verdict(data['total']['median'] < 1)}.",
    ]


def export_section(data) -> list[str]:
    lines = [
        "## 5. Export (targets: 20k rows under 0.5 s; ≥ 100,000 rows/s at 1M and within 4× of "
        "COPY; memory growth under 50 MB from 20k to 1M)",
        "",
        "| annotations | format | seconds | rows/s | MB written | peak RSS | growth in run |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in data["exports"]:
        lines.append(
            f"| {row['size']} ({row['rows']:,}) | {row['kind']} | {spread_text(row['seconds'])} "
            f"| {row['rows_per_s']:,.0f} | {row['mb_written']:,.1f} | {row['peak_rss_mb']:.0f} MB "
            f"| {row['growth_mb']:.0f} MB |"
        )
    lines += ["", "rows/s of wide-csv counts annotations read (it writes one row per passage)."]
    return lines


def load_section(data) -> list[str]:
    if "skipped" in data:
        return ["## 7. Load", "", data["skipped"]]
    return [
        "## 7. Load: 20 annotators against `make serve` (targets: p95 < 100 ms, zero errors, "
        "nothing lost, < 120 MB per worker)",
        "",
        f"{data['users']} annotators, one tag create each about once a second for "
        f"{data['seconds']} s on the 100-turn transcript: {data['requests']} requests, "
        f"{data['ok']} answered 200, {len(data['errors'])} errors "
        f"({', '.join(sorted({str(e) for e in data['errors']})) or 'none'}); "
        f"p50 {ms(data['p50'])}, p95 {ms(data['p95'])}, p99 {ms(data['p99'])} (client side). "
        f"Rows afterwards: {data['rows']} — lost {data['lost']}, duplicated {data['duplicated']}, "
        f"unexpected {data['unexpected']}. Peak RSS of the gunicorn processes (master and "
        f"workers): {', '.join(f'{v:.0f} MB' for v in data['worker_rss_mb'])}.",
    ]


def adjudication_section(data: dict) -> list[str]:
    lines = [
        f"## 12. Adjudication view ({data['turns']:,} turns, {data['annotators']} annotators)",
        "",
        "| step | median | queries | bytes |",
        "|---|---|---|---|",
    ]
    for name, row in data["rows"].items():
        seconds = row["seconds"] if isinstance(row["seconds"], float) else row["seconds"]["median"]
        queries, size = row.get("queries", ""), row.get("bytes", "")
        lines.append(f"| {name} | {ms(seconds)} | {queries} | {size} |")
    return lines


def main() -> None:
    setup(migrate=False)
    failed = sys.argv[1:]
    lines = ["# make bench: results", "", *machine(), ""]
    if failed:
        lines += [f"Failed steps: {', '.join(failed)} (see the run's output).", ""]
    sections = [
        ("import", import_section),
        ("pages", pages_section),
        ("bulk", bulk_section),
        ("export", export_section),
        ("load", load_section),
        ("adjudication", adjudication_section),
    ]
    for name, render in sections:
        data = load(name)
        lines += (render(data) if data else [f"## {name}", "", "not measured in this run"]) + [""]
        if name == "export":
            lines += ["## 6. Agreement", "", "Not measured yet: hook in bench/run.py.", ""]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
