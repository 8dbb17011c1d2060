"""Inter-annotator agreement: pure maths on plain values, no Django (see README, "Agreement").

Every coefficient comes back as an `Estimate(value, units, reason)`: `value` is None where the
figure is undefined (one coder, no unit coded twice, no variation) and `reason` says why, so a
page shows "—" and the reason, never a made-up 0 or 1. `units` is the evidence behind it.

Coefficients (`reliability`):
- `krippendorff_alpha(data, level="nominal", *, order=None)`: data is units x coders (rows are
  units, None = not coded); levels nominal, ordinal, interval, ratio.
- `observed_agreement(data)`: share of agreeing pairable values (1 - nominal D_o).
- `cohen_kappa(pairs)` from (a, b) per item; `cohen_kappa_table(table)` from a k x k table;
  `pairwise_kappas(data)`: {(i, j): Estimate} over the units both coders coded;
  `mean_defined(estimates)`: the mean of the defined ones.
- `fleiss_kappa(table)`, `fleiss_category_kappas(table)`: subjects x categories counts.

Spans and links (`spans`): `Span(passage, start, end, target_passage, target_start,
target_end)`; `span_f1(a, b, *, exact)` and `link_f1(a, b, *, exact)` match one-to-one on the
same passage, exactly or by overlap (greedy, largest first), F1 = 2 * matches / (|A| + |B|).

Report (`report`): `Inputs(units, coded, tags, annotations)` -> `build_report(inputs, tags=None)`
-> `Report(tags={name: TagFigures}, transcripts={id: {name: TagFigures}})`, and
`report_json(report, project=slug)` for the JSON contract of `manage.py agreement`, and
`report_rows(contract)` flattening it for CSV and tables.
`annotations.agreement_data.agreement_inputs(project, ...)` reads `Inputs` from the database.
"""

from .reliability import (
    Estimate,
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
from .report import (
    ROW_COLUMNS,
    Inputs,
    PairFigures,
    Report,
    TagFigures,
    build_report,
    report_json,
    report_rows,
    tag_figures,
)
from .spans import Span, link_f1, span_f1

__all__ = [
    "ROW_COLUMNS",
    "Estimate",
    "Inputs",
    "Level",
    "PairFigures",
    "Report",
    "Span",
    "TagFigures",
    "build_report",
    "cohen_kappa",
    "cohen_kappa_table",
    "coincidences",
    "fleiss_category_kappas",
    "fleiss_kappa",
    "krippendorff_alpha",
    "link_f1",
    "mean_defined",
    "observed_agreement",
    "pairwise_kappas",
    "report_json",
    "report_rows",
    "span_f1",
    "tag_figures",
]
