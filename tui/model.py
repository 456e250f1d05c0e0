"""What the screens share, without any Textual: the drill session (drill,
journal, decisions taken), decision forms built from the snapshot, feed
lines from log entries, sparklines and milestone countdowns.

Only the ``sim`` public API is used here; the UI never touches the model's
internals (``drill.plan`` and ``drill.scenario`` are the loaded spec files).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.engine import decisions as D
from sim.engine.drill import Drill, Outcome
from sim.engine.log import NARRATED, Entry
from sim.engine.snapshot import Snapshot
from sim.journal import JournalWriter, read_journal
from sim.replay import rebuild
from sim.spec import catalog
from sim.spec.loader import load_plan_file, load_scenario_file

from .i18n import CATALOGS, tr

DEFAULT_SCENARIO = "group-visit-50"
DEFAULT_PLAN = "city"
SPEEDS = (1, 5, 15, 60)  # simulated minutes per real second
TICK_S = 0.25  # real seconds between clock ticks

# One key per decision the trainee can take (the facilitator inject has its own modal).
DECISION_KEYS: dict[str, str] = {
    "declare_level": "l",
    "call_in": "c",
    "dispatch": "s",
    "summon": "o",
    "open_venue": "v",
    "move_group": "m",
    "ask_representatives": "r",
    "start_dialogue": "t",
    "initial_reply": "a",
    "package_solution": "p",
    "public_statement": "b",
    "set_cordon": "k",
    "medical_standby": "h",
    "legal_aid": "g",
    "contact_family": "f",
    "request_support": "u",
    "end_response": "x",
}
TRAINEE_DECISIONS: tuple[type[D.Decision], ...] = tuple(cls for cls in D.ALL if cls.kind in DECISION_KEYS)


def default_journal_path(scenario: str, seed: int, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return Path("journals") / f"{scenario}-{seed}-{stamp}.jsonl"


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
    for sid, path, scen in catalog.loadable_scenarios():
        plans = [p for p in scen.plans() if p in shipped_plans]
        out.append(ScenarioInfo(sid, path, scen, plans))
    return out


@dataclass
class Session:
    """One drill being played: the Drill, its files, its journal."""

    drill: Drill
    scenario_file: Path
    plan_file: Path
    seed: int
    lang: str
    journal_path: Path | None = None
    writer: JournalWriter | None = None
    resumed: bool = False
    feed_index: int = 0
    taken: list[tuple[float, D.Decision]] = field(default_factory=list)

    @classmethod
    def new(cls, scenario: str | Path, plan: str | Path | None, seed: int, lang: str) -> Session:
        scenario_file = catalog.scenario_path(scenario)
        scen, _ = load_scenario_file(scenario_file)
        plan_file = catalog.plan_path(plan or scen.default_plan)
        plan_model, _ = load_plan_file(plan_file)
        return cls(Drill(plan_model, scen, seed, history=True), scenario_file, plan_file, seed, lang)

    @classmethod
    def resume(cls, path: Path, lang: str) -> Session:
        journal = read_journal(path)
        replayed = rebuild(journal)
        header = journal.header
        session = cls(
            replayed.drill,
            catalog.scenario_path(header["scenario"]["path"]),
            catalog.plan_path(header["plan"]["path"]),
            journal.seed,
            lang,
            journal_path=Path(path),
            writer=JournalWriter.reopen(journal),
            resumed=True,
        )
        session.taken = list(replayed.drill.decisions)
        return session

    def open_journal(self, path: Path | None = None) -> Path:
        """Start the journal (at ``path`` or the default one); idempotent."""
        if self.writer is None:
            self.journal_path = path or default_journal_path(self.drill.scenario.id, self.seed)
            self.writer = JournalWriter(self.journal_path, self.plan_file, self.scenario_file, self.seed)
        assert self.journal_path is not None
        return self.journal_path

    def decide(self, decision: D.Decision) -> Outcome:
        """Take a decision now; an accepted one is journaled at once (flushed, fsynced)."""
        t = self.drill.now
        outcome = self.drill.decide(decision)
        if outcome.accepted:
            self.taken.append((t, decision))
            if self.writer is not None:
                self.writer.record(t, decision.to_dict())
        return outcome

    def note(self, what: str, **data: Any) -> None:
        if self.writer is not None:
            self.writer.note(self.drill.now, what, **data)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


FEED_KEYS = frozenset(k for k in CATALOGS["en"] if k.startswith("feed."))


# --- names -------------------------------------------------------------------------


def level_label(drill: Drill, level: str | None, lang: str) -> str:
    """The plan's own name for a level (it already says which level it is)."""
    spec = drill.plan.levels.get(level) if level else None
    return spec.label.get(lang) if spec is not None else (level or "–")


