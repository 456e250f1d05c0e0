"""The extreme individual (极端个体访): a distressed person threatening self-harm.

Distress (0..1) rises while nobody negotiates and falls while a psychologist
and an official negotiate on scene. The hazard of an act grows with distress
and is cut by negotiation; a cordon protects bystanders and medical standby
lowers the chance that an act ends in severe injury. Below the resolution
threshold the incident ends safely.

The component owns the individuals, their start, their behaviour between
events (a straight line and one hazard, re-planned whenever touched) and the
log entries about them.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..spec.scenario import ExtremeIndividual
from .hazard import INF, Hazard, MoodPath, crossing, slope_per_min
from .kernel import Alarm, Kernel
from .log import EventLog
from .streams import Streams

if TYPE_CHECKING:
    import simpy

    from .levels import Levels
    from .online import Online
    from .roster import Roster


class IndividualStatus(StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"
    HARMED = "harmed"  # an act happened (injured or not)


@dataclass(frozen=True, slots=True)
class IndividualSituation:
    negotiating: bool

    def slope_per_hour(self, spec: ExtremeIndividual) -> float:
        b = spec.behaviour
        return -b.negotiation_calm_per_hour if self.negotiating else b.distress_rise_per_hour

    def self_harm_hazard(self, spec: ExtremeIndividual) -> Hazard:
        """Per minute: grows with the square of distress; negotiation cuts it."""
        b = spec.behaviour
        rate = b.self_harm_per_hour_at_max / 60.0
        if self.negotiating:
            rate *= b.negotiation_hazard_factor
        return Hazard(r=rate)


@dataclass(eq=False)
class Individual:
    id: str
    spec: ExtremeIndividual
    place: str
    venue: str | None
    mood: MoodPath  # distress, read at the present time
    alarm: Alarm | None = None
    status: IndividualStatus = IndividualStatus.ACTIVE
    started: bool = False
    livestreaming: bool = False
    negotiating_since: float | None = None
    negotiators: tuple[str, str] | None = None  # (psychologist member, official)
    cordon_at: float | None = None
    medical_at: float | None = None
    legal_at: float | None = None
    family_at: float | None = None
    reply_at: float | None = None
    package_at: float | None = None
    reply_pending: bool = False
    package_pending: bool = False
    family_pending: bool = False
    ended_at: float | None = None
    injured: bool = False
    bystanders_injured: int = 0

    @property
    def distress(self) -> float:
        return self.mood.value

    @property
    def active(self) -> bool:
        return self.started and self.status is IndividualStatus.ACTIVE

    def situation(self) -> IndividualSituation:
        return IndividualSituation(self.negotiating_since is not None)

    def head_count(self) -> int:
        return 1 if self.active else 0


class _Replan:
    """The re-plan queue's handle for one individual."""

    __slots__ = ("_ind", "_owner")

    def __init__(self, owner: Individuals, ind: Individual):
        self._owner = owner
        self._ind = ind

    def replan(self) -> None:
        self._owner.replan(self._ind)


