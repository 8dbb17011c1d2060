"""Write bench/RESULTS.md from the JSON the bench scripts left in bench/.results/."""

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from common import RESULTS, ROOT, VENDOR, ms, quick, setup, spread_text


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
    run = load("run") or {}
    at_start = run.get("load_at_start")
    start = f"{at_start[0]:.1f} / {at_start[1]:.1f} / {at_start[2]:.1f}" if at_start else "?"
    end = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    return [
        f"- date: run started {run.get('started', '?')}, report written "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit `{commit}`; items: "
        f"{', '.join(run.get('items', [])) or '?'}",
        f"- machine: {cpu}, {os.cpu_count()} cores, {memory:.0f} GB; Python "
        f"{platform.python_version()}",
        f"- load average (1 / 5 / 15 min) at the start {start}, at the end {end}. The machine is "
        "shared with other engineers' sessions (tests, browsers, servers) while this runs: on "
        "2 cores a load of 8 means this run gets roughly a quarter of a core's time, so wall "
        "times here are several times what a quiet machine gives. Where it helps, Python's own "
        "CPU time is shown beside the wall time.",
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
        "Python CPU = the request's CPU time in Django's process (median): the rest of the "
        "wall time is the database's and waiting for a core on the shared machine. The cycle "
        "is create, change, delete, then undo (of the delete: the annotation is re-created).",
        "",
        "| where | action | p50 | p95 | Python CPU | n | KB (max) | queries (max) | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|:---:|",
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
                f"| {where} | {action} | {ms(row['p50'])} | {ms(row['p95'])} "
                f"| {ms(row['cpu_p50']) if 'cpu_p50' in row else ''} | {row['n']} "
                f"| {row['bytes'] / 1024:,.1f} | {row['queries']} | {verdict(good)} |"
            )
    return lines


def bulk_section(data) -> list[str]:
    return [
        "## 4. Bulk import of 20,000 annotations from a long CSV (target: under 1 s)",
        "",
        f"{data['rows']:,} rows ({data['csv_mb']:.1f} MB CSV): {spread_text(data['total'])} — "
        f"read and match {spread_text(data['plan'])}, write {spread_text(data['write'])}; "
        f"Python CPU time {spread_text(data['python_cpu'])} (the rest is waiting for a core "
        "or for the database). "
        f"Target {verdict(data['total']['median'] < 1)}.",
    ]


