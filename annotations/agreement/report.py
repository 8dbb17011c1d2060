"""From plain rows (units, who coded what, annotations) to the figures per tag, pair and transcript.

The query layer (`annotations/agreement_data.py`) reads the rows; everything here is pure, so
the page, the command and the tests compute the same figures from the same `Inputs`.

Units are a transcript's spoken passages. A coder's value on a unit, for tag G, is 1 if they
put at least one G annotation on the passage, else 0, and missing (None) on transcripts they
did not code. Project figures pool the units of all transcripts.
"""

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

from .reliability import Estimate, cohen_kappa, krippendorff_alpha, mean_defined
from .spans import Span, link_f1, span_f1


@dataclass(frozen=True)
class Inputs:
    """Everything agreement needs, as plain values.

    `units`: (transcript, passage) for every spoken passage, in reading order.
    `coded`: transcript -> the coders whose work on it counts (e.g. who marked it done).
    `tags`: tag name -> whether it needs a target (then link agreement is reported).
    `annotations`: (tag name, coder, transcript, Span) per annotation; rows on passages that
    are not units, or by coders who did not code that transcript, are ignored.
    """

    units: Sequence[tuple[int, int]]
    coded: Mapping[int, frozenset[Hashable]]
    tags: Mapping[str, bool]
    annotations: Sequence[tuple[str, Hashable, int, Span]]

    def by_transcript(self) -> dict[int, "Inputs"]:
        """The same inputs split per transcript (one pass over the rows)."""
        units, annotations = defaultdict(list), defaultdict(list)
        for unit in self.units:
            units[unit[0]].append(unit)
        for row in self.annotations:
            annotations[row[2]].append(row)
        return {
            transcript: Inputs(
                units=rows,
                coded={transcript: self.coded.get(transcript, frozenset())},
                tags=self.tags,
                annotations=annotations[transcript],
            )
            for transcript, rows in units.items()
        }

    @property
    def coders(self) -> list:
        return sorted({coder for coders in self.coded.values() for coder in coders}, key=str)


@dataclass(frozen=True)
class PairFigures:
    a: Hashable
    b: Hashable
    kappa: Estimate  # over the units both coded; `kappa.units` counts them
    f1_exact: Estimate
    f1_overlap: Estimate
    a_count: int  # a's annotations of the tag on the transcripts both coded
    b_count: int
    link_exact: Estimate | None = None  # None for tags without targets
    link_overlap: Estimate | None = None
    a_links: int = 0
    b_links: int = 0


@dataclass(frozen=True)
class TagFigures:
    tag: str
    coders: list
    alpha: Estimate  # nominal, all coders, missing allowed; `alpha.units` = pairable units
    units: int  # units coded by at least one coder
    pairs: list[PairFigures] = field(default_factory=list)
    links: bool = False

    @property
    def mean_kappa(self) -> Estimate:
        return mean_defined(pair.kappa for pair in self.pairs)


def tag_figures(inputs: Inputs, tag: str) -> TagFigures:
    coders = inputs.coders
    spans: dict[Hashable, dict[int, list[Span]]] = defaultdict(lambda: defaultdict(list))
    passages = {passage for _, passage in inputs.units}
    for name, coder, transcript, span in inputs.annotations:
        if name == tag and span.passage in passages and coder in inputs.coded.get(transcript, ()):
            spans[coder][transcript].append(span)
    marked: dict[int, set] = defaultdict(set)  # passage -> coders who put the tag on it
    for coder, by_transcript in spans.items():
        for rows in by_transcript.values():
            for span in rows:
                marked[span.passage].add(coder)
    # Most passages carry no mark: they share their transcript's row of 0 (coded) / None.
    blank = {
        transcript: tuple(0 if coder in who else None for coder in coders)
        for transcript, who in inputs.coded.items()
    }
    nobody = (None,) * len(coders)
    rows = [
        tuple(
            None if value is None else int(coder in marked[passage])
            for coder, value in zip(coders, blank.get(transcript, nobody), strict=True)
        )
        if passage in marked
        else blank.get(transcript, nobody)
        for transcript, passage in inputs.units
    ]
    links = inputs.tags.get(tag, False)
    pairs = []
    for (i, a), (j, b) in combinations(enumerate(coders), 2):
        shared = [t for t, who in inputs.coded.items() if a in who and b in who]
        a_spans = [s for t in shared for s in spans[a].get(t, [])]
        b_spans = [s for t in shared for s in spans[b].get(t, [])]
        pair = PairFigures(
            a=a,
            b=b,
            kappa=cohen_kappa((r[i], r[j]) for r in rows if r[i] is not None and r[j] is not None),
            f1_exact=span_f1(a_spans, b_spans, exact=True),
            f1_overlap=span_f1(a_spans, b_spans, exact=False),
            a_count=len(a_spans),
            b_count=len(b_spans),
        )
        if links:
            pair = replace(
                pair,
                link_exact=link_f1(a_spans, b_spans, exact=True),
                link_overlap=link_f1(a_spans, b_spans, exact=False),
                a_links=sum(span.is_link for span in a_spans),
                b_links=sum(span.is_link for span in b_spans),
            )
        pairs.append(pair)
    return TagFigures(
        tag=tag,
        coders=coders,
        alpha=krippendorff_alpha(rows),
        units=sum(any(v is not None for v in row) for row in rows),
        pairs=pairs,
        links=links,
    )


