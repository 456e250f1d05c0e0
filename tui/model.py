"""What the screens share, without any Textual: names and labels, feed lines
from log entries, the places view, milestone texts in the one meaning of time,
sparklines, and decision forms' display text.

Only the room's public views are used here (``sim.room``); the UI never
touches the model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.fairness import system_ids
from sim.labels import label
from sim.present import ceil_min as minutes_up
from sim.present import clock_start_text, decision_sentence, id_labels, milestone_result_text
from sim.room.engine import NARRATED, Decision, Entry, Snapshot, Why, wall_clock
from sim.room.forms import DECISION_KEYS, TRAINEE_DECISIONS, Choice
from sim.spec import catalog
from sim.spec.loader import loadable_scenarios
from sim.spec.plan import Plan, VenueKind
from sim.spec.scenario import Scenario

from .i18n import CATALOGS, tr

if TYPE_CHECKING:
    from sim.engine.snapshot import EmergencyView

__all__ = ["DECISION_KEYS", "TRAINEE_DECISIONS", "clock_start_text", "minutes_up"]

DEFAULT_SCENARIO = "group-visit-50"
DEFAULT_PLAN = "city"
TICK_S = 0.25  # real seconds between clock ticks of a local room
MIN_SIZE = (120, 40)  # the smallest terminal the drill screen is laid out for (README agrees)


def default_journal_path(scenario: str, seed: int, now: datetime | None = None, suffix: str = "") -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return Path("journals") / f"{scenario}-{seed}-{stamp}{suffix}.jsonl"


@dataclass
class ScenarioInfo:
    id: str
    path: Path
    scenario: Any  # sim.spec.scenario.Scenario
    plans: list[str]


def list_scenarios() -> list[ScenarioInfo]:
    """Shipped scenarios (those that load), each with the shipped plans it may use."""
    shipped_plans = set(catalog.shipped_plan_ids())
    out = []
    for sid, path, scen in loadable_scenarios():
        plans = [p for p in scen.plans() if p in shipped_plans]
        out.append(ScenarioInfo(sid, path, scen, plans))
    return out


# --- names -------------------------------------------------------------------------


def level_label(plan: Plan, level: str | None, lang: str) -> str:
    """The plan's own name for a level (it already says which level it is)."""
    spec = plan.levels.get(level) if level else None  # type: ignore[call-overload]
    return spec.label.get(lang) if spec is not None else (level or "–")


def names(plan: Plan, snap: Snapshot, lang: str) -> dict[str, str]:
    """Display names of every id the log, decisions and views may name."""
    out: dict[str, str] = {}
    for group in (
        snap.incidents,
        snap.topics,
        snap.teams,
        snap.officials,
        snap.venues,
        snap.milestones,
        snap.emergencies,
    ):
        for item in group:
            out[item.id] = item.label.get(lang)
    for step in snap.alert:
        out.setdefault(step.step, step.label.get(lang))
    for sid, site in plan.sites.items():
        out.setdefault(sid, site.label.get(lang))
    for name in plan.levels:
        out.setdefault(name, level_label(plan, name, lang))
    out.setdefault("base", tr(lang, "place.base"))
    return out


def dlabel(cls: type[Decision], lang: str) -> str:
    return label(cls.kind, lang)


def decision_text(decision: Decision | dict[str, Any], lang: str, plan: Plan, scenario: Scenario) -> str:
    """A decision as a sentence with every id by its label, worded as in the report
    ("召集接待分流组的全部备勤人员"), never "召集备勤人员（reception）"."""
    data = decision.to_dict() if isinstance(decision, Decision) else dict(decision)
    kind = str(data.pop("kind", ""))
    return decision_sentence(kind, data, id_labels(plan, scenario), lang, plan)


def reason_text(message: Any, lang: str) -> str:
    """An engine reason or note in ``lang`` (``Why`` strings carry both)."""
    if message is None:
        return ""
    if isinstance(message, Why):
        return message.text(lang)
    return str(message)


# --- time: one meaning everywhere ---------------------------------------------------


def at(scenario: Scenario, t: float) -> str:
    """A moment as the scenario's time of day (``09:15``; ``03-02 09:15`` past a day)."""
    return wall_clock(scenario.wall_start, t)


def clock_of(plan: Plan, milestone_id: str) -> str:
    for _level, m in plan.all_milestones():
        if m.id == milestone_id:
            return m.clock
    return "first_report"


def milestone_text(m: Any, plan: Plan, scenario: Scenario, now: float, lang: str) -> tuple[str, str]:
    """A milestone's state as a trainee reads it, and its style: met green with
    the time of day and how long it took from its own clock's start (named) with
    the limit beside it; missed red; due soon amber; dim when not (yet) applicable;
    a limit due after the drill ends is undecided within the drill. The system's
    steps (``sim.fairness``) say so: they are not the team's to change."""
    text, style = _milestone_state(m, plan, scenario, now, lang)
    if m.id in system_ids(plan):
        text += tr(lang, "ms.system")
    return text, style


