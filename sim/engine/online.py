"""Online opinion (网络舆情): topics, their posts, livestreams, statements and
the copycat gatherings a hot topic brings.

Each topic is a self-exciting process (``heat.Topic``); its posts are drawn
one at a time from the topic's state, and redrawn whenever something changes
its intensity (a livestream, a burst, a statement), so a post drawn before is
then stale and ignored.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from functools import partial
from typing import TYPE_CHECKING, Any

from ..spec.scenario import GroupBehaviour, GroupVisit, OnlineTopic, Scenario
from .hazard import INF
from .heat import Topic
from .individual import Individual, IndividualStatus
from .kernel import EPS_MIN, Kernel
from .log import EventLog
from .people import Crowd
from .streams import Streams, Uniforms

if TYPE_CHECKING:
    import simpy

    from .group_visit import GroupVisits
    from .individual import Individuals
    from .levels import Levels


def _next_post(topic: Topic) -> float:
    return topic.next_post


class Online:
    def __init__(self, scenario: Scenario, kernel: Kernel, log: EventLog, streams: Streams):
        self.scenario = scenario
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.streams = streams
        self.topics: dict[str, Topic] = {}
        self._started: list[Topic] = []  # topics whose posts are drawn
        self.statements: list[float] = []
        self.drafting_eta: float | None = None  # a statement being drafted
        self._uniforms: dict[str, Uniforms] = {}
        # wired by the world
        self.levels: Levels
        self.groups: GroupVisits
        self.individuals: Individuals

    def add(self, spec: OnlineTopic) -> Topic:
        topic = Topic.from_spec(spec)
        env = self.kernel.env
        topic.clock = lambda: env.now
        self.topics[spec.id] = topic
        self.kernel.process(self._start(topic))
        return topic

    def _start(self, topic: Topic) -> Generator[simpy.Event, Any, None]:
        yield self.kernel.timeout(topic.spec.start_min)
        now = self.env.now
        topic.start(now)
        if not self._started:
            self.kernel.before_each(self.catch_up)
        self._started.append(topic)
        self.log.add(now, "topic_started", topic.id, heat=topic.heat)
        self._schedule_post(topic)
        self._copycat(topic)  # a topic may start already hot
        self.levels.check()

    # --- what others read -------------------------------------------------------------------

    def max_heat(self) -> float:
        return max((t.heat for t in self.topics.values()), default=0.0)

    def sample(self) -> None:
        now = self.env.now
        for topic in self.topics.values():
            if topic.started:
                self.log.add(now, "sample", topic.id, heat=topic.heat, reach=topic.reach)

    # --- posts ---------------------------------------------------------------------------------

    def _schedule_post(self, topic: Topic) -> None:
        """(Re)draw the next post from the topic's state now: after anything that
        changed its intensity. A post drawn before is then stale and ignored."""
        if topic.started:
            self._draw(topic, self.env.now)

    def _draw(self, topic: Topic, t: float) -> None:
        """Draw the next post from the state at ``t``. Most posts change nothing but
        the topic itself: those are applied when the clock passes them (``catch_up``),
        without an event of their own. A post that can start a copycat gathering or
        pass a level's heat mark gets an event, so what it starts starts then."""
        uniform = self._uniforms.get(topic.id)
        if uniform is None:
            uniform = self._uniforms[topic.id] = Uniforms(self.streams(f"heat:{topic.id}"))
        at = topic.draw_next_post(t, uniform)
        topic.post_event = at < INF and self._consequential(topic, at)
        if topic.post_event:
            self.kernel.at(at, lambda: self._post(topic, at))

    def _consequential(self, topic: Topic, at: float) -> bool:
        """Whether the post at ``at`` can do more than raise the heat: bring a copycat
        gathering (heat at its mark, gatherings left, the gap since the last one over:
        within the gap a look at its end is already scheduled) or pass a level's heat
        mark (while a level is still to be required)."""
        before = topic.heat_at(at)
        after = before + topic.spec.behaviour.heat_per_event
        rule = topic.spec.copycat
        if (
            rule is not None
            and topic.copycats < rule.max_gatherings
            and after >= rule.heat_threshold
            and (topic.last_copycat is None or at >= topic.last_copycat + rule.min_gap_min - EPS_MIN)
        ):
            return True
        return not self.levels.all_required() and any(
            before < m <= after for m in self.levels.heat_thresholds
        )

    def catch_up(self, until: float) -> None:
        """Apply the posts due before ``until`` that have no event of their own, in
        time order across topics (the kernel calls this before each event, so
        whatever happens then reads every topic as it is then). A post drawn here
        that gets an event of its own is now the next event: nothing after it is
        applied yet."""
        topics = self._started
        while True:
            if len(topics) == 1:
                topic, limit = topics[0], until
            else:
                ordered = sorted(topics, key=_next_post)
                topic, limit = ordered[0], min(until, ordered[1].next_post)
            if topic.next_post >= until or topic.post_event:
                return
            if limit <= topic.next_post:  # two topics post at the same moment: this one first
                limit = math.nextafter(topic.next_post, INF)
            rule = topic.spec.copycat
            mark, since = INF, -INF
            if rule is not None and topic.copycats < rule.max_gatherings:
                mark = rule.heat_threshold
                if topic.last_copycat is not None:
                    since = topic.last_copycat + rule.min_gap_min - EPS_MIN
            marks = () if self.levels.all_required() else tuple(self.levels.heat_thresholds)
            if topic.run_posts(limit, self._uniforms[topic.id], mark, since, marks):
                topic.post_event = True
                at = topic.next_post
                self.kernel.at(at, partial(self._post, topic, at))

    def _post(self, topic: Topic, at: float) -> None:
        if topic.next_post != at or not topic.post_event:
            return  # redrawn since
        topic.settle(at)
        before = topic.heat0
        topic.add_events(at, 1)
        topic.posts += 1
        if topic.spec.copycat is not None:
            self._copycat(topic)
        self.levels.heat_passed(before, topic.heat0)
        self._schedule_post(topic)

    def heat_burst(self, events: float, cause: str) -> None:
        now = self.env.now
        for topic in self.topics.values():
            if topic.started:
                topic.add_events(now, events)
                self.log.add(now, "heat_burst", topic.id, events=events, cause=cause, heat=topic.heat)
                self.after_burst(topic)

    def spike(self, topic: Topic, events: int) -> None:
        """A burst on one topic (an inject)."""
        now = self.env.now
        topic.add_events(now, events)
        self.log.add(now, "heat_burst", topic.id, events=events, cause="inject", heat=topic.heat)
        if topic.started:
            self.after_burst(topic)

    def after_burst(self, topic: Topic) -> None:
        self._schedule_post(topic)
        self._copycat(topic)
        self.levels.check()

    # --- livestreams and statements --------------------------------------------------------------

    def start_livestream(self, incident_id: str) -> None:
        target: Crowd | Individual | None = self.groups.crowds.get(incident_id) or self.individuals.all.get(
            incident_id
        )
        rate = 0.0
        if isinstance(target, Individual):
            if target.livestreaming or target.status is not IndividualStatus.ACTIVE:
                return
            target.livestreaming = True
            rate = target.spec.behaviour.livestream_events_per_hour
        elif isinstance(target, Crowd):
            rate = target.behaviour.heat_events_per_escalation  # a group's stream, per hour
        for topic in self.topics.values():
            topic.extra_base_per_hour += rate
            self._schedule_post(topic)
        self.log.add(self.env.now, "livestream_started", incident_id, events_per_hour=rate)

    def stop_livestream(self, ind: Individual) -> None:
        if ind.livestreaming:
            ind.livestreaming = False
            for topic in self.topics.values():
                topic.extra_base_per_hour = max(
                    0.0, topic.extra_base_per_hour - ind.spec.behaviour.livestream_events_per_hour
                )
                self._schedule_post(topic)

    def publish_statement(self) -> None:
        now = self.env.now
        self.statements.append(now)
        for topic in self.topics.values():
            timely = topic.started and now - topic.spec.start_min <= topic.spec.behaviour.statement_timely_min
            topic.settle(now)
            topic.apply_statement(timely or not topic.started)
            self._schedule_post(topic)
        self.log.add(now, "statement_published", "", round=len(self.statements))

    # --- copycat gatherings ---------------------------------------------------------------------

    def _copycat(self, topic: Topic) -> None:
        rule = topic.spec.copycat
        if rule is None or topic.copycats >= rule.max_gatherings or topic.heat < rule.heat_threshold:
            return
        now = self.env.now
        if topic.last_copycat is not None and now < topic.last_copycat + rule.min_gap_min - EPS_MIN:
            # too soon after the last one: look again when the gap is over, since
            # the heat may still be above the threshold then with no new post
            again = topic.last_copycat + rule.min_gap_min
            if topic.copycat_check_at != again:
                topic.copycat_check_at = again
                self.kernel.at(again, lambda: self._copycat(topic))
            return
        topic.copycats += 1
        topic.last_copycat = now
        if topic.copycats < rule.max_gatherings:
            # the heat may stay above the mark through the gap with no post to notice it
            again = now + rule.min_gap_min
            topic.copycat_check_at = again
            self.kernel.at(again, lambda: self._copycat(topic))
        behaviour = rule.behaviour or self._first_group_behaviour()
        crowd_id = f"{topic.id}-copycat-{topic.copycats}"
        spec = GroupVisit(
            kind="group_visit",
            id=crowd_id,
            label={"zh": f"跟风聚集{topic.copycats}", "en": f"Copycat gathering {topic.copycats}"},  # type: ignore[arg-type]
            location=rule.location,
            start_min=now,
            size_people=rule.size_people,
            arrival_spread_min=rule.arrival_spread_min,
            grievance=rule.grievance,
            behaviour=behaviour,
            source=topic.spec.source,
        )
        self.groups.spawn_copycat(crowd_id, spec, topic.id, topic.heat)

    def _first_group_behaviour(self) -> GroupBehaviour:
        for incident in self.scenario.incidents:
            if isinstance(incident, GroupVisit):
                return incident.behaviour
        raise RuntimeError("copycat rule without behaviour in a scenario without groups")  # schema prevents
