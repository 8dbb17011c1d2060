"""Item 1 of issue 10: import of the ~323,000-word plain-text transcript, seconds and memory.

    python bench/bench_import.py [--words 323000] [--repeat 3] [PATH]
    python bench/bench_import.py --upload [--megabytes 19]   # the browser's preview + confirm

The synthetic transcript is the seed's turns repeated, hard-wrapped (bench_parsing.synthesise).
Each import runs in a transaction that is rolled back, so the database is left as it was. Peak
memory is the Python heap's peak during one more import under tracemalloc (which slows it, so
its time is not the one reported) and the process's peak resident memory.
"""

import argparse
import logging
import resource
import time
import tracemalloc
from pathlib import Path

from common import quick, save, setup, spread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--words", type=int, default=323_000)
    parser.add_argument("--repeat", type=int, default=2 if quick() else 3)
    parser.add_argument("--upload", action="store_true", help="time preview + confirm instead")
    parser.add_argument("--megabytes", type=float, default=19)
    options = parser.parse_args()
    setup()
    if options.upload:
        return upload(options.megabytes)
    from bench_parsing import synthesise
    from django.db import transaction

    from transcripts.importers import import_transcript, parse

    logging.getLogger("transcripts.importers").setLevel(logging.WARNING)
    data = options.path.read_bytes() if options.path else synthesise(options.words)
    parsed = parse(data)

    def once() -> float:
        with transaction.atomic():
            started = time.perf_counter()
            import_transcript(data, filename="bench.txt")
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        return seconds

    def parse_once() -> float:
        started = time.perf_counter()
        parse(data)
        return time.perf_counter() - started

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    imports = [once() for _ in range(options.repeat)]
    parses = [parse_once() for _ in range(options.repeat)]
    tracemalloc.start()
    once()
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result = {
        "words": sum(len(turn.text.split()) for turn in parsed.turns),
        "turns": len(parsed.turns),
        "passages": sum(len(turn.passages) for turn in parsed.turns),
        "megabytes": len(data) / 2**20,
        "import": spread(imports),
        "parse": spread(parses),
        "heap_peak_mb": heap_peak / 2**20,
        "rss_before_mb": rss_before / 1024,
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(result)
    save("import", result)


def upload(megabytes: float) -> None:
    """The largest legal upload through the import view: preview (parse, stash) then confirm
    (the stashed parse written), seconds and CPU seconds each, in Django's test client. The
    transcript is deleted afterwards."""
    import re

    from bench_parsing import synthesise
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from annotations.models import Project

    data = synthesise(int(megabytes * 2**20 / 5.9))  # the seed's ~5.9 bytes a word
    user, _ = get_user_model().objects.get_or_create(username="bench-upload")
    project = Project.objects.filter(slug="bench-upload").first()
    project = project or Project.create_with_default_tags(slug="bench-upload", owner=user)
    project.transcripts.all().delete()
    client = Client()
    client.force_login(user)
    url = f"/p/{project.slug}/import/"

    def timed_post(fields) -> tuple[float, float, object]:
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post(url, fields, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.content[:500]
        return time.perf_counter() - wall, time.process_time() - cpu, response

    upload = SimpleUploadedFile("upload.txt", data, content_type="text/plain")
    preview, preview_cpu, response = timed_post({"file": upload, "action": "preview"})
    token = re.search(r'name="staged" value="([^"]+)"', response.text).group(1)
    confirm, confirm_cpu, _ = timed_post({"staged": token, "action": "confirm"})
    transcript = project.transcripts.get()
    result = {
        "megabytes": len(data) / 2**20,
        "turns": transcript.turns.count(),
        "passages": transcript.passages.count(),
        "preview_s": preview,
        "preview_cpu_s": preview_cpu,
        "confirm_s": confirm,
        "confirm_cpu_s": confirm_cpu,
    }
    project.transcripts.all().delete()
    print(result)
    save("upload", result)


if __name__ == "__main__":
    main()