def _milestone_state(m: Any, plan: Plan, scenario: Scenario, now: float, lang: str) -> tuple[str, str]:
    clock = clock_of(plan, m.id)
    if m.status in ("met", "missed"):
        after = m.met_at - (m.clock_start or 0.0) if m.met_at is not None else None
        text = milestone_result_text(
            m.status, m.met_at, after, m.deadline_min, clock, scenario.wall_start, lang
        )
        if m.status == "missed" and m.met_at is None and m.deadline is not None:
            text += tr(lang, "ms.due", due=at(scenario, m.deadline))
        mark = "✓\u00a0" if m.status == "met" else "✗\u00a0"
        return mark + text, "bold green" if m.status == "met" else "bold red"
    if m.status == "pending" and not math.isfinite(m.deadline_min):
        # applies, but the plan names the action without a time: nothing is due
        return milestone_result_text(
            "untimed", None, None, m.deadline_min, clock, scenario.wall_start, lang
        ), ""
    if m.status == "pending":
        if m.deadline is None:
            return tr(lang, "ms.not_yet"), "dim"
        if m.deadline > scenario.horizon_min or now >= scenario.horizon_min:
            return tr(lang, "ms.pending_after", due=at(scenario, m.deadline)), "magenta"
        left = minutes_up(m.deadline - now)
        return tr(lang, "ms.left", m=left, due=at(scenario, m.deadline)), (
            "bold yellow" if left <= 10 else ""
        )
    key = {"not_yet": "ms.not_yet", "not_applicable": "ms.not_applicable", "beyond_model": "ms.beyond_model"}
    return tr(lang, key.get(m.status, "ms.not_yet")), "dim"


# --- the feed ---------------------------------------------------------------------

ARRIVALS = frozenset({"team_arrived", "joined"})
ARRIVAL_WINDOW_MIN = 15.0  # arrivals of one team (or one group's joiners) within this make one line


@dataclass
class FeedLine:
    t: float
    kind: str
    subject: str
    text: str
    count: int = 1
    last_t: float = 0.0


def _feed_text(
    e: Entry, lang: str, labels: dict[str, str], plan: Plan, scenario: Scenario, count: int = 1
) -> str:
    who = labels.get(e.subject) or next(
        (i.label.get(lang) for i in scenario.incidents if i.id == e.subject), e.subject
    )  # an incident the snapshot does not show (yet) by its scenario label
    if e.kind == "group_moved":
        venue = plan.venues.get(str(e.data.get("venue")))
        if venue is not None and venue.kind == VenueKind.outdoor:  # led out (a fire), not in
            return tr(lang, "feed.group_moved_out", who=who, where=venue.label.get(lang))
    if e.kind == "inject":
        return tr(
            lang, "feed.inject", text=str(e.data.get(lang) or e.data.get("zh") or e.data.get("en") or "")
        )
    if e.kind == "decision":
        return tr(
            lang, "feed.decision", who=decision_text({"kind": e.subject, **e.data}, lang, plan, scenario)
        )
    if e.kind == "team_arrived":
        return tr(lang, "feed.team_arrived", who=who, n=count)
    if e.kind == "joined":
        return tr(lang, "feed.joined", who=who, n=count)
    if e.kind == "first_report":
        return tr(lang, "feed.first_report")
    if e.kind in ("level_required", "level_declared"):
        return tr(lang, f"feed.{e.kind}", who=labels.get(e.subject, e.subject))
    if f"feed.{e.kind}" in CATALOGS["en"]:
        return tr(lang, f"feed.{e.kind}", who=who)
    return tr(lang, "feed.other", kind=e.kind, who=who)


