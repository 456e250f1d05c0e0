"""Hazards along a mood path: when the next random event happens.

A group's agitation (or an individual's distress) moves in a straight line
between model events, held between 0 and 1:

    a(u) = clamp(a0 + s * u, 0, 1)          u = minutes since the last event

An event source (an escalation, an answered person leaving, an act of
self-harm) has a hazard that depends on the mood only:

    h(u) = max(0, p + q * a(u) + r * a(u)**2)      events per minute

The time of its next event is found by inversion: draw a unit exponential
``budget`` once, consume the integral of h as time passes, and the event is
where the integral reaches the budget. Because the budget is only consumed,
never redrawn, when something else changes the slope or the rates, the same
seed gives the same draws whatever else happens (common random numbers), and
no one-minute tick is needed: the engine does work only at events.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

INF = math.inf
NEVER_MIN = 1e9  # about 1,900 years: no drill, extended or not, comes near it


@dataclass(frozen=True, slots=True)
class Hazard:
    """h(a) = max(0, p + q a + r a^2), per minute."""

    p: float = 0.0
    q: float = 0.0
    r: float = 0.0

    @property
    def off(self) -> bool:
        return self.p == 0.0 and self.q == 0.0 and self.r == 0.0


OFF = Hazard()


def slope_per_min(per_hour: float) -> float:
    """A mood's slope per minute; a sum of rises and calms that cancels to
    rounding noise is zero (a line that creeps 1e-17 an hour goes nowhere)."""
    return 0.0 if abs(per_hour) < 1e-12 else per_hour / 60.0


def path(a0: float, s: float, u: float) -> float:
    return min(1.0, max(0.0, a0 + s * u))


def crossing(a0: float, s: float, level: float) -> float:
    """Minutes until the path first reaches ``level`` (inf if it never does)."""
    if (s > 0 and a0 < level <= 1.0) or (s < 0 and 0.0 <= level < a0):
        return (level - a0) / s
    return 0.0 if a0 == level else INF


def _breaks(a0: float, s: float, h: Hazard) -> list[float]:
    """Times where the path is clamped or the hazard's max(0, .) switches."""
    if s == 0.0:
        return []
    out = [(1.0 - a0) / s if s > 0 else -a0 / s]
    roots: list[float] = []
    if h.r != 0.0:
        disc = h.q * h.q - 4.0 * h.r * h.p
        if disc >= 0.0:
            # the numerically stable pair of roots (no cancellation when r is small)
            half = -(h.q + math.copysign(math.sqrt(disc), h.q)) / 2.0
            roots = [half / h.r] + ([h.p / half] if half != 0.0 else [])
    elif h.q != 0.0:
        roots = [-h.p / h.q]
    for root in roots:
        if 0.0 < root < 1.0:
            out.append((root - a0) / s)
    return sorted(t for t in out if t > 0.0)


def _segment(a0: float, s: float, h: Hazard, t1: float, t2: float) -> tuple[float, float, float, float]:
    """The hazard on [t1, t2] as c0 + c1 x + c2 x^2 (x = time into the segment),
    zero where max(0, .) cuts it (the sign is constant inside a segment)."""
    mid = (t1 + t2) / 2.0 if t2 < INF else t1 + 1.0
    raw_mid = a0 + s * mid
    slope = s if 0.0 < raw_mid < 1.0 else 0.0  # clamped pieces are flat
    # a flat piece is read where it is flat: at t1 the line may still be a rounding
    # error short of the clamp (5e-17 for 0), enough to turn a faint hazard negative
    a = path(a0, s, t1) if slope else path(a0, s, mid)
    c0 = h.p + h.q * a + h.r * a * a
    c1 = (h.q + 2.0 * h.r * a) * slope
    c2 = h.r * slope * slope
    a_mid = path(a0, s, mid)
    if h.p + h.q * a_mid + h.r * a_mid * a_mid <= 0.0:
        return 0.0, 0.0, 0.0, slope
    return c0, c1, c2, slope


def _area(c0: float, c1: float, c2: float, x: float) -> float:
    return x * (c0 + x * (c1 / 2.0 + x * c2 / 3.0))


def _clamp_time(a0: float, s: float) -> float:
    if s > 0.0:
        return (1.0 - a0) / s
    if s < 0.0:
        return -a0 / s
    return INF


def _ramp_area(g0: float, k: float, length: float) -> float:
    """The integral of max(0, g0 + k x) over [0, length]."""
    if k == 0.0:
        return g0 * length if g0 > 0.0 else 0.0
    if g0 >= 0.0:
        if k < 0.0:
            length = min(length, -g0 / k)
        return length * (g0 + k * length / 2.0)
    if k < 0.0:
        return 0.0
    x = length + g0 / k  # time past the zero crossing
    return k * x * x / 2.0 if x > 0.0 else 0.0


def _ramp_time(g0: float, k: float, target: float, length: float) -> float:
    """x in [0, length] with the area of max(0, g0 + k x) up to x equal to
    ``target``, or inf if the area over [0, length] stays below it."""
    if k == 0.0:
        x = target / g0 if g0 > 0.0 else INF
    elif g0 >= 0.0:
        disc = g0 * g0 + 2.0 * k * target
        root = g0 + math.sqrt(disc) if disc >= 0.0 else 0.0
        x = 2.0 * target / root if root > 0.0 else INF  # 0: a hazard that underflows never fires
    elif k > 0.0:
        x = -g0 / k + math.sqrt(2.0 * target / k)
    else:
        x = INF
    return x if x <= length else INF


