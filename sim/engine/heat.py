"""Online heat: a self-exciting (Hawkes) process of posts and shares.

Each post raises the kernel state by one (which raises the intensity, so
activity begets activity) and adds ``heat_per_event`` to the heat; between
posts the kernel and the heat decay exponentially. With an excitation below 1
each burst dies out on its own. A livestream raises the base rate while it
runs, an escalation on site adds a burst, and a timely, accurate public
statement lowers both the base rate and the excitation (a late one works half
as well).

Reach and heat are different quantities. A topic's *reach* is the cumulative
count of views or reads (what "10 million clicks in 2 h" and "300 million
reads in 24 h" count): each event adds ``reach_per_event`` and it never
decays. Its *heat* is the current value a platform shows (what the
"heat value >= 5 million" indicator reads): it decays.

Posts are simulated one by one, exactly: the time to the next post is drawn
from the current state by the method of Dassios and Zhao (2013) for an
exponential kernel, so there is no time step. The state is kept at the time
of the last change and read at any later time in closed form.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..spec.scenario import OnlineTopic
from .hazard import INF, no_clock


@dataclass(eq=False)
class Topic:
    id: str
    spec: OnlineTopic
    heat0: float  # heat at t0
    reach: float  # views or reads so far (cumulative: never decays)
    base_per_hour: float
    excitation: float
    kernel0: float = 0.0  # sum over past posts of exp(-decay * age), at t0
    t0: float = 0.0
    extra_base_per_hour: float = 0.0  # livestreams currently feeding the topic
    peak_heat: float = 0.0
    started: bool = False
    statements: int = 0
    copycats: int = 0
    last_copycat: float | None = None
    copycat_check_at: float | None = None
    reply_at: float | None = None  # the initial reply to the grievance behind the topic
    reply_pending: bool = False
    next_post: float = INF
    post_event: bool = False  # whether the next post has an event of its own (see Online._draw)
    posts: int = 0  # posts so far
    clock: Callable[[], float] = no_clock

    @property
    def heat(self) -> float:
        return self.heat_at(self.clock())

    @classmethod
    def from_spec(cls, spec: OnlineTopic) -> Topic:
        b = spec.behaviour
        return cls(spec.id, spec, spec.initial_heat, spec.initial_reach, b.base_events_per_hour, b.excitation)

    def heat_at(self, t: float) -> float:
        if not self.started:
            return self.heat0
        return self.heat0 * math.exp(-self.spec.behaviour.heat_decay_per_hour * (t - self.t0) / 60.0)

    def kernel_at(self, t: float) -> float:
        if not self.started:
            return self.kernel0
        return self.kernel0 * math.exp(-self.spec.behaviour.kernel_decay_per_hour * (t - self.t0) / 60.0)

    def settle(self, t: float) -> None:
        """Carry the state forward to ``t`` (exact, no randomness)."""
        if self.started and t != self.t0:
            self.heat0 = self.heat_at(t)
            self.kernel0 = self.kernel_at(t)
        self.t0 = t

    def start(self, t: float) -> None:
        self.t0 = t
        self.started = True
        self.peak_heat = max(self.peak_heat, self.heat0)

    def add_events(self, t: float, events: float) -> None:
        self.settle(t)
        self.kernel0 += events
        self.heat0 += events * self.spec.behaviour.heat_per_event
        self.reach += events * self.spec.behaviour.reach_per_event
        self.peak_heat = max(self.peak_heat, self.heat0)

    def draw_next_post(self, t: float, uniform: Callable[[], float]) -> float:
        """When the next post happens, from the state at ``t`` (Dassios-Zhao)."""
        b = self.spec.behaviour
        beta = b.kernel_decay_per_hour / 60.0
        mu = max(0.0, self.base_per_hour + self.extra_base_per_hour) / 60.0
        excess = self.excitation * beta * self.kernel_at(t)  # intensity above the base, per minute
        u1, u2 = 1.0 - uniform(), 1.0 - uniform()  # in (0, 1]: log(0) cannot happen
        s1 = INF
        if excess > 0.0 and beta > 0.0:
            d = 1.0 + beta * math.log(u1) / excess
            if d > 0.0:
                s1 = -math.log(d) / beta
        s2 = -math.log(u2) / mu if mu > 0.0 else INF
        self.next_post = t + min(s1, s2)
        return self.next_post

    def run_posts(
        self,
        until: float,
        uniform: Callable[[], float],
        copycat_mark: float,
        copycat_from: float,
        marks: tuple[float, ...],
    ) -> bool:
        """Apply the posts due before ``until``, each followed by the draw of the
        next, as long as a post changes nothing but the topic; return True on
        drawing one that may do more (the caller gives it an event): its heat
        after the post reaches ``copycat_mark`` at or after ``copycat_from``, or
        passes one of ``marks``. The same arithmetic, in the same order, as
        ``settle``, ``add_events`` and ``draw_next_post``: the hot loop of a busy
        topic, written out once."""
        b = self.spec.behaviour
        hd, kd, hpe = b.heat_decay_per_hour, b.kernel_decay_per_hour, b.heat_per_event
        beta = kd / 60.0
        mu = max(0.0, self.base_per_hour + self.extra_base_per_hour) / 60.0
        exc = self.excitation
        exp, log = math.exp, math.log
        heat0, kernel0, t0, peak, at = self.heat0, self.kernel0, self.t0, self.peak_heat, self.next_post
        consequential = False
        posts = start = self.posts
        while at < until:
            posts += 1
            if at != t0:  # settle
                heat0 = heat0 * exp(-hd * (at - t0) / 60.0)
                kernel0 = kernel0 * exp(-kd * (at - t0) / 60.0)
                t0 = at
            kernel0 += 1  # add one event
            heat0 += 1 * hpe
            peak = max(peak, heat0)
            excess = exc * beta * kernel0  # draw the next post from the state now
            u1, u2 = 1.0 - uniform(), 1.0 - uniform()
            s1 = INF
            if excess > 0.0 and beta > 0.0:
                d = 1.0 + beta * log(u1) / excess
                if d > 0.0:
                    s1 = -log(d) / beta
            s2 = -log(u2) / mu if mu > 0.0 else INF
            at = t0 + min(s1, s2)
            if at < INF:
                before = heat0 * exp(-hd * (at - t0) / 60.0)
                after = before + hpe
                if after >= copycat_mark and at >= copycat_from:
                    consequential = True
                    break
                for mark in marks:
                    if before < mark <= after:
                        consequential = True
                if consequential:
                    break
        self.heat0, self.kernel0, self.t0, self.peak_heat, self.next_post = heat0, kernel0, t0, peak, at
        self.posts = posts
        self.reach += (posts - start) * b.reach_per_event
        return consequential

    def falls_to(self, t: float, level: float) -> float:
        """When the heat, if no one posts again, is down to ``level``."""
        heat = self.heat_at(t)
        if heat <= level:
            return t
        rate = self.spec.behaviour.heat_decay_per_hour / 60.0
        if level <= 0.0 or rate <= 0.0:
            return INF
        return t + math.log(heat / level) / rate

    def apply_statement(self, timely: bool) -> None:
        """A statement cuts the base rate and the excitation; repeats add nothing."""
        b = self.spec.behaviour
        self.statements += 1
        if self.statements > 1:
            return
        strength = 1.0 if timely else 0.5
        self.excitation *= 1.0 - strength * (1.0 - b.statement_excitation_factor)
        self.base_per_hour *= 1.0 - strength * (1.0 - b.statement_base_factor)