class Feed:
    """The feed's lines, built incrementally from the log: arrivals of one team
    (or people joining one group) within a quarter of an hour are one line whose
    count grows, so they never push the injects off the screen."""

    def __init__(self, lang: str, plan: Plan, scenario: Scenario) -> None:
        self.lang = lang
        self.plan = plan
        self.scenario = scenario
        self.lines: list[FeedLine] = []
        self.seen = 0
        self._open: dict[tuple[str, str], FeedLine] = {}

    def update(self, entries: Sequence[Entry], labels: dict[str, str]) -> tuple[list[FeedLine], bool]:
        """Take the entries not seen yet; returns (new lines, whether an earlier line changed)."""
        new: list[FeedLine] = []
        changed = False
        for e in entries[self.seen :]:
            if e.kind not in NARRATED:
                continue
            if e.kind in ARRIVALS:
                key = (e.kind, e.subject)
                line = self._open.get(key)
                n = int(e.data.get("people", 1)) if e.kind == "joined" else 1
                if line is not None and e.t - line.t <= ARRIVAL_WINDOW_MIN:
                    line.count += n
                    line.last_t = e.t
                    line.text = _feed_text(e, self.lang, labels, self.plan, self.scenario, line.count)
                    if line not in new:
                        changed = True
                    continue
                line = FeedLine(
                    e.t,
                    e.kind,
                    e.subject,
                    _feed_text(e, self.lang, labels, self.plan, self.scenario, n),
                    n,
                    e.t,
                )
                self._open[key] = line
            else:
                line = FeedLine(
                    e.t, e.kind, e.subject, _feed_text(e, self.lang, labels, self.plan, self.scenario), 1, e.t
                )
                last = self.lines[-1] if self.lines else None
                if e.kind == "level_required" and last is not None and last.kind == e.kind and last.t == e.t:
                    # levels required at one minute come lowest first: the room is told the
                    # highest only (a fire requiring II would also read "calls for" III's label)
                    last.subject, last.text = line.subject, line.text
                    changed = changed or last not in new
                    continue
            self.lines.append(line)
            new.append(line)
        self.seen = len(entries)
        return new, changed


# --- places --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceRow:
    id: str
    label: str
    groups: str  # who is there: groups with inside / outside counts
    staff: str  # teams' members and officials there
    staff_count: int
    people: int
    capacity: int | None
    status: str


def places(plan: Plan, scenario: Scenario, snap: Snapshot, lang: str) -> list[PlaceRow]:
    """Every place with who is there: the unit's rooms (people inside), outside the
    rooms (people waiting who do not fit), and each outlying site (the hub)."""
    labels = names(plan, snap, lang)
    sep = "，" if lang == "zh" else ", "
    rows: list[PlaceRow] = []

    def staff_at(place: str) -> str:
        parts = [f"{t.label.get(lang)} {t.places[place]}" for t in snap.teams if t.places.get(place)]
        parts += [o.label.get(lang) for o in snap.officials if o.place == place and o.status == "on_site"]
        return sep.join(parts)

    def count_at(place: str) -> int:
        return sum(t.places.get(place, 0) for t in snap.teams) + sum(
            1 for o in snap.officials if o.place == place and o.status == "on_site"
        )

    active = [i for i in snap.incidents if i.started and not i.over]
    rows.append(
        PlaceRow("base", tr(lang, "place.base_staff"), "", staff_at("base"), count_at("base"), 0, None, "")
    )
    for v in snap.venues:
        groups = []
        for i in active:
            if i.place != "base" or i.venue != v.id:
                continue
            inside = i.head_count if v.kind == "outdoor" else i.head_count - i.outside
            if inside > 0:
                groups.append(f"{labels.get(i.id, i.id)} {inside}")
        for i in active:
            if v.reps_of == i.id and i.representatives:
                groups.append(tr(lang, "place.reps", who=labels.get(i.id, i.id), n=i.representatives))
        if v.open:
            status = tr(lang, "venue.open")
        elif v.opening_eta is not None:
            status = tr(lang, "venue.opening", at=at(scenario, v.opening_eta))
        else:
            status = tr(lang, "venue.closed")
        rows.append(
            PlaceRow(v.id, v.label.get(lang), sep.join(groups), "", 0, v.occupancy, v.capacity, status)
        )
    outside = [
        (i, i.outside if i.venue is not None else i.head_count)
        for i in active
        if i.place == "base"
        and (i.venue is None or i.outside)
        and not any(v.id == i.venue and v.kind == "outdoor" for v in snap.venues)
    ]
    waiting = sum(n for _, n in outside)
    rows.append(
        PlaceRow(
            "outside",
            tr(lang, "place.outside"),
            sep.join(f"{labels.get(i.id, i.id)} {n}" for i, n in outside if n),
            "",
            0,
            waiting,
            None,
            "",
        )
    )
    for sid, site in plan.sites.items():
        here = [i for i in active if i.place == sid]
        rows.append(
            PlaceRow(
                sid,
                site.label.get(lang),
                sep.join(f"{labels.get(i.id, i.id)} {i.head_count}" for i in here),
                staff_at(sid),
                count_at(sid),
                sum(i.head_count for i in here),
                None,
                "",
            )
        )
    return rows


# --- a fire or explosion ----------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyRow:
    key: str  # unique across emergencies: "<id>:<fact>"
    what: str
    value: str
    style: str


