"""What a plan evaluation finds per scenario and milestone, from the rows of its
replications (``judge``): the status counts, P(met), the time to the milestone
(Kaplan–Meier) and the verdict, all from ``sim.stats``.

- P(met) with a 95 % Wilson interval, undecided replications (deadline after
  the drill ended: censored) counted as not met, and their number beside it;
- median and 90th-percentile time from the milestone's clock start to being done
  (late or not), Kaplan–Meier with the runs never done right-censored at the
  time they were watched; "not reached" when the estimate never gets there;
- the verdict (``sim.stats.verdicts``): kept, not kept, at risk, infeasible
  (static check), undecided within the drill, beyond / untimed, the system's;
- what accounts for its misses, when an attribution was run (``attribution``,
  summarised by ``bottleneck``), only for the team's own limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..fairness import is_system
from ..stats import Counts, Proportion, Verdict, verdict
from ..stats.survival import TimeToMilestone, time_to_milestone
from ..stats.verdicts import TEAM_SCORED
from .bottleneck import describe, summarise
from .columns import counts, times
from .feasibility import static_check


@dataclass
class MilestoneEval:
    id: str
    label_zh: str
    label_en: str
    level: str | None
    limit: float
    counts: Counts
    time: TimeToMilestone
    verdict: Verdict
    reason: str = ""  # static infeasibility
    bottleneck: tuple[str, int, int] | None = None
    bottleneck_text: dict[str, str] = field(default_factory=dict)
    controllable: bool = True
    assumed: bool = False

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    @property
    def prop(self) -> Proportion:
        """P(met), undecided counted as not met."""
        return self.counts.proportion()

    @property
    def undecided(self) -> int:
        return self.counts.undecided

    @property
    def median(self) -> float | None:
        return self.time.median

    @property
    def p90(self) -> float | None:
        return self.time.p90


@dataclass
class ScenarioEval:
    id: str
    title: dict[str, str]
    reps: int
    milestones: list[MilestoneEval]
    window_min: float = 0.0  # the scenario's own horizon
    horizon_min: float = 0.0  # where its replications ended (later when extended)
    wall_start: str = ""

    @property
    def extended(self) -> bool:
        return self.horizon_min > self.window_min + 1e-9


@dataclass
class Report:
    plan_id: str
    unit: dict[str, str]
    target: float
    reps: int
    master: int
    policy: str
    scenarios: list[ScenarioEval]


def judge(
    rows: list[dict[str, Any]],
    plan: Any,
    scenario: Any,
    target: float,
    causes: dict[str, Any] | None = None,  # milestone -> attribution.MilestoneAttribution
) -> list[MilestoneEval]:
    infeasible = static_check(plan, scenario)
    out = []
    for level, m in plan.all_milestones():
        c: Counts = counts(rows, m.id)
        if m.measure.kind == "beyond_model" and not c.beyond:
            c = Counts(beyond=len(rows))  # older tables carried no status for it
        controllable = not is_system(m, plan)
        v = verdict(c, target, infeasible=m.id in infeasible, controllable=controllable)
        done, watched = times(rows, m.id)
        cause = (causes or {}).get(m.id)
        neck = summarise(cause) if v in TEAM_SCORED else None
        text = {lang: describe(cause, lang) for lang in ("zh", "en")} if cause is not None and neck else {}
        out.append(
            MilestoneEval(
                m.id,
                m.label.zh,
                m.label.en,
                level,
                m.deadline_min,
                c,
                time_to_milestone(done, watched),
                v,
                infeasible.get(m.id, ""),
                neck,
                text,
                controllable,
                bool(getattr(m, "assumed", False)),
            )
        )
    return out
