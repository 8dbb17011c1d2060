"""Chance-corrected agreement coefficients: Krippendorff's alpha, Cohen's and Fleiss' kappa.

Pure Python on plain sequences; every function returns an `Estimate`, whose `value` is None
(with a `reason`) where the coefficient is 0/0 rather than a number. The formulas follow the
papers the tests reproduce: Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability",
Cohen (1960) and Fleiss (1971).
"""

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

# One row per unit (passage), one column per coder; None where that coder did not code it.
ReliabilityData = Sequence[Sequence[Hashable | None]]


@dataclass(frozen=True)
class Estimate:
    """A coefficient and what stands behind it.

    `value` is None when the coefficient is undefined, and `reason` then says why in words a
    page can show. `units` counts the units that entered the computation (pairable units for
    alpha, items for Cohen's kappa, subjects for Fleiss' kappa), so a figure is never shown
    without the evidence behind it.
    """

    value: float | None
    units: int
    reason: str = ""

    @property
    def defined(self) -> bool:
        return self.value is not None


def undefined(reason: str, units: int = 0) -> Estimate:
    return Estimate(None, units, reason)


class Level(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


# --- Krippendorff's alpha ----------------------------------------------------------------


def coincidences(data: ReliabilityData) -> tuple[Counter, int]:
    """The coincidence matrix o_ck of the pairable values, and how many units are pairable.

    Each unit with m >= 2 values contributes every ordered pair of values from different
    coders, weighted 1/(m - 1), so that each pairable value counts once in the marginals.
    """
    matrix: Counter = Counter()
    pairable = 0
    # Units with the same values contribute the same pairs: presence data (0/1 per coder)
    # has a handful of distinct rows however many passages, so count each kind once.
    kinds = Counter(tuple(sorted((v for v in row if v is not None), key=repr)) for row in data)
    for values, units in kinds.items():
        m = len(values)
        if m < 2:
            continue
        pairable += units
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[c, k] += units * pairs / (m - 1)
    return matrix, pairable


def _nominal(c, k) -> float:
    return 0.0 if c == k else 1.0


def _interval(c, k) -> float:
    return float(c - k) ** 2


def _ratio(c, k) -> float:
    # Both zero: no difference (the formula's 0/0); ratio data have a true zero.
    return 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2


def _ordinal(marginals: dict, order: Sequence[Hashable]) -> Callable[[Hashable, Hashable], float]:
    """Krippendorff's ordinal metric: the marginal mass between two ranks, halved at the ends."""
    rank = {value: index for index, value in enumerate(order)}
    cumulative = [0.0]
    for value in order:
        cumulative.append(cumulative[-1] + marginals.get(value, 0.0))

    def delta(c, k) -> float:
        low, high = sorted((rank[c], rank[k]))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (marginals.get(c, 0.0) + marginals.get(k, 0.0)) / 2) ** 2

    return delta


def krippendorff_alpha(
    data: ReliabilityData,
    level: Level | str = Level.NOMINAL,
    *,
    order: Sequence[Hashable] | None = None,
) -> Estimate:
    """Krippendorff's alpha for units x coders data with missing values (None).

    `level` picks the difference function: nominal (any hashable values), ordinal (values
    ranked by `order`, default sorted), interval and ratio (numbers). alpha = 1 - D_o / D_e;
    undefined with no units or fewer than two coders, when no unit has two values, or when the
    pairable values show no variation (D_e = 0: everybody used one value, so agreement cannot
    be told from chance).
    """
    level = Level(level)
    if not data:
        return undefined("no units")
    if max(len(row) for row in data) < 2:
        return undefined("fewer than two coders")
    matrix, pairable = coincidences(data)
    if not pairable:
        return undefined("no unit was coded by two or more coders")
    marginals: dict = {}
    for (c, _k), weight in matrix.items():
        marginals[c] = marginals.get(c, 0.0) + weight
    if len(marginals) < 2:
        return undefined("no variation: every pairable value is the same", pairable)
    if level is Level.NOMINAL:
        delta = _nominal
    elif level is Level.ORDINAL:
        ranked = list(order) if order is not None else sorted(marginals)
        missing = set(marginals) - set(ranked)
        if missing:
            raise ValueError(f"values missing from the ordinal order: {sorted(missing)!r}")
        delta = _ordinal(marginals, ranked)
    else:
        delta = _interval if level is Level.INTERVAL else _ratio
    n = sum(marginals.values())
    observed = sum(weight * delta(c, k) for (c, k), weight in matrix.items())
    expected = sum(
        n_c * n_k * delta(c, k) for c, n_c in marginals.items() for k, n_k in marginals.items()
    )
    if expected == 0:
        return undefined("no variation: the pairable values do not differ", pairable)
    return Estimate(1 - (n - 1) * observed / expected, pairable)