def emergency_rows(em: EmergencyView, scenario: Scenario, lang: str) -> list[EmergencyRow]:
    """What a drill room needs about a fire or an explosion, one fact a row: its
    state, the venue (closed) and where the evacuated wait, who is still inside,
    out, hurt and taken to hospital, the fire brigade and the ambulance crews."""
    status = em.status
    if status == "evacuating":
        state, style = tr(lang, "em.evacuating", n=em.inside), "bold red"
    else:
        out_at = at(scenario, em.evacuated_at if em.evacuated_at is not None else em.started_at)
        if status == "casualties":
            state = tr(lang, "em.casualties", at=out_at, n=em.injured - em.to_hospital)
            style = "bold yellow"
        else:
            state, style = tr(lang, "em.done", at=out_at), "green"
    rows = [
        EmergencyRow(f"{em.id}:what", tr(lang, f"em.{em.hazard}"), em.label.get(lang), "bold"),
        EmergencyRow(f"{em.id}:state", tr(lang, "em.row.state"), state, style),
        EmergencyRow(
            f"{em.id}:venue",
            tr(lang, "em.row.venue"),
            tr(lang, "em.venue", venue=em.venue_label.get(lang), where=em.assembly_label.get(lang)),
            "",
        ),
        EmergencyRow(
            f"{em.id}:people",
            tr(lang, "em.row.people"),
            tr(
                lang,
                "em.people",
                inside=em.inside,
                out=em.evacuated,
                hurt=em.injured,
                hospital=em.to_hospital,
            ),
            "bold red" if em.inside else ("yellow" if em.to_hospital < em.injured else ""),
        ),
    ]
    if em.brigade_at is not None:
        brigade, b_style = tr(lang, "em.brigade_here", at=at(scenario, em.brigade_at)), "green"
    elif em.reported_at is not None:
        due = at(scenario, em.brigade_eta) if em.brigade_eta is not None else "–"
        brigade, b_style = tr(lang, "em.brigade_called", at=at(scenario, em.reported_at), due=due), "yellow"
    else:
        brigade, b_style = tr(lang, "em.brigade_not_called"), "bold yellow"
    rows.append(EmergencyRow(f"{em.id}:brigade", tr(lang, "em.row.brigade"), brigade, b_style))
    sep = "，" if lang == "zh" else ", "
    parts = []
    if em.medical_on_duty:
        parts.append(tr(lang, "em.medical_on", n=em.medical_on_duty))
    if em.medical_en_route:
        due = at(scenario, em.medical_eta) if em.medical_eta is not None else "–"
        parts.append(tr(lang, "em.medical_en_route", n=em.medical_en_route, at=due))
    if parts:
        medical, m_style = sep.join(parts), "green" if not em.medical_en_route else "yellow"
    elif em.medical_off_duty:
        medical = tr(lang, "em.medical_off", n=em.medical_off_duty)
        m_style = "bold yellow" if em.injured > em.to_hospital else "dim"
    else:
        medical, m_style = tr(lang, "em.medical_none"), "dim"
    rows.append(EmergencyRow(f"{em.id}:medical", tr(lang, "em.row.medical"), medical, m_style))
    return rows


# --- small renderings -------------------------------------------------------------

BARS = "▁▂▃▄▅▆▇█"  # block elements: East Asian "ambiguous" width; terminals must treat them as narrow


def sparkline(values: Iterable[float], width: int = 16, top: float | None = None) -> str:
    data = list(values)
    if not data:
        return ""
    if len(data) > width:
        step = len(data) / width
        data = [max(data[int(i * step) : max(int((i + 1) * step), int(i * step) + 1)]) for i in range(width)]
    hi = top if top else max(max(data), 1e-9)
    return "".join(BARS[min(len(BARS) - 1, max(0, int(v / hi * (len(BARS) - 1) + 0.5)))] for v in data)


# --- decision forms' display text ---------------------------------------------------


def option_text(choice: Choice, value: str, snap: Snapshot, plan: Plan, lang: str) -> str:
    """How one value of a form field is shown: always a label, with what helps choose."""
    labels = names(plan, snap, lang)
    if choice.name == "level":
        return level_label(plan, value, lang)
    if choice.name == "team":
        team = next((t for t in snap.teams if t.id == value), None)
        if team is not None:
            return tr(
                lang,
                "form.team_opt",
                team=team.label.get(lang),
                on=team.idle + team.busy,
                size=team.size,
                off=team.off_duty,
            )
    if choice.name in ("incident", "to"):
        inc = next((i for i in snap.incidents if i.id == value), None)
        if inc is not None:
            return tr(lang, "form.incident_opt", who=inc.label.get(lang), n=inc.head_count)
    return labels.get(value, value)


def estimate_text(people: int, minutes: float | None, note: Any, lang: str) -> str:
    """One delay, one number: what the decision commits and when it takes effect."""
    note_text = reason_text(note, lang)
    if minutes:
        return tr(lang, "modal.estimate", people=people, minutes=minutes_up(minutes), note=note_text).rstrip(
            " ·"
        )
    return tr(lang, "modal.estimate_now", people=people, note=note_text).rstrip(" ·")
