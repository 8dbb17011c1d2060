"""How fast is parsing a 300,000-word transcript? No database.

    python bench/bench_parsing.py                 # synthesise ~300,000 words from the seed
    python bench/bench_parsing.py --words 500000  # a different size
    python bench/bench_parsing.py PATH [PATH ...] # time real files (e.g. ../shared/corpus/*)

Reports the whole parse (decode, read, build turns, segment) and sentence segmentation alone,
the part pysbd (~6 s) and syntok (~1.5 s) were measured on in the import issue.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transcripts.parsing import parse_transcript  # noqa: E402
from transcripts.segmenter import segment  # noqa: E402

SEED = ROOT / "demo" / "clinton-lavrov-2009-05-07.txt"


def synthesise(words: int) -> bytes:
    """The seed's turns repeated (hard-wrapped, as on the page) until there are enough words."""
    lines = SEED.read_text().splitlines()
    body = "\n".join(lines[17:353]) + "\n"
    copies = words // len(body.split()) + 1
    header = "\n".join(lines[:17]) + "\n"
    return (header + body * copies).encode()


def timed(function, repeat: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU seconds: CPU time is steadier on a shared machine."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def report(name: str, data: bytes, repeat: int) -> None:
    seconds, cpu, parsed = timed(lambda: parse_transcript(data, filename=name), repeat)
    words = sum(len(turn.text.split()) for turn in parsed.turns)
    passages = sum(len(turn.passages) for turn in parsed.turns)

    def segment_all():
        return sum(len(segment(turn.text)) for turn in parsed.turns)

    segmenting, segmenting_cpu, _ = timed(segment_all, repeat)
    print(
        f"{name}: {words:,} words, {len(parsed.turns):,} turns, {passages:,} passages | "
        f"parse {seconds:.3f} s (CPU {cpu:.3f} s) | segmentation alone {segmenting:.3f} s "
        f"(CPU {segmenting_cpu:.3f} s, {words / max(segmenting_cpu, 1e-9) / 1e6:.2f} M words/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--words", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    if options.paths:
        for path in options.paths:
            report(path.name, path.read_bytes(), options.repeat)
    else:
        report(f"synthetic-{options.words}-words.txt", synthesise(options.words), options.repeat)


if __name__ == "__main__":
    main()