def _linear_integral(a0: float, s: float, h: Hazard, u: float) -> float:
    g0 = h.p + h.q * a0
    k = h.q * s
    tc = _clamp_time(a0, s)
    if u <= tc:
        return _ramp_area(g0, k, u)
    flat = h.p + (h.q if s > 0.0 else 0.0)  # held at 1 or at 0: exactly, not g0 + k tc
    return _ramp_area(g0, k, tc) + (flat * (u - tc) if flat > 0.0 else 0.0)


def _linear_time(budget: float, a0: float, s: float, h: Hazard) -> float:
    g0 = h.p + h.q * a0
    k = h.q * s
    tc = _clamp_time(a0, s)
    x = _ramp_time(g0, k, budget, tc)
    if x < INF or tc == INF:
        return x
    flat = h.p + (h.q if s > 0.0 else 0.0)
    if flat <= 0.0:
        return INF
    return tc + (budget - _ramp_area(g0, k, tc)) / flat


def integral(a0: float, s: float, h: Hazard, u: float) -> float:
    """The integral of h over the next ``u`` minutes."""
    if h.off or u <= 0.0:
        return 0.0
    if h.r == 0.0:
        return _linear_integral(a0, s, h, u)
    total = 0.0
    t1 = 0.0
    for t2 in [*_breaks(a0, s, h), INF]:
        end = min(t2, u)
        c0, c1, c2, _ = _segment(a0, s, h, t1, t2)
        total += _area(c0, c1, c2, end - t1)
        if end >= u:
            break
        t1 = t2
    return total


def time_to(budget: float, a0: float, s: float, h: Hazard) -> float:
    """Minutes until the integral of h reaches ``budget`` (inf if it never does)."""
    if h.off:
        return INF
    budget = max(0.0, budget)  # a budget used up to rounding: the event is due now
    if h.r == 0.0:
        return _within_reach(_linear_time(budget, a0, s, h))
    remaining = budget
    t1 = 0.0
    for t2 in [*_breaks(a0, s, h), INF]:
        c0, c1, c2, _ = _segment(a0, s, h, t1, t2)
        length = t2 - t1
        area = _area(c0, c1, c2, length) if length < INF else INF
        if c0 == 0.0 and c1 == 0.0 and c2 == 0.0:
            area = 0.0
        if area >= remaining:
            return _within_reach(t1 + _solve(c0, c1, c2, remaining, length))
        remaining -= area
        t1 = t2
    return INF


def _within_reach(t: float) -> float:
    """A hazard so faint that its event lies millennia ahead is one that never fires;
    that far out the arithmetic (areas of 1e-150 over 1e150 minutes) is not exact either."""
    return t if t <= NEVER_MIN else INF


def _solve(c0: float, c1: float, c2: float, target: float, length: float) -> float:
    """x in [0, length] with c0 x + c1 x^2/2 + c2 x^3/3 = target (the area is increasing)."""
    if target <= 0.0:
        return 0.0
    if c2 == 0.0:
        if c1 == 0.0:
            return target / c0
        disc = c0 * c0 + 2.0 * c1 * target
        return 2.0 * target / (c0 + math.sqrt(max(0.0, disc)))  # stable form of the quadratic root
    # a cubic: Newton from the right of the root, kept inside the bracket
    lo, hi = 0.0, length if length < INF else max(1.0, target / max(c0, 1e-300))
    while hi == INF or _area(c0, c1, c2, hi) < target:
        hi *= 2.0
    x = hi
    for _ in range(60):
        f = _area(c0, c1, c2, x) - target
        if abs(f) <= 1e-12 * max(1.0, target):
            return x
        if f > 0:
            hi = x
        else:
            lo = x
        d = c0 + x * (c1 + x * c2)
        x = x - f / d if d > 0 else (lo + hi) / 2.0
        if not lo <= x <= hi:
            x = (lo + hi) / 2.0
    return x


class MoodPath:
    """A mood (agitation or distress, 0..1) that moves in a straight line
    between events: its value at t0, its slope per minute, and a clock to read
    it at the present time; with the hazards in force since t0 and what is
    left of each one's unit-exponential budget. Settling (to read, to jump, to
    change the slope) consumes the budgets first, so none can be skipped."""

    __slots__ = ("a0", "budgets", "clock", "hazards", "slope", "t0", "version")

    def __init__(self, value: float, clock: Callable[[], float]):
        self.a0 = min(1.0, max(0.0, value))
        self.t0 = 0.0
        self.slope = 0.0
        self.clock = clock
        self.hazards: dict[str, Hazard] = {}
        self.budgets: dict[str, float] = {}
        self.version = 0  # bumped by jumps and new draws: a plan made before is out of date

    def at(self, t: float) -> float:
        return path(self.a0, self.slope, t - self.t0)

    @property
    def value(self) -> float:
        return self.at(self.clock())

    def settle(self, t: float) -> float:
        """Carry the line forward to ``t``; returns the minutes it covered."""
        dt = t - self.t0
        if dt > 0.0:
            for name, hazard in self.hazards.items():
                self.budgets[name] -= integral(self.a0, self.slope, hazard, dt)
            self.a0 = path(self.a0, self.slope, dt)
        self.t0 = t
        return dt

    def next(self, name: str) -> float:
        """Minutes from t0 until ``name``'s next event under the hazards in force."""
        hazard = self.hazards.get(name, OFF)
        return time_to(self.budgets.get(name, INF), self.a0, self.slope, hazard)

    def shift(self, t: float, change: float) -> None:
        """A jump (a reply, a rumour) at time ``t``."""
        self.settle(t)
        self.a0 = min(1.0, max(0.0, self.a0 + change))
        self.version += 1

    def redraw(self, name: str, budget: float) -> None:
        """A new budget for ``name`` after its event happened."""
        self.budgets[name] = budget
        self.version += 1


def no_clock() -> float:
    return 0.0
