"""Load and validate plan and scenario files, reporting every problem at once.

Validation runs in three passes: YAML syntax (with duplicate keys), the typed
schema (pydantic, with its error locations mapped back to YAML lines), then
cross-references between the parts of a plan and between a scenario and the
plans it names. Warnings (a deadline shorter than the fastest possible
arrival) do not stop a file from loading.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .catalog import data_root, plan_path, scenario_path, shipped_scenario_ids
from .pairing import pairing_problems
from .plan import Duty, Plan, role_problems
from .problems import Problem, SpecError, format_path
from .scenario import EFFECT_TARGETS, Scenario
from .yamlfile import PathKey, YamlDocument, decode_yaml, read_bytes, read_yaml

M = TypeVar("M", bound=BaseModel)


def file_hash(path: Path) -> str:
    return hashlib.sha256(read_bytes(path, _display(path))).hexdigest()


def _display(path: Path) -> str:
    try:
        shown = path.resolve().relative_to(Path.cwd())
    except (ValueError, OSError):
        shown = path
    return os.fsencode(shown).decode("utf-8", errors="replace")


def _locate(doc: YamlDocument, loc: tuple[int | str, ...]) -> PathKey:
    """Turn pydantic's error location into a path through the file's data.

    Tagged unions put the tag in the location (``incidents.0.group_visit.size``);
    such parts are not keys of the data and are skipped.
    """
    here: Any = doc.data
    path: list[object] = []
    for part in loc:
        if isinstance(here, dict) and part in here:
            here = here[part]
            path.append(part)
        elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            here = here[part]
            path.append(part)
        elif isinstance(here, dict) and not path_has_key(here, part):
            # a union tag, or a missing key (reported at its parent)
            if part == loc[-1] and not isinstance(part, int):
                path.append(part)
            continue
    return tuple(path)


def path_has_key(mapping: dict[Any, Any], key: object) -> bool:
    return key in mapping


def _message(err: Any, doc: YamlDocument, path: PathKey) -> str:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing required key"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        ctx = err.get("ctx", {})
        expected = ctx.get("expected_tags", "")
        tag = ctx.get("discriminator", "kind")
        return f"{tag} must be one of {expected}"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    elif msg.startswith("Assertion failed, "):
        msg = msg[len("Assertion failed, ") :]
    else:
        msg = msg[0].lower() + msg[1:]
    if "input" in err and not isinstance(err["input"], (dict, list)) and kind != "value_error":
        msg += f", got {err['input']!r}"
    return msg


def _schema_problems(exc: ValidationError, doc: YamlDocument) -> list[Problem]:
    problems = []
    seen: set[tuple[int | None, str, str]] = set()
    for err in exc.errors():
        path = _locate(doc, err["loc"])
        line = doc.line_of(path)
        message = _message(err, doc, path)
        key = (line, format_path(path), message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(doc.file, line, format_path(path), message))
    problems.sort(key=lambda p: (p.line or 0, p.path))
    return problems


def _validate(model: type[M], doc: YamlDocument) -> M:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise SpecError(_schema_problems(exc, doc)) from None


# --- plan cross-references -------------------------------------------------------


class _Checker:
    def __init__(self, doc: YamlDocument):
        self.doc = doc
        self.problems: list[Problem] = []

    def error(self, path: PathKey, message: str) -> None:
        self.problems.append(Problem(self.doc.file, self.doc.line_of(path), format_path(path), message))

    def warn(self, path: PathKey, message: str) -> None:
        self.problems.append(
            Problem(self.doc.file, self.doc.line_of(path), format_path(path), message, "warning")
        )

    def ref(self, path: PathKey, value: str, known: dict[str, Any] | set[str], what: str) -> None:
        if value not in known:
            options = ", ".join(sorted(known)) or "none"
            self.error(path, f"names {what} {value!r}, which the plan does not have (has: {options})")


_ACTION_DUTIES = {
    "initial_reply": Duty.policy,
    "package_solution": Duty.policy,
    "set_cordon": Duty.order,
    "medical_standby": Duty.medical,
    "legal_aid": Duty.legal_aid,
    "contact_family": Duty.liaison,
    "public_statement": Duty.public_info,
}


def check_plan(plan: Plan, doc: YamlDocument) -> list[Problem]:
    c = _Checker(doc)
    roles = set(plan.officials) | set(plan.teams)
    places = set(plan.venues) | set(plan.sites)
    for cid, channel in plan.channels.items():
        c.ref(("channels", cid, "team"), channel.team, plan.teams, "team")
    for i, step in enumerate(plan.alert_chain):
        c.ref(("alert_chain", i, "by"), step.by, roles, "official or team")
    steps = [s.step for s in plan.alert_chain]
    if steps != sorted(steps, key=["screen", "verify", "decide"].index) or len(set(steps)) != len(steps):
        c.error(("alert_chain",), f"steps must be a subsequence of screen, verify, decide; got {steps}")
    if "decide" not in steps:
        c.error(("alert_chain",), "the alert chain must end with a decide step")
    if plan.policy_work.signatory is not None:
        c.ref(("policy_work", "signatory"), plan.policy_work.signatory, plan.officials, "official")
    for name, level in plan.levels.items():
        for i, action in enumerate(level.actions):
            path: PathKey = ("levels", name, "actions", i)
            team = getattr(action, "team", None)
            if team is not None:
                c.ref((*path, "team"), team, plan.teams, "team")
            official = getattr(action, "official", None)
            if official is not None:
                c.ref((*path, "official"), official, plan.officials, "official")
            venue = getattr(action, "venue", None)
            if venue is not None:
                c.ref((*path, "venue"), venue, plan.venues, "venue")
            duty = _ACTION_DUTIES.get(action.do)
            if duty is not None and plan.team_with(duty) is None:
                c.error((*path, "do"), f"{action.do} needs a team with duty {duty.value}; none has it")
    ids: dict[str, PathKey] = {}
    for level_name, milestone in plan.all_milestones():
        if level_name is None:
            base: PathKey = ("milestones", plan.milestones.index(milestone))
        else:
            base = ("levels", level_name, "milestones", plan.levels[level_name].milestones.index(milestone))  # type: ignore[index]
        if milestone.id in ids:
            c.error((*base, "id"), f"milestone id {milestone.id!r} is used twice")
        ids[milestone.id] = base
        _check_measure(c, plan, milestone, base)
    for path, message in role_problems(plan):
        c.error(path, message)
    del places
    return c.problems


def _too_fast(c: _Checker, base: PathKey, milestone: Any, fastest: float, what: str) -> None:
    """Warn when even the fastest possible arrival cannot meet a deadline."""
    if milestone.clock != "incident_start" and fastest > milestone.deadline_min:
        c.warn(
            (*base, "deadline_min"),
            f"deadline {milestone.deadline_min:g} min is shorter than the fastest {what} ({fastest:g} min)",
        )


def _check_measure(c: _Checker, plan: Plan, milestone: Any, base: PathKey) -> None:
    m = milestone.measure
    path = (*base, "measure")
    if m.kind == "official_on_site":
        c.ref((*path, "official"), m.official, plan.officials, "official")
        official = plan.officials.get(m.official)
        if official is not None and not official.on_site_at_start:
            _too_fast(c, base, milestone, official.arrival_min.lowest(), f"arrival of {m.official}")
    elif m.kind == "team_on_site":
        c.ref((*path, "team"), m.team, plan.teams, "team")
        team = plan.teams.get(m.team)
        if team is not None and m.people is not None and m.people > team.size_people:
            c.error((*path, "people"), f"asks for {m.people} people; {m.team} has {team.size_people}")
    elif m.kind == "teams_all_on_duty":
        for i, team_id in enumerate(m.teams):
            c.ref((*path, "teams", i), team_id, plan.teams, "team")
        for team_id in m.teams:
            team = plan.teams.get(team_id)
            if team is not None and team.on_duty_people < team.size_people:
                _too_fast(c, base, milestone, team.call_in_min.lowest(), f"call-in of {team_id}")
    elif m.kind == "venue_open":
        c.ref((*path, "venue"), m.venue, plan.venues, "venue")
    elif m.kind == "alert_step":
        if m.step not in {s.step for s in plan.alert_chain}:
            c.error((*path, "step"), f"the alert chain has no {m.step} step")


# --- scenario cross-references --------------------------------------------------


def check_scenario(scenario: Scenario, doc: YamlDocument, plans: dict[str, Plan]) -> list[Problem]:
    c = _Checker(doc)
    named: list[tuple[PathKey, str]] = [(("default_plan",), scenario.default_plan)]
    named += [(("compatible_plans", i), p) for i, p in enumerate(scenario.compatible_plans)]
    for path, name in named:
        if name not in plans:
            known = ", ".join(sorted(plans)) or "none"
            c.error(path, f"names plan {name!r}, which was not found (known plans: {known})")
    by_id = {i.id: i for i in scenario.incidents}
    for plan_id in scenario.plans():
        plan = plans.get(plan_id)
        if plan is not None:
            for pair_path, message in pairing_problems(plan, scenario):
                c.error(pair_path, message)
    for n, inject in enumerate(scenario.injects):
        path = ("injects", n)
        if inject.at_min > scenario.horizon_min:
            c.error((*path, "at_min"), f"falls after the horizon ({scenario.horizon_min:g} min)")
        effect = inject.effect
        if effect is None:
            continue
        target = by_id.get(effect.incident)
        if target is None:
            c.error((*path, "effect", "incident"), f"no incident {effect.incident!r} in this scenario")
            continue
        allowed = EFFECT_TARGETS[effect.kind]
        if target.kind not in allowed:
            c.error(
                (*path, "effect", "incident"),
                f"{effect.kind} needs an incident of kind {' or '.join(allowed)}; {effect.incident!r} is {target.kind}",
            )
    return c.problems


# --- public entry points -------------------------------------------------------------


def _raise_errors(problems: list[Problem]) -> list[Problem]:
    if any(p.severity == "error" for p in problems):
        raise SpecError(problems)
    return problems


# Parsed files by (path, SHA-256 of the content): a file is parsed once per
# content, and an edited file is never served from the cache.
_plan_cache: dict[tuple[str, str], tuple[Plan, list[Problem]]] = {}
_CACHE_SIZE = 64


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value


def load_plan_file(path: Path) -> tuple[Plan, list[Problem]]:
    raw = read_bytes(path, _display(path))
    return load_plan_text(raw, path)


def load_plan_text(raw: bytes, path: Path) -> tuple[Plan, list[Problem]]:
    """A plan from the bytes of its file (``path`` names it in messages and
    gives the file name its id must match)."""
    key = (str(path.resolve()), hashlib.sha256(raw).hexdigest())
    hit = _plan_cache.get(key)
    if hit is not None:
        return hit
    doc = decode_yaml(raw, _display(path))
    plan = _validate(Plan, doc)
    problems = check_plan(plan, doc)
    if path.stem != plan.id:
        problems.insert(
            0,
            Problem(
                doc.file,
                doc.line_of(("id",)),
                "id",
                f"plan id {plan.id!r} must match the file name {path.stem!r}",
            ),
        )
    result = plan, _raise_errors(problems)
    _remember(_plan_cache, key, result)
    return result


def load_scenario_file(path: Path, plans: dict[str, Plan] | None = None) -> tuple[Scenario, list[Problem]]:
    raw = read_bytes(path, _display(path))
    return load_scenario_text(raw, path, plans)


def load_scenario_text(
    raw: bytes, path: Path, plans: dict[str, Plan] | None = None, cross_check: bool = True
) -> tuple[Scenario, list[Problem]]:
    """A scenario from the bytes of its file, checked against the plans it names
    (by default those beside it in ``plans/`` and the shipped ones); without
    ``cross_check`` only against the schema (a worker given bytes the driver
    has already checked in full)."""
    doc = decode_yaml(raw, _display(path))
    scenario = _validate(Scenario, doc)
    if path.stem != scenario.id:
        raise SpecError(
            [
                Problem(
                    doc.file,
                    doc.line_of(("id",)),
                    "id",
                    f"scenario id {scenario.id!r} must match the file name {path.stem!r}",
                )
            ]
        )
    if not cross_check:
        return scenario, []
    if plans is None:
        plans = plans_for(path)
    return scenario, _raise_errors(check_scenario(scenario, doc, plans))


def file_kind(path: Path) -> str:
    """'plan' or 'scenario', judged by folder then by content."""
    if path.parent.name == "plans":
        return "plan"
    try:
        doc = read_yaml(path, _display(path))
    except SpecError:
        return "scenario"
    return "plan" if isinstance(doc.data, dict) and "teams" in doc.data else "scenario"


def validate_paths(paths: list[Path]) -> list[Problem]:
    """All problems of all files (errors and warnings), never raising SpecError."""
    problems: list[Problem] = []
    for path in paths:
        try:
            if file_kind(path) == "plan":
                _, warnings = load_plan_file(path)
            else:
                _, warnings = load_scenario_file(path)
            problems.extend(warnings)
        except SpecError as exc:
            problems.extend(exc.problems)
    return problems


def load_plan(name_or_path: str | Path) -> Plan:
    return load_plan_file(plan_path(name_or_path))[0]


def load_scenario(name_or_path: str | Path) -> Scenario:
    return load_scenario_file(scenario_path(name_or_path))[0]


def plans_for(scenario_file: Path) -> dict[str, Plan]:
    """Plans a scenario may name: those beside it in ``plans/``, then the shipped ones."""
    found: dict[str, Plan] = {}
    for folder in (scenario_file.resolve().parent / "plans", data_root() / "plans"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            if path.stem in found:
                continue
            try:
                found[path.stem] = load_plan_file(path)[0]
            except SpecError:
                continue  # reported when that plan itself is validated
    return found


def loadable_scenarios() -> list[tuple[str, Path, Scenario]]:
    """Shipped scenarios that load cleanly (a broken one is reported by ``drill validate``,
    not by every listing)."""
    out = []
    for sid in shipped_scenario_ids():
        path = scenario_path(sid)
        try:
            scenario, _ = load_scenario_file(path)
        except SpecError:
            continue
        out.append((sid, path, scenario))
    return out