def observed_agreement(data: ReliabilityData) -> Estimate:
    """Share of agreeing value pairs among the pairable values (1 - nominal D_o).

    Pairs within a unit are weighted 1/(m - 1) as in alpha's coincidence matrix; with the
    same number of coders on every unit this is Fleiss' P-bar, with two coders the plain
    percentage agreement. Undefined when no unit has two values.
    """
    matrix, pairable = coincidences(data)
    total = sum(matrix.values())
    if not total:
        return undefined("no unit was coded by two or more coders")
    return Estimate(sum(w for (c, k), w in matrix.items() if c == k) / total, pairable)


# --- Cohen's kappa -------------------------------------------------------------------------


def cohen_kappa_table(table: Sequence[Sequence[float]]) -> Estimate:
    """Cohen's kappa from a k x k table (rows: coder A's category, columns: coder B's).

    Cells may be counts or proportions (then `units` is 0: unknown). Undefined with no items,
    or when chance agreement is 1 (both coders used one and the same category throughout:
    kappa is 0/0, not "perfect").
    """
    size = len(table)
    if any(len(row) != size for row in table):
        raise ValueError("Cohen's kappa needs a square table")
    total = sum(sum(row) for row in table)
    if not total:
        return undefined("no items coded by both coders")
    # Proportions do not say how many items there were: then `units` is 0.
    counts = all(float(cell).is_integer() for row in table for cell in row)
    items = int(total) if counts else 0
    observed = sum(table[i][i] for i in range(size)) / total
    rows = [sum(row) / total for row in table]
    columns = [sum(row[j] for row in table) / total for j in range(size)]
    expected = sum(r * c for r, c in zip(rows, columns, strict=True))
    if expected >= 1:
        return undefined("no variation: both coders used a single category", items)
    return Estimate((observed - expected) / (1 - expected), items)


def cohen_kappa(pairs: Iterable[tuple[Hashable, Hashable]]) -> Estimate:
    """Cohen's kappa for two coders from (a's value, b's value) per item both coded."""
    pairs = list(pairs)
    categories = sorted({v for pair in pairs for v in pair}, key=repr)
    index = {category: i for i, category in enumerate(categories)}
    table = [[0] * len(categories) for _ in categories]
    for a, b in pairs:
        table[index[a]][index[b]] += 1
    return cohen_kappa_table(table)


def pairwise_kappas(data: ReliabilityData) -> dict[tuple[int, int], Estimate]:
    """Cohen's kappa for each pair of coder columns (i < j), over the units both coded."""
    coders = max((len(row) for row in data), default=0)
    return {
        (i, j): cohen_kappa(
            (row[i], row[j]) for row in data if row[i] is not None and row[j] is not None
        )
        for i, j in combinations(range(coders), 2)
    }


def mean_defined(estimates: Iterable[Estimate]) -> Estimate:
    """Mean of the defined values (e.g. mean pairwise kappa); `units` sums theirs."""
    defined = [e for e in estimates if e.value is not None]
    if not defined:
        return undefined("no pair has a defined value")
    return Estimate(sum(e.value for e in defined) / len(defined), sum(e.units for e in defined))


# --- Fleiss' kappa -------------------------------------------------------------------------


def _fleiss_shape(table: Sequence[Sequence[int]]) -> int:
    raters = {sum(row) for row in table}
    if len(raters) > 1:
        raise ValueError(f"Fleiss' kappa needs the same number of ratings per subject: {raters}")
    return raters.pop() if raters else 0


def fleiss_kappa(table: Sequence[Sequence[int]]) -> Estimate:
    """Fleiss' kappa from a subjects x categories table of rating counts.

    Every subject must have the same number of ratings n >= 2 (a ValueError otherwise: that
    is a malformed table, not low agreement). Undefined with no subjects, or when every
    rating falls in one category (chance agreement 1).
    """
    subjects = len(table)
    n = _fleiss_shape(table)
    if not subjects:
        return undefined("no subjects")
    if n < 2:
        return undefined("fewer than two ratings per subject", subjects)
    p_bar = sum(sum(c * (c - 1) for c in row) for row in table) / (subjects * n * (n - 1))
    shares = [sum(row[j] for row in table) / (subjects * n) for j in range(len(table[0]))]
    p_e = sum(p * p for p in shares)
    if p_e >= 1:
        return undefined("no variation: every rating is the same category", subjects)
    return Estimate((p_bar - p_e) / (1 - p_e), subjects)


def fleiss_category_kappas(table: Sequence[Sequence[int]]) -> list[Estimate]:
    """Fleiss' (1971) kappa for each category j: agreement on "j or not j"."""
    subjects = len(table)
    n = _fleiss_shape(table)
    if not subjects:
        return []
    if n < 2:
        return [undefined("fewer than two ratings per subject", subjects)] * len(table[0])
    result = []
    for j in range(len(table[0])):
        p = sum(row[j] for row in table) / (subjects * n)
        if p in (0, 1):
            result.append(undefined("no variation in this category", subjects))
            continue
        disagreement = sum(row[j] * (n - row[j]) for row in table)
        result.append(Estimate(1 - disagreement / (subjects * n * (n - 1) * p * (1 - p)), subjects))
    return result
