"""One cordon and one medical post per place (002 §五(二): one core zone, one
medical post). A post set up for one incident covers every incident at that
place: those there when it stands and those who come later, each logged as
covered (``covered_by``) with no members of its own. Without this, each group
at the same place took a cordon and its members of its own, which the plan
does not ask for and which left fewer hands for everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .group_visit import GroupVisits
from .individual import Individual
from .kernel import Kernel
from .log import Entry, EventLog
from .people import Crowd

Incident = Crowd | Individual

# the incident's attribute each post sets, and the log entry that says so
POSTS = {"cordon_at": "cordon_set", "medical_at": "medical_standby"}


class SitePosts:
    def __init__(self, kernel: Kernel, log: EventLog, groups: GroupVisits):
        self.kernel = kernel
        self.log = log
        self.groups = groups
        self.standing: dict[tuple[str, str], str] = {}  # (flag, place) -> the incident it was set up for
        # wired by the world
        self.present: Callable[[], list[Incident]]
        self.lookup: Callable[[str], Incident | None]
        log.listen(self._on_entry)

    def standing_for(self, flag: str, place: str) -> str | None:
        """The incident the post at ``place`` was set up for (None: there is none)."""
        return self.standing.get((flag, place))

    def stand(self, flag: str, target: Incident, people: int) -> None:
        """The post set up for ``target`` stands: it covers its whole place."""
        self.standing[(flag, target.place)] = target.id
        self._mark(flag, target, people=people)
        for other in self.present():
            if other is not target and other.place == target.place and getattr(other, flag) is None:
                self._mark(flag, other, covered_by=target.id)

    def _mark(self, flag: str, inc: Incident, people: int = 0, covered_by: str | None = None) -> None:
        if flag == "cordon_at" and isinstance(inc, Crowd):
            self.groups.cordon(inc)
        else:
            setattr(inc, flag, self.kernel.now)
        extra = {} if covered_by is None else {"covered_by": covered_by}
        self.log.add(self.kernel.now, POSTS[flag], inc.id, people=people, **extra)

    def _on_entry(self, entry: Entry) -> None:
        if entry.kind not in ("group_started", "individual_started") or not self.standing:
            return
        for (flag, place), by in sorted(self.standing.items()):
            if place == entry.data.get("place"):
                self.kernel.soon(partial(self._cover_new, flag, entry.subject, by))

    def _cover_new(self, flag: str, incident: str, by: str) -> None:
        inc = self.lookup(incident)
        if inc is not None and getattr(inc, flag) is None:
            self._mark(flag, inc, covered_by=by)
