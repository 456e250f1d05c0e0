"""The room: one drill, one clock, one journal; every seat's requests go
through here, checked against what that seat may do.

Synchronous and headless: ``drill play`` uses a Room in-process with one seat
holding every role; ``drill host`` puts one behind a WebSocket server.
Every accepted decision, facilitator action, evaluation note and clock stop
is journaled as it happens (flushed and fsynced), with the seat it came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..journal import Journal, JournalError, JournalWriter, read_journal, resolve_sources
from ..journal.records import (
    ClockRecord,
    DecisionRecord,
    FacilitatorRecord,
    LegacyInjectRecord,
    NoteRecord,
    decision_of,
)
from .clock import ClockState, RoomClock, TimeSource, monotonic
from .engine import (
    Decision,
    DrillPort,
    Entry,
    Estimate,
    FacilitatorAction,
    MselItem,
    Outcome,
    Snapshot,
    Why,
    action_from_dict,
    why,
)
from .forms import availability
from .packages import package
from .roles import Power, Roles, Seat

NOTE_MAX_CHARS = 2000


@dataclass(frozen=True)
class Note:
    """An evaluator's (or facilitator's) note, about a milestone, a decision or the drill."""

    t: float
    seat: str
    text: str
    about: dict[str, Any]


@dataclass(frozen=True)
class Picture:
    """What one seat sees at one moment."""

    seat: str
    t: float
    wall: str
    finished: bool
    clock: ClockState
    snapshot: Snapshot
    available: dict[str, dict[str, Any]]  # kind -> a decision (as a dict) the seat could take now
    why_not: dict[str, dict[str, str]]  # kind -> {"zh", "en"}: why the seat cannot take it now
    msel: tuple[MselItem, ...]
    notes: tuple[Note, ...]
    log_length: int
    version: int


def said(reason: Why | str | None) -> dict[str, str] | None:
    """A reason in both languages (for the wire)."""
    if reason is None:
        return None
    if isinstance(reason, Why):
        return {"zh": reason.zh, "en": str(reason)}
    return {"zh": str(reason), "en": str(reason)}


def unsaid(data: dict[str, str] | None) -> Why | None:
    return None if data is None else Why(data.get("en", ""), data.get("zh", ""))


@dataclass
class Room:
    port: DrillPort
    roles: Roles
    writer: JournalWriter | None = None
    journal_path: Path | None = None
    time: TimeSource = monotonic
    plan_file: Path | None = None
    scenario_file: Path | None = None
    clock: RoomClock = field(init=False)
    version: int = 0
    notes: list[Note] = field(default_factory=list)
    _minute: int = field(default=-1, init=False)
    _avail_cache: dict[tuple[str, ...], tuple[Any, Any, Any]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.clock = RoomClock(self.time)
        self._minute = math.floor(self.port.now)

    def open_journal(self, path: Path, extra: dict[str, Any] | None = None) -> Path:
        """Start the journal at ``path`` (never overwriting one); idempotent."""
        if self.writer is None:
            assert self.plan_file is not None and self.scenario_file is not None
            self.writer = JournalWriter(path, self.plan_file, self.scenario_file, self.seed, extra=extra)
            self.journal_path = path
        return self.journal_path or path

    @property
    def seed(self) -> int:
        return self.port.seed

    # --- time -------------------------------------------------------------------------------
    def start(self) -> None:
        """The first report and the injects at minute 0 (advance is inclusive)."""
        if self.port.now == 0 and not self.port.entries:
            self.port.advance(0)
            self.version += 1

    def tick(self) -> bool:
        """Advance the drill by the real time since the last tick times the speed;
        True if anything changed (the drill moved, a discussion pause ended)."""
        before = self.clock.state()
        minutes = self.clock.elapsed_minutes()
        # a discussion's countdown is news for every seat, as is its end
        changed = before.discussion_left_s is not None or before.paused != self.clock.state().paused
        if minutes > 0 and not self.port.finished:
            self.port.advance(min(self.port.now + minutes, self.port.horizon))
            changed = True
            minute = math.floor(self.port.now)
            if minute != self._minute:
                self._minute = minute
                self._journal_clock()
            if self.port.finished:
                self.clock.pause()
                self._journal_clock()
        if changed:
            self.version += 1
        return changed

    def step(self, seat: Seat) -> Outcome:
        """On to the next event worth narrating (``drill play``'s ``n``)."""
        if not seat.can(Power.clock):
            return self._no_power(seat, "clock")
        self.port.advance_to_news(self.port.horizon)
        self._journal_clock()
        self.version += 1
        return Outcome(True)

    def set_clock(self, seat: Seat, paused: bool | None = None, speed: float | None = None) -> Outcome:
        if not seat.can(Power.clock):
            return self._no_power(seat, "clock")
        if speed is not None:
            self.clock.set_speed(speed)
        if paused is True:
            self.clock.pause()
            self._journal_clock()
        elif paused is False and not self.port.finished:
            self.clock.play()
        self.version += 1
        return Outcome(True)

    def discuss(self, seat: Seat, seconds: float) -> Outcome:
        if not seat.can(Power.clock):
            return self._no_power(seat, "clock")
        if seconds <= 0:
            self.clock.end_discussion()
        else:
            self.clock.discuss(seconds)
            self._journal_clock()
        self.version += 1
        return Outcome(True)

    def _journal_clock(self) -> None:
        if self.writer is not None:
            self.writer.clock(self.port.now)

    # --- decisions ------------------------------------------------------------------------------
    def check(self, seat: Seat, decision: Decision) -> tuple[Why | str | None, Estimate | None]:
        reason = self.roles.refusal(seat, decision) or self.port.check(decision)
        try:
            estimate: Estimate | None = self.port.estimate(decision)
        except Exception:  # an estimate of a decision that names nothing real
            estimate = None
        return reason, estimate

    def decide(self, seat: Seat, decision: Decision) -> Outcome:
        """Take ``decision`` for ``seat``: refused (with the reason, changing nothing) if the
        seat's roles do not own it or the drill does not allow it now."""
        refusal = self.roles.refusal(seat, decision)
        if refusal is not None:
            return Outcome(False, refusal)
        role = self.roles.owner(decision, seat.roles) if self.roles.plan.roles else None
        t = self.port.now
        outcome = self.port.decide(decision, seat=role)
        if outcome.accepted:
            if self.writer is not None:
                self.writer.record(t, decision.to_dict(), seat=role)
            self.version += 1
        return outcome

    def decide_package(self, seat: Seat, level: str) -> list[tuple[Decision, Outcome]]:
        """The plan's actions at ``level`` as one order: each part taken (and journaled) or
        refused with its reason."""
        out = []
        for decision in package(self.port, self.port.snapshot(), level):
            out.append((decision, self.decide(seat, decision)))
        return out

    def facilitate(self, seat: Seat, action: FacilitatorAction) -> Outcome:
        if not seat.can(Power.facilitate):
            return self._no_power(seat, "facilitate")
        t = self.port.now
        outcome = self.port.facilitate(action)
        if outcome.accepted:
            if self.writer is not None:
                self.writer.facilitator(t, action.to_dict())
            self.version += 1
        return outcome

    def note(self, seat: Seat, text: str, about: dict[str, Any] | None = None) -> Outcome:
        if not seat.can(Power.note):
            return self._no_power(seat, "note")
        text = text.strip()
        if not text:
            return Outcome(False, why("a note needs a text", "记录内容不能为空"))
        if len(text) > NOTE_MAX_CHARS:
            return Outcome(
                False, why(f"a note is at most {NOTE_MAX_CHARS} characters", f"记录不超过{NOTE_MAX_CHARS}字")
            )
        about = dict(about or {})
        note = Note(self.port.now, seat.name, text, about)
        self.notes.append(note)
        if self.writer is not None:
            self.writer.note(note.t, "evaluation", seat=seat.name, text=text, about=about)
        self.version += 1
        return Outcome(True)

    def _no_power(self, seat: Seat, what: str) -> Outcome:
        names = {
            "clock": ("run the clock", "控制时钟"),
            "facilitate": ("play injects", "注入情况"),
            "note": ("take evaluation notes", "记录评估意见"),
        }[what]
        return Outcome(
            False,
            why(
                "the {s} seat may not {w}",
                "{s}席位无权{w}",
                s=_seat_name(self.roles, seat.name),
                w=_both(names[1], names[0]),
            ),
        )

    # --- what a seat sees ----------------------------------------------------------------------
    def picture(self, seat: Seat) -> Picture:
        snap = self.port.snapshot()
        available: dict[str, dict[str, Any]] = {}
        why_not: dict[str, dict[str, str]] = {}
        if seat.can(Power.decide):
            key = seat.roles
            stamp = (len(self.port.entries), round(self.port.now, 6))
            cached = self._avail_cache.get(key)
            if cached is None or cached[0] != stamp:
                ok, no = availability(self.port, snap, self.roles, seat)
                cached = (stamp, ok, no)
                self._avail_cache[key] = cached
            available = {k: d.to_dict() for k, d in cached[1].items()}
            why_not = {k: said(r) or {} for k, r in cached[2].items()}
        notes = tuple(self.notes) if seat.can(Power.note) else ()
        return Picture(
            seat=seat.name,
            t=self.port.now,
            wall=snap.wall,
            finished=self.port.finished,
            clock=self.clock.state(),
            snapshot=snap,
            available=available,
            why_not=why_not,
            msel=tuple(self.port.msel()),
            notes=notes,
            log_length=len(self.port.entries),
            version=self.version,
        )

    def entries(self, start: int = 0) -> list[Entry]:
        return list(self.port.entries[start:])

    def close(self) -> None:
        if self.writer is not None:
            self._journal_clock()
            self.writer.close()


def _seat_name(roles: Roles, seat: str) -> Any:
    from .engine import Name

    return Name(roles.label(seat, "zh"), roles.label(seat, "en"))


def _both(zh: str, en: str) -> Any:
    from .engine import Name

    return Name(zh, en)


# --- resume ------------------------------------------------------------------------------------


@dataclass
class Resumed:
    room: Room
    journal: Journal
    changes: list[str]


def resume_room(
    path: Path, time: TimeSource = monotonic, force: bool = False, reopen: bool = True
) -> Resumed:
    """Rebuild a room from its journal: decisions (with their seats), facilitator
    actions and notes at their times, and the clock where the drill last stood."""
    from ..engine import params as P

    journal = read_journal(path)
    plan, scenario, changes = resolve_sources(journal, force)
    plan, scenario = P.apply(plan, scenario, journal.header.get("params") or None)
    port = DrillPort.new(plan, scenario, journal.seed)
    roles = Roles(plan)
    room = Room(port, roles, None, Path(path), time)
    port.advance(0)
    # the journal's records, validated once by read_journal (the one schema every reader uses)
    for n, record in enumerate(journal.records, 2):
        t = record.t
        if t < port.now - 1e-9:
            raise JournalError(f"{path}:{n}: records go back in time at {t:g} min")
        if isinstance(record, DecisionRecord) and isinstance(record.decision, LegacyInjectRecord):
            # a facilitator's inject journaled as a decision, before it had a record of its own
            port.advance(t)
            port.facilitate(action_from_dict(record.decision.model_dump(mode="json", exclude_none=True)))
        elif isinstance(record, DecisionRecord):
            decision = decision_of(record.decision)
            port.advance(t)
            outcome = port.decide(decision, seat=record.seat)
            if not outcome.accepted and not force:
                raise JournalError(
                    f"{path}:{n}: the decision {decision.kind} is refused on resume ({outcome.reason})"
                )
        elif isinstance(record, FacilitatorRecord):
            port.advance(t)
            port.facilitate(action_from_dict(record.action.model_dump(mode="json", exclude_none=True)))
        elif isinstance(record, ClockRecord):
            port.advance(min(t, port.horizon))
        elif isinstance(record, NoteRecord) and record.what == "evaluation":
            about = record.about.model_dump(mode="json", exclude_none=True) if record.about else {}
            room.notes.append(Note(t, record.seat or "", record.text or "", about))
    if reopen:
        room.writer = JournalWriter.reopen(journal)
    room._minute = math.floor(port.now)
    room.version += 1
    return Resumed(room, journal, changes)


def new_room(
    scenario: str | Path,
    plan: str | Path | None,
    seed: int,
    journal_path: Path | None,
    time: TimeSource = monotonic,
    extra: dict[str, Any] | None = None,
) -> Room:
    """A room for a new drill, its journal opened at ``journal_path`` (None: no journal)."""
    from ..spec import catalog
    from ..spec.loader import load_plan_file, load_scenario_file

    scenario_file = catalog.scenario_path(scenario)
    scen, _ = load_scenario_file(scenario_file)
    plan_file = catalog.plan_path(plan or scen.default_plan)
    plan_model, _ = load_plan_file(plan_file)
    port = DrillPort.new(plan_model, scen, seed)
    room = Room(port, Roles(plan_model), None, None, time, plan_file, scenario_file)
    if journal_path is not None:
        room.open_journal(journal_path, extra)
    return room
