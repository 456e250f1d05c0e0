"""Policies: who makes the decisions when no trainee does, and ``play``, the
loop that lets one decide.

``plan`` (``plan_policy.PlanPolicy``) does what the plan prescribes as soon as
the situation allows, deciding from the drill's ``View`` only: what a trainee
can see. It is the baseline that sweeps and counterfactuals use. ``passive``
declares nothing and does nothing: the floor.

A policy is asked again only when something happens that can change its mind
(``news``, then ``worth_a_look`` once the moment is complete); never on a timer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from . import decisions as D
from .drill import Drill, Outcome
from .log import Entry
from .plan_policy import PlanPolicy
from .view import View

MAX_LOOKS = 8  # looks at one moment: its own decisions settle long before


class Policy(Protocol):
    name: str

    def act(self, view: View) -> list[D.Decision]:
        """The decisions to take now."""
        ...

    def note(self, decision: D.Decision, outcome: Outcome) -> None:
        """How one of them went."""
        ...

    def news(self, entry: Entry) -> bool:
        """Whether a new log entry can change the policy's mind (it is asked again then)."""
        ...

    def worth_a_look(self, view: View) -> bool:
        """After such news, once the moment is complete: whether to deliberate now."""
        ...


class PassivePolicy:
    name = "passive"

    def act(self, view: View) -> list[D.Decision]:
        return []

    def note(self, decision: D.Decision, outcome: Outcome) -> None:
        pass

    def news(self, entry: Entry) -> bool:
        return False

    def worth_a_look(self, view: View) -> bool:
        return True


def make(name: str) -> Policy:
    if name == "plan":
        return PlanPolicy()
    if name == "passive":
        return PassivePolicy()
    raise ValueError(f"unknown policy {name!r} (plan or passive)")


POLICIES = ("plan", "passive")


def play(
    drill: Drill,
    policy: Policy,
    until: float | None = None,
    on_decision: Callable[[float, D.Decision], None] | None = None,
) -> None:
    """Let ``policy`` decide until ``until``.

    The policy is asked at once, then each time the log records something that can
    change its mind (``policy.news``), once that moment's events are complete; in
    between the drill runs on by itself. After taking decisions it looks again at
    once (its own decisions change the situation too), until it has nothing more
    to do at that moment. ``on_decision`` hears of every accepted decision (a
    journal, say)."""
    end = drill.horizon if until is None else min(until, drill.horizon)
    view = drill.view()
    entries = drill.log.entries
    while drill.now < end:
        if not policy.worth_a_look(view):
            drill.advance_to_news(end, news=policy.news)
            continue
        for _ in range(MAX_LOOKS):
            read = len(entries)
            if not _apply(drill, policy, policy.act(view), on_decision):
                break
            for entry in entries[read:]:  # what its own decisions did, read like any news
                policy.news(entry)
        drill.advance_to_news(end, news=policy.news)


def _apply(
    drill: Drill,
    policy: Policy,
    decisions: Iterable[D.Decision],
    on_decision: Callable[[float, D.Decision], None] | None,
) -> bool:
    """Take ``decisions`` in turn; whether any was accepted."""
    accepted = False
    for decision in decisions:
        outcome = drill.decide(decision)
        policy.note(decision, outcome)
        if outcome.accepted:
            accepted = True
            if on_decision is not None:
                on_decision(drill.now, decision)
    return accepted


__all__ = ["POLICIES", "PassivePolicy", "PlanPolicy", "Policy", "make", "play"]