def level_name(drill: Drill, level: str | None, lang: str) -> str:
    if level is None:
        return "–"
    spec = drill.plan.levels.get(level)
    return f"{level} {spec.label.get(lang)}" if spec is not None else level


def names(drill: Drill, snap: Snapshot, lang: str) -> dict[str, str]:
    """Display names of everything the log's subjects may refer to."""
    out: dict[str, str] = {}
    for group in (snap.incidents, snap.topics, snap.teams, snap.officials, snap.venues, snap.milestones):
        for item in group:
            out[item.id] = item.label.get(lang)
    for step in snap.alert:
        out.setdefault(step.step, step.label.get(lang))
    for sid, site in drill.plan.sites.items():
        out.setdefault(sid, site.label.get(lang))
    return out


def decision_text(decision: D.Decision | dict[str, Any], lang: str, labels: dict[str, str]) -> str:
    data = decision.to_dict() if isinstance(decision, D.Decision) else dict(decision)
    cls = D.BY_KIND.get(str(data.get("kind")))
    head = cls.label_zh if (cls and lang == "zh") else (cls.label_en if cls else str(data.get("kind")))
    if cls is D.FacilitatorInject:
        return f"{head}：{data.get('zh')}" if lang == "zh" else f"{head}: {data.get('en')}"
    args = []
    for key, value in data.items():
        if key == "kind" or value is None:
            continue
        args.append(labels.get(str(value), str(value)) if isinstance(value, str) else str(value))
    sep = "：" if lang == "zh" else ": "
    return head + (
        sep + "，".join(args) if lang == "zh" and args else (sep + ", ".join(args) if args else "")
    )


def feed_lines(entries: Iterable[Entry], lang: str, labels: dict[str, str]) -> list[tuple[float, str, str]]:
    """(t, kind, text) for the narrated entries; a team's arrivals in one minute coalesced."""
    out: list[tuple[float, str, str]] = []
    arrivals: dict[tuple[int, str], tuple[int, int]] = {}  # (minute, team) -> (index in out, count)
    for e in entries:
        if e.kind not in NARRATED:
            continue
        who = labels.get(e.subject, e.subject)
        if e.kind == "team_arrived":
            key = (int(e.t), e.subject)
            idx, n = arrivals.get(key, (len(out), 0))
            line = (e.t, e.kind, tr(lang, "feed.team_arrived", who=who, n=n + 1))
            if n:
                out[idx] = (out[idx][0], e.kind, line[2])
            else:
                out.append(line)
            arrivals[key] = (idx, n + 1)
            continue
        if e.kind == "inject":
            text = tr(
                lang, "feed.inject", text=str(e.data.get(lang) or e.data.get("zh") or e.data.get("en") or "")
            )
        elif e.kind == "decision":
            text = tr(lang, "feed.decision", who=decision_text({"kind": e.subject, **e.data}, lang, labels))
        elif e.kind == "first_report":
            text = tr(lang, "feed.first_report")
        elif f"feed.{e.kind}" in FEED_KEYS:
            text = tr(lang, f"feed.{e.kind}", who=who)
        else:
            text = tr(lang, "feed.other", kind=e.kind, who=who)
        out.append((e.t, e.kind, text))
    return out


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


