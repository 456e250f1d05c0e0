"""A petition surge (集中信访): many small groups over a day at one reception
(sim/spec/surge.py). The groups' start times are drawn once, when the drill is
built, from the surge's own stream (a Poisson process over its window), so no
decision can change who comes and when; each group is then an ordinary group
visit of the group-visit component, with an id ``<surge id>-<n>`` and its own
people stream.

The groups share one grievance, so one initial reply (初步答复口径, a line of
answer for the matter) answers them all: once the policy team has issued it to
one group of the surge, every other group of it on site hears it at once, and
every later group on arrival (logged as reply_issued with ``shared_from``),
a group whose own reply is still being drafted too (that draft then issues
nothing). Likewise one package solution for the matter, once signed for one
group, is the package for every group of the surge (package_signed with
``shared_from``): the plan asks for a package for the matter, not one per
household that happened to come in its own car.
"""

from __future__ import annotations

from ..spec.scenario import GroupVisit
from ..spec.surge import PetitionSurge
from .group_visit import GroupVisits
from .log import Entry
from .people import Crowd
from .streams import Streams


def start_times(spec: PetitionSurge, streams: Streams) -> list[float]:
    """Arrival times of the groups: exponential gaps at the surge's rate, within its
    window, at most ``max_groups``."""
    rng = streams(f"surge:{spec.id}")
    rate_per_min = spec.rate.groups_per_hour / 60.0
    end = spec.start_min + spec.rate.window_min
    out: list[float] = []
    t = spec.start_min
    while len(out) < spec.rate.max_groups:
        t += float(rng.exponential(1.0 / rate_per_min))
        if t > end:
            break
        out.append(t)
    return out


def group_spec(spec: PetitionSurge, n: int, start: float) -> GroupVisit:
    return GroupVisit(
        kind="group_visit",
        id=f"{spec.id}-{n}",
        label={"zh": f"{spec.label.zh}（第{n}批）", "en": f"{spec.label.en}, group {n}"},  # type: ignore[arg-type]
        location=spec.location,
        start_min=start,
        size_people=spec.group_size_people,
        arrival_spread_min=spec.arrival_spread_min,
        grievance=spec.grievance,
        behaviour=spec.behaviour,
        source=spec.source,
    )


class SharedReply:
    """One initial reply and one package for the surge's shared grievance (see the
    module's doc)."""

    def __init__(self, groups: GroupVisits, ids: list[str]):
        self.groups = groups
        self.ids = frozenset(ids)
        self.first: str | None = None  # the group the reply was drafted for
        self.package_from: str | None = None  # the group the package was signed for
        groups.log.listen(self._on_entry)

    def _on_entry(self, entry: Entry) -> None:
        if entry.subject not in self.ids or "shared_from" in entry.data:
            return
        if entry.kind == "reply_issued" and self.first is None:
            self.first = entry.subject
            self.groups.kernel.soon(self._spread)  # once the drafting's event is complete
        elif entry.kind == "package_signed" and self.package_from is None:
            self.package_from = entry.subject
            self.groups.kernel.soon(self._spread)
        elif entry.kind == "group_started" and (self.first or self.package_from) is not None:
            crowd = self.groups.crowds[entry.subject]
            self.groups.kernel.soon(lambda: self._both(crowd))

    def _spread(self) -> None:
        for crowd_id in sorted(self.ids, key=lambda s: int(s.rsplit("-", 1)[1])):
            crowd = self.groups.crowds[crowd_id]
            if crowd.started and not crowd.is_over():
                self._both(crowd)

    def _both(self, crowd: Crowd) -> None:
        if self.first is not None:
            self._answer(crowd)
        if self.package_from is not None:
            self._package(crowd)

    def _package(self, crowd: Crowd) -> None:
        if crowd.package_at is not None or crowd.is_over():
            return
        groups = self.groups
        crowd.package_at = groups.env.now
        groups.drop(crowd, crowd.behaviour.package_drop)
        groups.log.add(groups.env.now, "package_signed", crowd.id, shared_from=self.package_from)

    def _answer(self, crowd: Crowd) -> None:
        # a group whose own reply is still being drafted is answered now all the same
        if crowd.reply_at is not None or crowd.is_over():
            return
        groups = self.groups
        crowd.reply_at = groups.env.now
        groups.drop(crowd, crowd.behaviour.reply_drop)
        groups.replied(crowd)  # those already received are answered, as with a reply of its own
        groups.log.add(groups.env.now, "reply_issued", crowd.id, shared_from=self.first)


def add_surge(spec: PetitionSurge, groups: GroupVisits, streams: Streams) -> list[str]:
    """Create and start the surge's groups (one reply shared among them); returns
    their ids in arrival order."""
    ids: list[str] = []
    for n, start in enumerate(start_times(spec, streams), start=1):
        one = group_spec(spec, n, start)
        crowd = groups.add(one.id, one, one.behaviour, start)
        groups.start(crowd)
        ids.append(one.id)
    SharedReply(groups, ids)
    return ids
