"""Honest statistics for milestone outcomes over replications, one concept per module:

- ``proportions``: P(met) with Wilson and exact (Clopper–Pearson) intervals;
- ``paired``: the exact McNemar test on common random numbers;
- ``censoring``: statuses and their counts (undecided is censored: never dropped,
  never counted as met);
- ``survival``: Kaplan–Meier time to a milestone, with "not reached";
- ``verdicts``: the one verdict rule every summary uses;
- ``sequential``: looks at accumulating replications under one error budget.

Pure standard library except ``survival`` (scipy, imported when used).
"""

from __future__ import annotations

from .censoring import Counts, Status, count, outcome, status_of
from .paired import Paired, binom_two_sided, mcnemar
from .proportions import CONFIDENCE, Proportion, exact_bounds, of_counts, proportion, wilson, z_for
from .verdicts import Verdict, verdict

__all__ = [
    "CONFIDENCE",
    "Counts",
    "Paired",
    "Proportion",
    "Status",
    "Verdict",
    "binom_two_sided",
    "count",
    "exact_bounds",
    "mcnemar",
    "of_counts",
    "outcome",
    "proportion",
    "status_of",
    "verdict",
    "wilson",
    "z_for",
]
