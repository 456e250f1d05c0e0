"""Factors (``--vary PATH=SPEC``) and experimental designs.

Specs:

    teams.reception.on_duty=1..8          every integer 1, 2, ..., 8 (integers stay integers)
    teams.reception.on_duty=1..8:2        1, 3, 5, 7
    officials.leader.arrival_min.mean=10,20,30     a list
    officials.leader.arrival_min.mean=10.0..40.0   a continuous range (grid: 5 levels)
    officials.leader.arrival_min.mean=10.0..40.0:7.5

Designs:

- ``grid``   full factorial over every factor's levels;
- ``lhs``    Latin hypercube, ``scipy.stats.qmc.LatinHypercube``;
- ``sobol``  scrambled Sobol' points, ``scipy.stats.qmc.Sobol`` (``random_base2``);
- ``salib-sobol`` / ``salib-morris``  SALib's samplers (optional extra). Points
  keep the sampler's row order, so ``SALib.analyze`` can read the outcomes.

In sampled designs a range factor is drawn over its interval (integer factors
are rounded down after scaling to ``[low, high + 1)``, so each integer gets an
equal share) and a list factor picks one of its values.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import UserFacing
from ..spec.limits import MAX_DESIGN_POINTS

DESIGNS = ("grid", "lhs", "sobol", "salib-sobol", "salib-morris")
GRID_LEVELS = 5  # levels of a continuous range without a step in a grid
_HUGE = 10**15  # "more levels than anyone could mean"


def _many(n: int) -> str:
    return f"{n:,}" if n < _HUGE else "more than 10^15"


class DesignError(UserFacing, ValueError):
    """A bad --vary spec or design request (shown to the user as one line)."""


def _number(text: str, spec: str) -> int | float:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            raise DesignError(f"--vary {spec}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise DesignError(f"--vary {spec}: {text!r} is not a finite number") from None
        return value


@dataclass(frozen=True)
class Factor:
    path: str
    values: tuple[Any, ...] | None = None  # a list of levels
    low: float | None = None  # a range
    high: float | None = None
    step: float | None = None
    integer: bool = False
    spec: str = ""

    @property
    def is_range(self) -> bool:
        return self.values is None

    def count(self) -> int:
        """How many levels ``levels()`` gives, computed without making them."""
        if self.values is not None:
            return len(self.values)
        assert self.low is not None and self.high is not None
        if self.integer:
            return (int(self.high) - int(self.low)) // int(self.step or 1) + 1
        if self.step:
            span = (self.high - self.low) / self.step
            return math.floor(span + 1e-9) + 1 if span < _HUGE else _HUGE
        return GRID_LEVELS

    def levels(self) -> list[Any]:
        """The levels of a full-factorial grid."""
        if self.count() > MAX_DESIGN_POINTS:
            raise DesignError(
                f"--vary {self.path}={self.spec}: {_many(self.count())} levels; a sweep has at most "
                f"{MAX_DESIGN_POINTS:,} design points (use a larger step, or --design lhs/sobol)"
            )
        if self.values is not None:
            return list(self.values)
        assert self.low is not None and self.high is not None
        if self.integer:
            step = int(self.step or 1)
            return list(range(int(self.low), int(self.high) + 1, step))
        if self.step:
            count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
            return [round(self.low + i * self.step, 12) for i in range(count)]
        return [float(v) for v in np.linspace(self.low, self.high, GRID_LEVELS)]

    def scale(self, u: float) -> Any:
        """Map a unit-interval coordinate to a value of this factor."""
        u = min(max(float(u), 0.0), 1.0 - 1e-12)
        if self.values is not None:
            return self.values[int(u * len(self.values))]
        assert self.low is not None and self.high is not None
        if self.integer:
            return int(self.low) + math.floor(u * (int(self.high) - int(self.low) + 1))
        return self.low + u * (self.high - self.low)

    def bounds(self) -> tuple[float, float]:
        """Bounds for SALib (list factors are sampled as an index in [0, len))."""
        if self.values is not None:
            return 0.0, float(len(self.values))
        assert self.low is not None and self.high is not None
        if self.integer:
            return float(self.low), float(self.high) + 1.0
        return float(self.low), float(self.high)

    def from_bound_value(self, x: float) -> Any:
        lo, hi = self.bounds()
        return self.scale((x - lo) / (hi - lo) if hi > lo else 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "spec": self.spec,
            "values": list(self.values) if self.values is not None else None,
            "low": self.low,
            "high": self.high,
            "step": self.step,
            "integer": self.integer,
        }


def parse_vary(text: str) -> Factor:
    if "=" not in text:
        raise DesignError(f"--vary {text}: expected PATH=SPEC, e.g. teams.reception.on_duty=1..8")
    path, spec = (s.strip() for s in text.split("=", 1))
    if not path or any(not part for part in path.split(".")):
        raise DesignError(f"--vary {text}: a path like teams.reception.on_duty is needed before '='")
    if not spec:
        raise DesignError(f"--vary {text}: no values after '='")
    if ".." in spec:
        body, _, step_text = spec.partition(":")
        lo_text, _, hi_text = body.partition("..")
        low, high = _number(lo_text, text), _number(hi_text, text)
        step = _number(step_text, text) if step_text else None
        if high < low:
            raise DesignError(f"--vary {text}: the range's end {high} is below its start {low}")
        if step is not None and step <= 0:
            raise DesignError(f"--vary {text}: the step must be > 0")
        integer = isinstance(low, int) and isinstance(high, int) and (step is None or isinstance(step, int))
        if not math.isfinite(float(high) - float(low)):
            raise DesignError(f"--vary {text}: the range is too wide to sample")
        return Factor(path, None, low, high, step, integer, spec)
    parts = [p for p in spec.split(",")]
    if any(not p.strip() for p in parts):
        raise DesignError(f"--vary {text}: an empty value in the list")
    values: list[Any] = []
    for p in parts:
        try:
            values.append(_number(p, text))
        except DesignError:
            word = p.strip().lower()
            values.append(word == "true" if word in ("true", "false") else p.strip())
    if len(values) > MAX_DESIGN_POINTS:
        raise DesignError(f"--vary {path}: {len(values):,} values; a sweep has at most {MAX_DESIGN_POINTS:,}")
    if len(set(map(repr, values))) != len(values):
        raise DesignError(f"--vary {text}: a value is listed twice")
    numeric = [isinstance(v, int | float) and not isinstance(v, bool) for v in values]
    if any(numeric) and not all(numeric):
        raise DesignError(f"--vary {text}: mixes numbers and text")
    if all(numeric) and any(isinstance(v, float) for v in values):
        values = [float(v) for v in values]  # one column type: 10,20.5 -> 10.0, 20.5
    integer = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    return Factor(path, tuple(values), integer=integer, spec=spec)


@dataclass
class Design:
    kind: str
    factors: list[Factor]
    points: list[dict[str, Any]]
    sampler: dict[str, Any] = field(default_factory=dict)  # SALib problem, N, ...

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "factors": [f.to_json() for f in self.factors],
            "points": len(self.points),
            "sampler": self.sampler,
        }


def salib_problem(factors: list[Factor]) -> dict[str, Any]:
    return {
        "num_vars": len(factors),
        "names": [f.path for f in factors],
        "bounds": [list(f.bounds()) for f in factors],
    }


def make_design(kind: str, factors: list[Factor], n: int | None = None, seed: int = 0) -> Design:
    """Design points (dicts of path -> value) in a fixed order."""
    if kind not in DESIGNS:
        raise DesignError(f"unknown design {kind!r} (choose from {', '.join(DESIGNS)})")
    paths = [f.path for f in factors]
    if len(set(paths)) != len(paths):
        raise DesignError("a path is varied twice")
    if not factors:
        return Design(kind, [], [{}])
    if kind == "grid":
        total = math.prod(f.count() for f in factors)
        if total > MAX_DESIGN_POINTS:
            for f in factors:
                f.levels()  # one factor alone too large: say which
            sizes = " × ".join(f"{f.count():,}" for f in factors)
            raise DesignError(
                f"the grid has {sizes} = {total:,} design points; a sweep has at most "
                f"{MAX_DESIGN_POINTS:,} (fewer levels, or --design lhs/sobol with --points)"
            )
        levels = [f.levels() for f in factors]
        points = [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*levels)]
        return Design(kind, factors, points)
    count = int(n or 16)
    if count < 1:
        raise DesignError("the number of design points must be >= 1")
    d = len(factors)
    sampler: dict[str, Any]
    planned = {
        "lhs": count,
        "sobol": 2 ** max(0, math.ceil(math.log2(count))),
        "salib-sobol": count * (d + 2),
        "salib-morris": count * (d + 1),
    }[kind]
    if planned > MAX_DESIGN_POINTS:
        raise DesignError(
            f"design {kind} with --points {count} gives {planned:,} design points; a sweep has at most "
            f"{MAX_DESIGN_POINTS:,}"
        )
    if kind in ("lhs", "sobol"):
        from scipy.stats import qmc  # type: ignore[import-untyped, unused-ignore]

        if kind == "lhs":
            unit = qmc.LatinHypercube(d=d, seed=seed).random(count)
            sampler = {"n": count, "seed": seed}
        else:
            m = max(0, math.ceil(math.log2(count)))
            unit = qmc.Sobol(d=d, scramble=True, seed=seed).random_base2(m)
            sampler = {"n": len(unit), "m": m, "seed": seed, "scramble": True}
        points = [{f.path: f.scale(u) for f, u in zip(factors, row, strict=True)} for row in unit]
        return Design(kind, factors, points, sampler)
    # SALib samplers (optional dependency)
    try:
        if kind == "salib-sobol":
            from SALib.sample import sobol as sampler_mod  # type: ignore[import-untyped, unused-ignore]
        else:
            from SALib.sample import morris as sampler_mod  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise DesignError(f"design {kind} needs SALib (pip install 'petition-drill[salib]')") from None
    problem = salib_problem(factors)
    if kind == "salib-sobol":
        X = sampler_mod.sample(problem, count, calc_second_order=False, seed=seed)
        sampler = {"problem": problem, "N": count, "calc_second_order": False, "seed": seed}
    else:
        X = sampler_mod.sample(problem, count, num_levels=4, seed=seed)
        sampler = {"problem": problem, "N": count, "num_levels": 4, "seed": seed}
    points = [{f.path: f.from_bound_value(x) for f, x in zip(factors, row, strict=True)} for row in X]
    return Design(kind, factors, points, sampler)
