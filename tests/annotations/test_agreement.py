"""Agreement coefficients against the published worked examples, and their properties (no DB)."""

import ast
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.agreement import (
    Level,
    cohen_kappa,
    cohen_kappa_table,
    coincidences,
    fleiss_category_kappas,
    fleiss_kappa,
    krippendorff_alpha,
    mean_defined,
    observed_agreement,
    pairwise_kappas,
)
from annotations.agreement.reliability import Estimate

_ = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers
# (columns A-D) by twelve units (rows), with missing values.
KRIPPENDORFF_2011 = list(
    zip(
        [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
        [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
        strict=True,
    )
)

# Cohen (1960), Table 1: two judges, three categories, N = 200 (proportions .44 .07 .09 / ...).
COHEN_1960 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
FLEISS_WIKIPEDIA = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each; the diagnosis (1 depression,
# 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other) of every rating. The same data
# are R irr's `diagnoses`.
FLEISS_1971_RATINGS = [
    "444444", "222555", "233335", "555555", "222444", "113333", "333355", "113334",
    "114444", "555555", "144444", "124444", "222333", "144444", "224445", "333335",
    "111455", "111112", "224444", "133555", "555555", "244444", "224555", "114444",
    "144445", "222224", "111155", "224444", "133333", "555555",
]  # fmt: skip
FLEISS_1971 = [[row.count(str(c)) for c in range(1, 6)] for row in FLEISS_1971_RATINGS]


@pytest.mark.parametrize(
    ("level", "printed"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level, printed):
    alpha = krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert round(alpha.value, 3) == printed
    assert alpha.units == 11  # unit 12 has a single value: not pairable


def test_krippendorff_2011_coincidences():
    # The paper's n_c marginals (values 1..5) and n = 40 pairable values.
    matrix, pairable = coincidences(KRIPPENDORFF_2011)
    marginals = Counter()
    for (c, _k), weight in matrix.items():
        marginals[c] += weight
    assert {c: round(n, 6) for c, n in marginals.items()} == {1: 9, 2: 13, 3: 10, 4: 5, 5: 3}
    assert pairable == 11
    assert round(matrix[1, 2], 4) == round(4 / 3, 4)  # o_12 = 4/3 in the paper's table


def test_ordinal_alpha_uses_the_given_order():
    reversed_order = krippendorff_alpha(KRIPPENDORFF_2011, "ordinal", order=[5, 4, 3, 2, 1])
    assert round(reversed_order.value, 3) == 0.815  # the metric is symmetric in direction
    scrambled = krippendorff_alpha(KRIPPENDORFF_2011, Level.ORDINAL, order=[3, 1, 5, 2, 4])
    assert round(scrambled.value, 3) != 0.815


def test_ordinal_alpha_refuses_an_order_missing_a_value():
    with pytest.raises(ValueError, match="missing from the ordinal order"):
        krippendorff_alpha(KRIPPENDORFF_2011, "ordinal", order=[1, 2, 3])


def test_cohen_1960_table():
    kappa = cohen_kappa_table(COHEN_1960)
    assert round(kappa.value, 3) == 0.492
    assert kappa.units == 200


def test_cohen_1960_table_as_proportions():
    proportions = [[cell / 200 for cell in row] for row in COHEN_1960]
    kappa = cohen_kappa_table(proportions)
    assert round(kappa.value, 3) == 0.492
    assert kappa.units == 0  # proportions do not say how many items


def test_cohen_kappa_from_pairs_matches_the_table():
    pairs = [
        (a, b)
        for a, row in enumerate(COHEN_1960)
        for b, count in enumerate(row)
        for _ in range(count)
    ]
    assert cohen_kappa(pairs).value == pytest.approx(cohen_kappa_table(COHEN_1960).value)


def test_cohen_1960_observed_agreement():
    pairs = [
        (a, b)
        for a, row in enumerate(COHEN_1960)
        for b, count in enumerate(row)
        for _ in range(count)
    ]
    assert observed_agreement(pairs).value == pytest.approx(0.70)


def test_cohen_kappa_refuses_a_ragged_table():
    with pytest.raises(ValueError, match="square"):
        cohen_kappa_table([[1, 2], [3]])


def test_fleiss_wikipedia_example():
    kappa = fleiss_kappa(FLEISS_WIKIPEDIA)
    assert round(kappa.value, 3) == 0.210
    assert kappa.units == 10


def test_fleiss_1971_example():
    assert sum(map(sum, FLEISS_1971)) == 180
    assert round(fleiss_kappa(FLEISS_1971).value, 3) == 0.430


def test_fleiss_1971_category_kappas():
    # Fleiss (1971) per-category kappas, as irr's kappam.fleiss(detail = TRUE) prints them.
    kappas = [round(k.value, 3) for k in fleiss_category_kappas(FLEISS_1971)]
    assert kappas == [0.245, 0.245, 0.520, 0.471, 0.566]


def test_fleiss_refuses_unequal_rating_counts():
    with pytest.raises(ValueError, match="same number of ratings"):
        fleiss_kappa([[2, 0], [1, 2]])


def test_fleiss_kappa_agrees_with_nominal_alpha_in_the_large():
    # With complete data they differ only by alpha's small-sample correction (N n = 180 here).
    units = [[c for c, count in enumerate(row) for _ in range(count)] for row in FLEISS_1971]
    alpha = krippendorff_alpha(units).value
    assert alpha == pytest.approx(fleiss_kappa(FLEISS_1971).value, abs=0.005)
    assert observed_agreement(units).units == 30


# --- Degenerate cases: undefined, with a reason ------------------------------------------


def test_alpha_with_one_coder_is_undefined():
    alpha = krippendorff_alpha([(1,), (0,), (1,)])
    assert alpha == Estimate(None, 0, "fewer than two coders")


def test_alpha_without_units_is_undefined():
    assert krippendorff_alpha([]).reason == "no units"


def test_alpha_without_pairable_units_is_undefined():
    alpha = krippendorff_alpha([(1, None), (None, 0)])
    assert not alpha.defined
    assert "two or more coders" in alpha.reason


@pytest.mark.parametrize("level", list(Level))
def test_alpha_without_variation_is_undefined_not_one(level):
    alpha = krippendorff_alpha([(1, 1), (1, 1), (1, None)], level)
    assert alpha.value is None
    assert alpha.units == 2
    assert "no variation" in alpha.reason


def test_ratio_alpha_counts_two_zeros_as_no_difference():
    assert krippendorff_alpha([(0, 0), (2, 2), (4, 4)], "ratio").value == 1


def test_observed_agreement_without_pairs_is_undefined():
    assert observed_agreement([(1, None)]).value is None


def test_cohen_kappa_without_items_is_undefined():
    assert cohen_kappa([]) == Estimate(None, 0, "no items coded by both coders")


def test_cohen_kappa_with_one_category_throughout_is_undefined():
    kappa = cohen_kappa([(0, 0)] * 5)
    assert kappa.value is None
    assert kappa.units == 5
    assert "single category" in kappa.reason


def test_cohen_kappa_below_chance_is_negative():
    assert cohen_kappa([(0, 1), (1, 0)]).value == -1


def test_pairwise_kappas_use_the_units_both_coded():
    data = [(1, 1, None), (0, 0, 1), (1, 0, 1), (0, None, 0)]
    kappas = pairwise_kappas(data)
    assert set(kappas) == {(0, 1), (0, 2), (1, 2)}
    assert kappas[0, 1].units == 3
    assert kappas[1, 2].units == 2
    assert kappas[0, 2] == cohen_kappa([(0, 1), (1, 1), (0, 0)])


def test_mean_defined_skips_undefined_values():
    estimates = [Estimate(0.5, 10), Estimate(None, 4, "no variation"), Estimate(0.7, 6)]
    assert mean_defined(estimates) == Estimate(pytest.approx(0.6), 16)
    assert mean_defined([Estimate(None, 4, "x")]).value is None


def test_fleiss_without_subjects_or_variation_is_undefined():
    assert fleiss_kappa([]).reason == "no subjects"
    assert fleiss_kappa([[1, 0], [0, 1]]).reason == "fewer than two ratings per subject"
    assert "no variation" in fleiss_kappa([[3, 0], [3, 0]]).reason
    assert fleiss_category_kappas([]) == []
    assert [k.value for k in fleiss_category_kappas([[3, 0], [3, 0]])] == [None, None]
    assert fleiss_category_kappas([[1, 0]])[0].reason == "fewer than two ratings per subject"


# --- Properties --------------------------------------------------------------------------

values = st.integers(min_value=0, max_value=4)
reliability = st.integers(min_value=2, max_value=5).flatmap(
    lambda coders: st.lists(
        st.lists(st.none() | values, min_size=coders, max_size=coders).map(tuple),
        min_size=1,
        max_size=15,
    )
)


@given(st.lists(st.lists(values, min_size=1, max_size=1), min_size=2, max_size=20))
def test_perfect_agreement_gives_one(column):
    units = [(value[0],) * 3 for value in column]
    for level in Level:
        alpha = krippendorff_alpha(units, level)
        if len({row[0] for row in units}) > 1:
            assert alpha.value == pytest.approx(1)
        else:
            assert alpha.value is None
    pairs = [(row[0], row[1]) for row in units]
    kappa = cohen_kappa(pairs)
    assert kappa.value is None or kappa.value == pytest.approx(1)
    assert observed_agreement(units).value == pytest.approx(1)


@given(reliability, st.randoms(use_true_random=False))
def test_alpha_is_symmetric_in_the_coders(data, rng):
    order = list(range(len(data[0])))
    rng.shuffle(order)
    permuted = [tuple(row[i] for i in order) for row in data]
    for level in Level:
        assert krippendorff_alpha(permuted, level).value == pytest.approx(
            krippendorff_alpha(data, level).value
        )


@given(reliability, st.randoms(use_true_random=False))
def test_permuting_units_changes_nothing(data, rng):
    shuffled = list(data)
    rng.shuffle(shuffled)
    for level in Level:
        assert krippendorff_alpha(shuffled, level).value == pytest.approx(
            krippendorff_alpha(data, level).value
        )
    assert observed_agreement(shuffled).value == pytest.approx(observed_agreement(data).value)


@given(st.lists(st.tuples(values, values), max_size=30))
def test_cohen_kappa_is_symmetric_in_the_coders(pairs):
    swapped = cohen_kappa((b, a) for a, b in pairs)
    assert swapped.value == pytest.approx(cohen_kappa(pairs).value)
    assert swapped.units == len(pairs)


@given(st.lists(st.lists(st.integers(0, 3), min_size=4, max_size=4), min_size=1, max_size=10))
def test_fleiss_kappa_ignores_the_order_of_subjects_and_categories(ratings):
    table = [[row.count(category) for category in range(4)] for row in ratings]
    shuffled = [list(reversed(row)) for row in reversed(table)]
    assert fleiss_kappa(shuffled).value == pytest.approx(fleiss_kappa(table).value)


@given(reliability)
def test_alpha_is_at_most_one(data):
    alpha = krippendorff_alpha(data)
    assert alpha.value is None or alpha.value <= 1 + 1e-9


def test_the_maths_imports_no_django():
    package = Path(__file__).resolve().parents[2] / "annotations" / "agreement"
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert "django" not in imported
    assert "annotations" not in imported  # relative imports only: no way back into the app