@dataclass(frozen=True)
class Report:
    """Figures per tag for the whole selection, and per tag for each transcript in it."""

    tags: dict[str, TagFigures]
    transcripts: dict[int, dict[str, TagFigures]]


def build_report(inputs: Inputs, *, tags: Sequence[str] | None = None) -> Report:
    """Per-tag figures pooled over all transcripts, then for each transcript on its own."""
    names = list(inputs.tags) if tags is None else list(tags)
    unknown = set(names) - set(inputs.tags)
    if unknown:
        raise ValueError(f"no such tag: {', '.join(sorted(unknown))}")
    per_transcript = {
        transcript: {name: tag_figures(part, name) for name in names}
        for transcript, part in inputs.by_transcript().items()
    }
    return Report({name: tag_figures(inputs, name) for name in names}, per_transcript)


def rounded(estimate: Estimate | None, digits: int = 4) -> float | None:
    if estimate is None or estimate.value is None:
        return None
    return round(estimate.value, digits)


def tag_json(figures: TagFigures) -> dict[str, Any]:
    """One tag in the JSON contract (README, "Agreement"): undefined figures are null."""
    links = None
    if figures.links:
        links = {
            "pairs": [
                {
                    "a": str(pair.a),
                    "b": str(pair.b),
                    "f1_exact": rounded(pair.link_exact),
                    "f1_overlap": rounded(pair.link_overlap),
                    "a_count": pair.a_links,
                    "b_count": pair.b_links,
                }
                for pair in figures.pairs
            ]
        }
    return {
        "units": figures.units,
        "coders": [str(coder) for coder in figures.coders],
        "alpha": rounded(figures.alpha),
        "pairs": [
            {
                "a": str(pair.a),
                "b": str(pair.b),
                "kappa": rounded(pair.kappa),
                "units": pair.kappa.units,
                "f1_exact": rounded(pair.f1_exact),
                "f1_overlap": rounded(pair.f1_overlap),
                "a_count": pair.a_count,
                "b_count": pair.b_count,
            }
            for pair in figures.pairs
        ],
        "links": links,
    }


def report_json(report: Report, *, project: str) -> dict[str, Any]:
    """The `agreement --format json` contract: figures rounded to 4 decimals, null if undefined."""
    return {
        "project": project,
        "tags": {name: tag_json(figures) for name, figures in report.tags.items()},
        "transcripts": {
            str(transcript): {
                "project": project,
                "tags": {name: tag_json(figures) for name, figures in tags.items()},
            }
            for transcript, tags in report.transcripts.items()
        },
    }


ROW_COLUMNS = [
    "transcript",
    "tag",
    "units",
    "coders",
    "alpha",
    "a",
    "b",
    "kappa",
    "pair_units",
    "f1_exact",
    "f1_overlap",
    "a_count",
    "b_count",
]


def report_rows(contract: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON contract flattened for CSV and tables: one row per tag and pair, project-wide
    (transcript blank) first, then per transcript; a tag with fewer than two coders still has
    a row (pair blank), so its α and units show."""
    scopes = [("", contract["tags"])]
    scopes += [(key, part["tags"]) for key, part in contract["transcripts"].items()]
    rows = []
    for transcript, tags in scopes:
        for name, figures in tags.items():
            base = {
                "transcript": transcript,
                "tag": name,
                "units": figures["units"],
                "coders": len(figures["coders"]),
                "alpha": figures["alpha"],
            }
            blank = dict.fromkeys(ROW_COLUMNS[5:])
            pairs = [{**pair, "pair_units": pair["units"]} for pair in figures["pairs"]] or [blank]
            rows += [{**blank, **{k: p.get(k) for k in ROW_COLUMNS[5:]}, **base} for p in pairs]
    return rows
