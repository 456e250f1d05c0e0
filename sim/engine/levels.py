"""Levels (预警 / 响应级别): which response level the situation requires.

A level is required once one of its triggers holds (a head count, agitation or
distress, signs of self-harm, online heat, an intent to escalate). The level
"recommended" is the most severe whose triggers have held so far: levels are
raised by triggers and ended by a decision, never lowered by a lull.

Triggers are checked only where a measure can have risen: an arrival reaching
a trigger's head count, a post passing a heat mark, a mood reaching a
threshold (the incidents ask for a wake-up at the crossing), a report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..spec.plan import LEVELS, Plan
from .hazard import INF, MoodPath, crossing
from .kernel import EPS_MIN, Kernel
from .log import EventLog

if TYPE_CHECKING:
    from .assessment import Assessment
    from .group_visit import GroupVisits
    from .individual import Individuals
    from .online import Online
    from .site_emergency import Emergencies


class Levels:
    def __init__(self, plan: Plan, kernel: Kernel, log: EventLog):
        self.plan = plan
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.required_at: dict[str, float] = {}  # first time each level's triggers held
        self.recommended: str | None = None
        triggers = [trig for level in plan.levels.values() for trig in level.triggers]
        self.head_thresholds = sorted(
            {t.head_count_at_least_people for t in triggers if t.head_count_at_least_people is not None}
        )
        self.heat_thresholds = sorted({t.heat_at_least for t in triggers if t.heat_at_least is not None})
        # level triggers on agitation or distress: the thresholds a mood can cross
        self.mood_thresholds = sorted(
            {t.agitation_at_least for t in triggers if t.agitation_at_least is not None}
        )
        # wired by the world
        self.assessment: Assessment
        self.groups: GroupVisits
        self.individuals: Individuals
        self.online: Online
        self.emergencies: Emergencies

    def head_count(self) -> int:
        return self.groups.head_count() + self.individuals.head_count()

    def max_agitation(self) -> float:
        values = [c.agitation for c in self.groups.crowds.values() if c.on_site > 0]
        values += [i.distress for i in self.individuals.all.values() if i.head_count()]
        return max(values, default=0.0)

    def warranted(self) -> str | None:
        """The most severe level whose triggers hold at this moment (None before
        the first report, or if none does)."""
        if self.assessment.first_report_at is None:
            return None
        head = self.head_count()
        agitation = self.max_agitation()
        heat = self.online.max_heat()
        self_harm = self.individuals.any_active()
        intent = self.groups.intent_on_site()
        emergency = self.emergencies.reported()
        found = None
        for name in LEVELS:  # least to most severe: the last that holds wins
            level = self.plan.levels.get(name)  # type: ignore[call-overload]
            if level is None:
                continue
            for trig in level.triggers:
                if trig.head_count_at_least_people is not None and head < trig.head_count_at_least_people:
                    continue
                if trig.agitation_at_least is not None and agitation < trig.agitation_at_least - EPS_MIN:
                    continue
                if trig.self_harm_signs and not self_harm:
                    continue
                if trig.heat_at_least is not None and heat < trig.heat_at_least:
                    continue
                if trig.intent_to_escalate and not intent:
                    continue
                if trig.site_emergency and not emergency:
                    continue
                found = name
                break
        return found

    def all_required(self) -> bool:
        return len(self.required_at) == len(self.plan.levels)

    def check(self) -> None:
        """Check the levels' triggers now (a measure may have risen)."""
        if self.assessment.first_report_at is None or self.all_required():
            return
        recommended = self.warranted()
        if recommended is None:
            return
        if self.recommended is None or LEVELS.index(recommended) > LEVELS.index(self.recommended):
            self.recommended = recommended
        rank = LEVELS.index(recommended)
        now = self.env.now
        head, heat = self.head_count(), self.online.max_heat()
        for name in LEVELS[: rank + 1]:
            if name in self.plan.levels and name not in self.required_at:
                self.required_at[name] = now
                self.log.add(now, "level_required", name, head_count=head, heat=heat)

    def next_threshold(self, mood: MoodPath) -> float:
        """Minutes until a rising mood reaches the next level trigger's threshold."""
        if mood.slope <= 0.0 or self.all_required():
            return INF
        for level in self.mood_thresholds:
            if level > mood.a0 + EPS_MIN:
                return crossing(mood.a0, mood.slope, level)
        return INF

    def heat_passed(self, before: float, after: float) -> None:
        """A post raised the heat from ``before`` to ``after``: only a trigger's
        heat mark being passed can make a level due."""
        for level in self.heat_thresholds:
            if before < level <= after:
                self.check()
                break
