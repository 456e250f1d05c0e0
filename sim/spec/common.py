"""Building blocks shared by plan and scenario files: bilingual text, citations,
distributions.

Every number in a data file either cites the seed plan it comes from
(``source: "002 §五(一)1"``) or is marked ``assumed: true`` with a one-line
``reason``, so a researcher can see at a glance what to calibrate.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

# A citation names a seed file (000-004) and a section of it, e.g. "002 §五(一)1".
SOURCE_PATTERN = r"^00[0-4] §\S.*$"
ID_PATTERN = r"^[a-z][a-z0-9_-]*$"

Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=48)]
Source = Annotated[str, Field(pattern=SOURCE_PATTERN, max_length=120)]


class Strict(BaseModel):
    """Base for every file model: unknown keys are errors, models are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class Text(Strict):
    """A text shown to people, in both languages the product speaks."""

    zh: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Cited(Strict):
    """Something whose figures come from a seed plan or are a marked assumption."""

    source: Source | None = None
    assumed: bool = False
    reason: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _cited_or_assumed(self) -> Cited:
        if self.assumed and not self.reason:
            raise ValueError("assumed: true needs a one-line reason")
        if not self.assumed and self.source is None:
            raise ValueError("needs a source (seed file and section) or assumed: true with a reason")
        return self


class RandomStream(Protocol):
    """The slice of ``numpy.random.Generator`` a distribution needs (the spec
    layer does not import numpy)."""

    def uniform(self, low: float, high: float) -> float: ...
    def triangular(self, left: float, mode: float, right: float) -> float: ...
    def exponential(self, scale: float) -> float: ...
    def lognormal(self, mean: float, sigma: float) -> float: ...


class _Dist(Strict):
    assumed: bool = False
    reason: str | None = Field(default=None, max_length=300)
    source: Source | None = None

    @model_validator(mode="after")
    def _reason_for_assumption(self) -> _Dist:
        if self.assumed and not self.reason:
            raise ValueError("assumed: true needs a one-line reason")
        return self

    def lowest(self) -> float:
        """Smallest value the distribution can produce (static feasibility checks)."""
        raise NotImplementedError

    def highest(self) -> float:
        """Largest value the distribution can produce (inf when unbounded)."""
        return math.inf

    def mean(self) -> float:
        raise NotImplementedError

    def sample(self, rng: RandomStream) -> float:
        raise NotImplementedError


class Fixed(_Dist):
    dist: Literal["fixed"]
    value: float = Field(ge=0)

    def lowest(self) -> float:
        return self.value

    def highest(self) -> float:
        return self.value

    def mean(self) -> float:
        return self.value

    def sample(self, rng: RandomStream) -> float:
        return self.value


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self

    def lowest(self) -> float:
        return self.low

    def highest(self) -> float:
        return self.high

    def mean(self) -> float:
        return (self.low + self.high) / 2

    def sample(self, rng: RandomStream) -> float:
        return float(rng.uniform(self.low, self.high))


class Triangular(_Dist):
    dist: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"needs low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        if self.low == self.high:
            raise ValueError("low and high are equal: use dist: fixed")
        return self

    def lowest(self) -> float:
        return self.low

    def highest(self) -> float:
        return self.high

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def sample(self, rng: RandomStream) -> float:
        return float(rng.triangular(self.low, self.mode, self.high))


class Exponential(_Dist):
    dist: Literal["exponential"]
    mean_value: float = Field(gt=0, alias="mean")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    def lowest(self) -> float:
        return 0.0

    def mean(self) -> float:
        return self.mean_value

    def sample(self, rng: RandomStream) -> float:
        return float(rng.exponential(self.mean_value))


class LogNormal(_Dist):
    """Log-normal given by its median and the sigma of the underlying normal;
    ``low`` shifts it (a travel time cannot be shorter than the drive)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0, le=3)
    low: float = Field(default=0.0, ge=0)

    def lowest(self) -> float:
        return self.low

    def mean(self) -> float:
        return self.low + self.median * math.exp(self.sigma**2 / 2)

    def sample(self, rng: RandomStream) -> float:
        return self.low + float(rng.lognormal(math.log(self.median), self.sigma))


Dist = Annotated[Fixed | Uniform | Triangular | Exponential | LogNormal, Field(discriminator="dist")]


def dist_from_number(value: Any) -> Any:
    """Let a bare number stand for ``{dist: fixed, value: N}`` in files."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


def bounded_people(dist: Any, what: str = "size_people") -> Any:
    """A head count must have a ceiling: a bounded distribution whose largest
    value is at most ``MAX_PEOPLE_PER_INCIDENT`` (sim/spec/limits.py)."""
    from .limits import MAX_PEOPLE_PER_INCIDENT

    top = dist.highest()
    if math.isinf(top):
        raise ValueError(
            f"{what} must be bounded (dist: fixed, uniform or triangular), so that one incident "
            f"never exceeds {MAX_PEOPLE_PER_INCIDENT:,} people"
        )
    if top > MAX_PEOPLE_PER_INCIDENT:
        raise ValueError(
            f"{what} can reach {top:,.0f} people; one incident holds at most {MAX_PEOPLE_PER_INCIDENT:,} "
            "(the ceiling in sim/spec/limits.py)"
        )
    return dist


WALL_TIME_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
