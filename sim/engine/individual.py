"""An extreme individual: a distressed person threatening self-harm.

Distress (0..1) rises while nobody negotiates and falls while a psychologist
and an official negotiate on scene. The hazard of an act grows with distress
and is cut by negotiation; a cordon protects bystanders and medical standby
lowers the chance that an act ends in severe injury. Below the resolution
threshold the incident ends safely.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spec.scenario import ExtremeIndividual
from .hazard import INF, Hazard, MoodPath

ACTIVE = "active"
RESOLVED = "resolved"
HARMED = "harmed"  # an act happened (injured or not)


@dataclass(eq=False)
class Individual:
    id: str
    spec: ExtremeIndividual
    place: str
    venue: str | None
    mood: MoodPath  # distress, read at the present time
    status: str = ACTIVE
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
    wake_at: float = INF
    wake_kind: str = ""
    timer_at: float | None = None

    @property
    def distress(self) -> float:
        return self.mood.value

    def distress_slope_per_hour(self) -> float:
        b = self.spec.behaviour
        if self.negotiating_since is not None:
            return -b.negotiation_calm_per_hour
        return b.distress_rise_per_hour

    def self_harm_hazard(self) -> Hazard:
        """Per minute: grows with the square of distress; negotiation cuts it."""
        b = self.spec.behaviour
        rate = b.self_harm_per_hour_at_max / 60.0
        if self.negotiating_since is not None:
            rate *= b.negotiation_hazard_factor
        return Hazard(r=rate)

    def head_count(self) -> int:
        return 1 if self.started and self.status == ACTIVE else 0
