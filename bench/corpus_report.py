"""Run real transcripts through the parser and print what to check by eye. Not a test.

    python bench/corpus_report.py ../shared/corpus/*        # summary per file
    python bench/corpus_report.py -v FILE                   # every turn's first sentences

For a .txt with a brat .ann beside it, also reports how many annotated spans fall inside one
passage's source span, so standoff annotations made on the file map onto passages.
"""

from __future__ import annotations

import argparse
import sys
from bisect import bisect_right
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transcripts.parsing import ParseError, parse_transcript  # noqa: E402


def brat_spans(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            _, kind_offsets, _ = line.split("\t", 2)
            _, *offsets = kind_offsets.split(" ")
            start, end = int(offsets[0]), int(offsets[-1].split(";")[-1])
            yield start, end


def check_brat(parsed, ann: Path) -> str:
    passages = sorted(
        (p.source_start, p.source_end)
        for turn in parsed.turns
        for p in turn.passages
        if p.source_start is not None
    )
    starts = [start for start, _ in passages]
    inside = across = outside = 0
    for start, end in brat_spans(ann):
        index = bisect_right(starts, start) - 1
        if index >= 0 and passages[index][0] <= start and end <= passages[index][1]:
            inside += 1
        elif index >= 0 and start < passages[index][1]:
            across += 1
        else:
            outside += 1
    counts = f"{inside} spans inside one passage, {across} across passages, {outside} outside"
    return f"brat {ann.name}: {counts}"


def report(path: Path, verbose: bool) -> None:
    try:
        parsed = parse_transcript(path.read_bytes(), filename=path.name)
    except ParseError as error:
        print(f"== {path.name}: REFUSED {error}")
        return
    turns = Counter(turn.speaker_label for turn in parsed.turns)
    kinds = Counter(p.kind for turn in parsed.turns for p in turn.passages)
    print(f"== {path.name} [{parsed.format}] {parsed.title!r} {parsed.date} {parsed.source_name!r}")
    print(
        f"   {len(parsed.turns)} turns, {kinds['speech']} sentences, {kinds['stage']} stage notes"
    )
    print("   speakers: " + "; ".join(f"{label} ({count})" for label, count in turns.items()))
    for junk in parsed.metadata.get("stripped", []):
        print(f"   left out {junk['where']}: {junk['text'][:100]!r}")
    for warning in parsed.metadata.get("warnings", []):
        print(f"   warning: {warning}")
    stage = Counter(p.text for turn in parsed.turns for p in turn.passages if p.kind == "stage")
    print(f"   stage notes: {dict(stage.most_common(8))}")
    ann = path.with_suffix(".ann")
    if ann.exists():
        print("   " + check_brat(parsed, ann))
    shown = parsed.turns if verbose else parsed.turns[:2] + parsed.turns[-2:]
    for turn in shown:
        first, last = turn.passages[0].text[:70], turn.passages[-1].text[-50:]
        flag = " (interpreted)" if turn.interpreted else ""
        print(f"   L{turn.line} {turn.speaker_label}{flag}: {first!r} … {last!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args()
    for path in options.paths:
        if path.suffix in {".ann", ".md"}:
            continue
        report(path, options.verbose)


if __name__ == "__main__":
    main()