def export_section(data) -> list[str]:
    lines = [
        "## 5. Export (targets: 20k rows under 0.5 s; ≥ 100,000 rows/s at 1M and within 4× of "
        "COPY; memory growth under 50 MB from 20k to 1M)",
        "",
        "| annotations | format | seconds | rows/s | Python CPU | MB written | peak RSS "
        "| growth in run |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in data["exports"]:
        cpu = ms(row["cpu"]["median"]) if "cpu" in row else ""
        lines.append(
            f"| {row['size']} ({row['rows']:,}) | {row['kind']} | {spread_text(row['seconds'])} "
            f"| {row['rows_per_s']:,.0f} | {cpu} | {row['mb_written']:,.1f} "
            f"| {row['peak_rss_mb']:.0f} MB | {row['growth_mb']:.0f} MB |"
        )
    lines += ["", "rows/s of wide-csv counts annotations read (it writes one row per passage)."]
    return lines


def agreement_section(data) -> list[str]:
    return [
        "## 6. Agreement (no target in the issue)",
        "",
        f"{data['passages']:,} spoken passages, {data['annotations']:,} annotations, "
        f"{data['annotators']} annotators: reading the rows {spread_text(data['read'])}, "
        f"the maths {spread_text(data['maths'])}; peak RSS {data['rss_peak_mb']:.0f} MB "
        f"(from {data['rss_before_mb']:.0f} MB before).",
    ]


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


def targets_section() -> list[str]:
    """One line per target of issue 10: met, or missed by how much, and what limits it."""
    rows = []

    def add(target, figure, ok, why=""):
        rows.append(f"| {target} | {figure} | {verdict(ok)} | {'' if ok else why} |")

    if data := load("import"):
        t = data["import"]["median"]
        add("import of the 323,000-word transcript < 1 s", ms(t), t < 1,
            f"{t:.1f}× the target; parse alone {ms(data['parse']['median'])}: the rest is "
            "writing ~18,000 rows (COPY) and the foreign-key checks at commit")  # fmt: skip
    if (data := load("pages")) and data.get("pages"):
        pages = [p for p in data["pages"] if not p.get("refused")]
        slow = [p for p in pages if p["seconds"]["median"] >= 0.1]
        big = [p for p in pages if p["bytes"] > 200 * 1024]
        worst = max(pages, key=lambda p: p["seconds"]["median"])
        by_page = {}
        for p in pages:
            by_page.setdefault(p["page"], set()).add(p["queries"])
        grows = sorted(name for name, counts in by_page.items() if len(counts) > 1)
        add("every page < 100 ms", f"{len(pages) - len(slow)}/{len(pages)} under; slowest "
            f"{worst['page']} ({worst['turns']} turns) {ms(worst['seconds']['median'])}",
            not slow, f"{len(slow)} page(s) over, up to {worst['seconds']['median'] * 10:.1f}× "
            "the target: template rendering of ~80 passages a chunk and 100 admin rows a page "
            "(Python CPU), and the transcript list's per-transcript counts of turns, passages "
            "and speakers (not stored)")  # fmt: skip
        add("every page < 200 KB", f"{len(pages) - len(big)}/{len(pages)} under", not big,
            ", ".join(sorted({p["page"] for p in big})))  # fmt: skip
        add("queries independent of size (100 vs 5,000 turns)",
            "same count at both sizes" if not grows else "differ: " + ", ".join(grows),
            not grows, "the annotation change form's count follows the annotation's content "
            "(its target and answers), not the transcript's size")  # fmt: skip
    if (data := load("pages")) and data.get("tag_actions"):
        actions = [(w, a, r) for w, acts in data["tag_actions"].items() for a, r in acts.items()]
        p50 = max(r["p50"] for _, _, r in actions)
        p95 = max(r["p95"] for _, _, r in actions)
        queries = max(r["queries"] for _, _, r in actions)
        size = max(r["bytes"] for _, _, r in actions)
        add("tag action p50 < 8 ms", f"worst {ms(p50)}", p50 < 0.008,
            f"{p50 / 0.008:.0f}× the target, the same at both sizes now (stored counters): "
            "Python CPU of 40-50 ms a request (the ORM building SQL ~40%, the passages an action "
            "touched ~23%, templates ~12%) and ten round trips to the database")  # fmt: skip
        add("tag action p95 < 20 ms", f"worst {ms(p95)}", p95 < 0.02, f"{p95 / 0.02:.1f}×")
        add(
            "tag action ≤ 10 queries",
            f"at most {queries}",
            queries <= 10,
            "create, change, delete and undo of a create 10; undo of a delete 11: it re-creates "
            "the row and reads the project's tags to check it",
        )
        add("tag action < 10 KB", f"at most {size / 1024:.1f} KB", size < 10240)
    if data := load("bulk"):
        t = data["total"]["median"]
        add("bulk import of 20,000 annotations < 1 s", f"{ms(t)} (Python CPU "
            f"{ms(data['python_cpu']['median'])})" if "python_cpu" in data else ms(t), t < 1,
            f"{t:.1f}× the target: reading and matching the CSV in Python, then COPY of 20,000 "
            "rows and their events and the foreign-key checks in the database")  # fmt: skip
    if data := load("export"):
        found = {(r["size"], r["kind"]): r for r in data["exports"]}
        if small := found.get(("20k", "csv")):
            t = small["seconds"]["median"]
            add("export of 20,000 rows < 0.5 s", ms(t), t < 0.5,
                f"{t / 0.5:.1f}×; even a bare COPY of the same join takes most of the budget "
                "(the query scans the project's annotations and joins seven tables), then "
                "Python formats each row")  # fmt: skip
        if (big := found.get(("1M", "csv"))) is not None:
            rate = big["rows_per_s"]
            add("export ≥ 100,000 rows/s at 1M", f"{rate:,.0f} rows/s", rate >= 100_000,
                f"{100_000 / rate:.1f}× short; the floor itself, a bare COPY of the same join, "
                "is under 100,000 rows/s on this machine (see the table), and the rest is "
                "per-row Python (csv writing, the formula guard)")  # fmt: skip
            if copy := found.get(("1M", "copy")):
                ratio = big["seconds"]["median"] / copy["seconds"]["median"]
                add(
                    "export within 4× of COPY",
                    f"{ratio:.1f}× COPY's time",
                    ratio <= 4,
                    "COPY formats in the server, in C",
                )
            if small:
                growth = big["peak_rss_mb"] - small["peak_rss_mb"]
                add("export memory growth < 50 MB from 20k to 1M", f"{growth:+.0f} MB peak RSS",
                    growth < 50, "")  # fmt: skip
    if (data := load("load")) and "skipped" not in data:
        add("20 annotators: p95 < 100 ms", ms(data["p95"]), data["p95"] < 0.1,
            f"{data['p95'] / 0.1:.1f}×: 20 clients share the 2 cores with the server and its "
            "workers, each create costing ~45 ms of Python CPU")  # fmt: skip
        add("20 annotators: zero errors", str(len(data["errors"])), not data["errors"], "")
        lost = data["lost"] + data["duplicated"] + data["unexpected"]
        add("20 annotators: nothing lost or duplicated", f"lost {data['lost']}, duplicated "
            f"{data['duplicated']}", not lost, "")  # fmt: skip
        worker = max(data["worker_rss_mb"] or [0])
        add("< 120 MB resident per worker", f"largest {worker:.0f} MB", worker < 120, "")
    if not rows:
        return []
    return [
        "## Targets: met, or missed by how much and why",
        "",
        "| target | this run | verdict | by how much, and what limits it |",
        "|---|---|:---:|---|",
        *rows,
        "",
    ]


def main() -> None:
    setup(migrate=False)
    failed = sys.argv[1:]
    lines = ["# make bench: results", "", *machine(), ""]
    if failed:
        lines += [f"Failed steps: {', '.join(failed)} (see the run's output).", ""]
    lines += targets_section()
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
        if data and data.get("measured"):  # a step not picked this time keeps its last figures
            lines += [f"(measured {data['measured']} UTC)", ""]
        if name == "export":
            data = load("agreement")
            lines += agreement_section(data) if data else ["## 6. Agreement", "", "not measured"]
            lines += [""] + ([f"(measured {data['measured']} UTC)", ""] if data else [])
    text = "\n".join(lines)
    # RESULTS.md is the latest run; each database's own copy stays beside it.
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    (ROOT / "bench" / f"RESULTS-{VENDOR}.md").write_text(text)


if __name__ == "__main__":
    main()