class Individuals:
    def __init__(self, kernel: Kernel, log: EventLog, streams: Streams):
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.streams = streams
        self.all: dict[str, Individual] = {}
        self._handles: dict[str, _Replan] = {}
        # wired by the world
        self.roster: Roster
        self.online: Online
        self.levels: Levels
        kernel.on_disturb(self.disturb_all)

    # --- set-up --------------------------------------------------------------------------

    def add(self, spec: ExtremeIndividual, place: str, venue: str | None) -> Individual:
        kernel = self.kernel
        env = kernel.env
        ind = Individual(spec.id, spec, place, venue, MoodPath(spec.initial_distress, lambda: env.now))
        ind.mood.t0 = spec.start_min
        ind.mood.budgets["self_harm"] = float(self.streams(f"behaviour:{spec.id}").exponential())
        ind.alarm = Alarm(kernel, lambda kind: self._rang(ind, kind))
        self._handles[ind.id] = _Replan(self, ind)
        self.all[ind.id] = ind
        kernel.process(self._start(ind))
        return ind

    def _start(self, ind: Individual) -> Generator[simpy.Event, Any, None]:
        yield self.kernel.timeout(ind.spec.start_min)
        now = self.env.now
        ind.started = True
        ind.mood.t0 = now
        self.touch(ind)
        self.log.add(now, "individual_started", ind.id, place=ind.place, means=ind.spec.means)
        if ind.spec.livestream:
            self.online.start_livestream(ind.id)
        self.levels.check()  # signs of self-harm

    # --- what others read -----------------------------------------------------------------

    def head_count(self) -> int:
        return sum(i.head_count() for i in self.all.values())

    def any_active(self) -> bool:
        return any(i.active for i in self.all.values())

    def sample(self) -> None:
        now = self.env.now
        for ind in self.all.values():
            if ind.started:
                self.log.add(now, "sample", ind.id, distress=ind.distress)

    # --- behaviour between events ----------------------------------------------------------

    def touch(self, ind: Individual) -> None:
        self.kernel.touch(self._handles[ind.id])

    def disturb_all(self) -> None:
        for handle in self._handles.values():
            self.kernel.touch(handle)

    def replan(self, ind: Individual) -> None:
        now = self.env.now
        mood = ind.mood
        mood.settle(now)
        alarm = ind.alarm
        assert alarm is not None
        if not ind.active:
            mood.slope = 0.0
            mood.hazards = {}
            alarm.set(INF, "")
            return
        situation = ind.situation()
        mood.slope = slope_per_min(situation.slope_per_hour(ind.spec))
        mood.hazards = {"self_harm": situation.self_harm_hazard(ind.spec)}
        best, kind = mood.next("self_harm"), "self_harm"
        calm = ind.spec.behaviour.resolved_below_distress
        dt = 0.0 if mood.a0 < calm else crossing(mood.a0, mood.slope, calm) if mood.slope < 0 else INF
        if dt < best:
            best, kind = dt, "resolved"
        dt = self.levels.next_threshold(mood)
        if dt < best:
            best, kind = dt, "threshold"
        alarm.set(now + best, kind)

    def _rang(self, ind: Individual, kind: str) -> None:
        now = self.env.now
        self.touch(ind)
        ind.mood.settle(now)
        b = ind.spec.behaviour
        if kind == "resolved":
            self._end(ind, IndividualStatus.RESOLVED)
            self.log.add(now, "individual_resolved", ind.id, distress=ind.distress)
        elif kind == "self_harm":
            rng = self.streams(f"behaviour:{ind.id}")
            chance = (
                b.injury_chance_with_medical if ind.medical_at is not None else b.injury_chance_no_medical
            )
            ind.injured = bool(rng.random() < chance)
            if ind.cordon_at is None and rng.random() < b.bystander_injury_chance_no_cordon:
                ind.bystanders_injured = 1
            self._end(ind, IndividualStatus.HARMED)
            self.log.add(
                now,
                "self_harm",
                ind.id,
                injured=ind.injured,
                bystanders_injured=ind.bystanders_injured,
                medical=ind.medical_at is not None,
            )
            if ind.injured or ind.bystanders_injured:
                self.log.add(now, "injury", ind.id, medical=ind.medical_at is not None)
        elif kind == "threshold":
            self.levels.check()

    def _end(self, ind: Individual, status: IndividualStatus) -> None:
        ind.status = status
        ind.ended_at = self.env.now
        self.online.stop_livestream(ind)
        if ind.negotiators is not None:
            self.roster.officials[ind.negotiators[1]].engaged_with = None
        self.roster.release_all(f":{ind.id}")

    # --- what decisions and injects do -----------------------------------------------------

    def negotiate(self, ind: Individual, official: str, psychologist: str) -> None:
        ind.negotiating_since = self.env.now
        ind.negotiators = (psychologist, official)

    def shift(self, ind: Individual, change: float) -> None:
        ind.mood.shift(self.env.now, change)
        self.touch(ind)