def fmt_min(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def countdown(m: Any, now: float, horizon: float, lang: str) -> tuple[str, str]:
    """Milestone time text and its style: met green, missed red, due soon amber, dim otherwise."""
    if m.status == "met":
        return tr(lang, "ms.met", t=fmt_min(m.met_at)), "bold green"
    if m.status == "missed":
        return tr(lang, "ms.missed", t=fmt_min(m.deadline)), "bold red"
    if m.status == "pending":
        if m.deadline is None:
            return tr(lang, "ms.not_yet"), "dim"
        left = m.deadline - now
        if m.deadline > horizon:
            return tr(lang, "ms.pending_after"), "dim"
        return tr(lang, "ms.left", m=f"{max(left, 0):.0f}"), ("bold yellow" if left <= 10 else "")
    key = {"not_yet": "ms.not_yet", "not_applicable": "ms.not_applicable", "beyond_model": "ms.beyond_model"}
    return tr(lang, key.get(m.status, "ms.not_yet")), "dim"


# --- decision forms ----------------------------------------------------------------


@dataclass
class FieldSpec:
    name: str
    label_key: str
    options: list[tuple[str, str]]  # (shown text, value); empty for a number
    optional: bool = False
    number: bool = False
    default: str | None = None


def active_incidents(snap: Snapshot) -> list[Any]:
    return [i for i in snap.incidents if i.started and not i.over]


def form_fields(cls: type[D.Decision], drill: Drill, snap: Snapshot, lang: str) -> list[FieldSpec]:
    """The parameters of decision ``cls`` with their choices from the snapshot."""
    specs: list[FieldSpec] = []
    incidents = active_incidents(snap) or [i for i in snap.incidents if not i.over] or list(snap.incidents)
    inc_opts = [
        (
            f"{i.label.get(lang)}（{i.head_count}）"
            if lang == "zh"
            else f"{i.label.get(lang)} ({i.head_count})",
            i.id,
        )
        for i in incidents
    ]
    for f in dataclasses.fields(cls):
        name = f.name
        optional = f.default is None
        if name == "level":
            opts = [(level_name(drill, lv, lang), lv) for lv in snap.levels if lv in drill.plan.levels]
            default = snap.recommended if snap.recommended in drill.plan.levels else None
            specs.append(FieldSpec(name, "modal.field.level", opts, default=default))
        elif name == "team":
            opts = [(f"{t.label.get(lang)} [{t.idle + t.busy}/{t.size}]", t.id) for t in snap.teams]
            specs.append(FieldSpec(name, "modal.field.team", opts))
        elif name == "people":
            key = "modal.field.people" if optional else "modal.field.people_n"
            specs.append(
                FieldSpec(name, key, [], optional=optional, number=True, default=None if optional else "1")
            )
        elif name == "official":
            opts = [(o.label.get(lang), o.id) for o in snap.officials]
            specs.append(FieldSpec(name, "modal.field.official", opts, optional=optional))
        elif name == "venue":
            opts = [(v.label.get(lang), v.id) for v in snap.venues]
            specs.append(FieldSpec(name, "modal.field.venue", opts))
        elif name == "incident":
            specs.append(FieldSpec(name, "modal.field.incident", inc_opts))
        elif name == "to":
            opts = list(inc_opts)
            if cls is D.Dispatch:
                opts += [(v.label.get(lang), v.id) for v in snap.venues if v.kind != "outdoor"]
            opts += [(s.label.get(lang), sid) for sid, s in drill.plan.sites.items()]
            specs.append(FieldSpec(name, "modal.field.to", opts, optional=optional))
    return specs


def build_decision(cls: type[D.Decision], values: dict[str, Any]) -> D.Decision:
    return cls(**{k: v for k, v in values.items() if v is not None})


def first_valid(cls: type[D.Decision], drill: Drill, snap: Snapshot, lang: str) -> D.Decision | None:
    """Some parameter choice that the engine would accept now, if there is one."""
    specs = form_fields(cls, drill, snap, lang)
    choices: list[list[Any]] = []
    for s in specs:
        if s.number:
            choices.append([None] if s.optional else [1])
        else:
            vals: list[Any] = [v for _, v in s.options]
            if s.default in vals:  # e.g. the level the situation calls for: tried first
                vals.remove(s.default)
                vals.insert(0, s.default)
            choices.append(([None] if s.optional else []) + vals)
    combos: list[dict[str, Any]] = [{}]
    for s, vals in zip(specs, choices, strict=True):
        combos = [{**c, s.name: v} for c in combos for v in vals][:400]
    for values in combos:
        try:
            decision = build_decision(cls, values)
        except TypeError:
            continue
        if drill.check(decision) is None:
            return decision
    return None


def estimate_text(drill: Drill, decision: D.Decision, lang: str) -> str:
    try:
        est = drill.estimate(decision)
    except Exception:
        return ""
    if est.minutes:
        return tr(
            lang,
            "modal.estimate",
            people=est.people,
            minutes=f"{est.minutes:.0f}",
            note=reason_text(est.note, lang),
        ).rstrip(" ·")
    return tr(lang, "modal.estimate_now", people=est.people, note=reason_text(est.note, lang)).rstrip(" ·")


def reason_text(message: str | None, lang: str) -> str:
    """An engine reason or note in ``lang`` (the engine's ``Why`` strings carry both)."""
    if message is None:
        return ""
    text = getattr(message, "text", None)
    return text(lang) if callable(text) else str(message)


def dlabel(cls: type[D.Decision], lang: str) -> str:
    return cls.label_zh if lang == "zh" else cls.label_en
