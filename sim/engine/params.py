"""Overriding any number of a plan or scenario by a dotted path.

    teams.reception.on_duty_people=2        (the unit suffix may be left out: on_duty=2)
    officials.leader.arrival_min.mean=20    (rescales a distribution to that mean)
    incidents.buyers.size_people.mean=500   (incidents are addressed by id)
    levels.III.triggers.0.head_count_at_least=150   (items without an id by position, from 0)
    scenario.horizon_min=480                (an explicit prefix picks the file)

The result is validated again, so an override can never produce a plan or
scenario the loader would refuse.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from pydantic import ValidationError

from ..spec.plan import Plan
from ..spec.problems import Problem, SpecError
from ..spec.scenario import Scenario

SUFFIXES = ("", "_people", "_min", "_per_hour")


def _problem(path: str, message: str) -> SpecError:
    return SpecError([Problem("--set", None, path, message)])


def _number(value: Any, path: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _problem(path, f"{what} must be a finite number, got {value!r}")
    return float(value)


def _scale_to_mean(dist: dict[str, Any], target: float, path: str) -> None:
    if target < 0:
        raise _problem(path, f"a mean must be >= 0, got {target}")
    kind = dist.get("dist")
    if kind == "fixed":
        dist["value"] = target
    elif kind == "exponential":
        dist["mean"] = target
    elif kind == "lognormal":
        low = float(dist.get("low", 0.0))
        if target <= low:
            raise _problem(path, f"mean {target} must exceed the distribution's floor {low}")
        dist["median"] = (target - low) / math.exp(float(dist["sigma"]) ** 2 / 2)
    elif kind in ("uniform", "triangular"):
        keys = ("low", "high") if kind == "uniform" else ("low", "mode", "high")
        current = sum(float(dist[k]) for k in keys) / len(keys)
        factor = target / current if current > 0 else 0.0
        for k in keys:
            dist[k] = float(dist[k]) * factor
    else:
        raise _problem(path, f"cannot set the mean of a {kind!r} distribution")


def _set(data: Any, parts: list[str], value: Any, path: str) -> None:
    here = data
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(here, list):
            match = [item for item in here if isinstance(item, dict) and item.get("id") == part]
            if not match and part.isdigit() and int(part) < len(here):  # items without an id: by position
                match = [here[int(part)]]
            if not match:
                ids = ", ".join(str(i.get("id")) for i in here if isinstance(i, dict))
                raise _problem(path, f"no item with id {part!r} (have: {ids})")
            here = match[0]
            if last:
                raise _problem(path, "names a whole item; add the field to change")
            continue
        if not isinstance(here, dict):
            raise _problem(path, f"{part!r} goes below a plain value")
        if last and part == "mean" and "dist" in here:
            _scale_to_mean(here, _number(value, path, "a mean"), path)
            return
        key = next((part + s for s in SUFFIXES if part + s in here), None)
        if key is None:
            raise _problem(path, f"unknown key {part!r} (have: {', '.join(sorted(map(str, here)))})")
        if last:
            if isinstance(here[key], dict) and "dist" in here[key] and not isinstance(value, dict):
                here[key] = {"dist": "fixed", "value": value}
            else:
                here[key] = value
            return
        here = here[key]


# Sweeps apply the same overrides to every replication of a design point; the
# models are not hashable, so results are cached by identity (the cache keeps
# the originals alive, so an id is never reused while its entry exists).
_CACHE: dict[tuple[int, int, tuple[tuple[str, Any], ...]], tuple[Plan, Scenario, Plan, Scenario]] = {}
_CACHE_SIZE = 256


def apply(plan: Plan, scenario: Scenario, params: dict[str, Any] | None) -> tuple[Plan, Scenario]:
    if not params:
        return plan, scenario
    items = tuple(sorted((k, _hashable(v)) for k, v in params.items()))
    key = (id(plan), id(scenario), items)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit[2], hit[3]
    new_plan, new_scenario = _apply(plan, scenario, items)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (plan, scenario, new_plan, new_scenario)
    return new_plan, new_scenario


def _hashable(value: Any) -> Any:
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


def _apply(plan: Plan, scenario: Scenario, items: tuple[tuple[str, Any], ...]) -> tuple[Plan, Scenario]:
    pdata = copy.deepcopy(plan.model_dump(by_alias=True))
    sdata = copy.deepcopy(scenario.model_dump(by_alias=True))
    for path, value in items:
        if isinstance(value, tuple):
            value = dict(value)
        parts = path.split(".")
        if parts[0] in ("plan", "scenario"):
            target = pdata if parts[0] == "plan" else sdata
            parts = parts[1:]
        elif parts[0] in Plan.model_fields:
            target = pdata
        elif parts[0] in Scenario.model_fields:
            target = sdata
        else:
            raise _problem(path, f"{parts[0]!r} is not a part of a plan or a scenario")
        if not parts:
            raise _problem(path, "names a whole file")
        _set(target, parts, value, path)
    problems: list[Problem] = []
    for model, data in ((Plan, pdata), (Scenario, sdata)):
        try:
            model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(Problem("--set", None, _where(err["loc"], data), _message(err)))
    if problems:
        raise SpecError(problems)
    return Plan.model_validate(pdata), Scenario.model_validate(sdata)


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    """A pydantic error location as a --set path: list items by their id, the
    tags of tagged unions (``group_visit``) left out."""
    parts: list[str] = []
    here = data
    for part in loc:
        if isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            here = here[part]
            parts.append(str(here.get("id", part)) if isinstance(here, dict) else str(part))
        elif isinstance(here, dict) and part in here:
            here = here[part]
            parts.append(str(part))
        elif part == loc[-1]:
            parts.append(str(part))
    return ".".join(parts)


def _message(err: Any) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ")
    msg = msg[:1].lower() + msg[1:]
    if err["type"] not in ("value_error",) and "input" in err and not isinstance(err["input"], dict | list):
        msg += f", got {err['input']!r}"
    return msg


def unit_of(plan: Plan, scenario: Scenario, path: str) -> str | None:
    """The unit of the number a --set/--vary path names ("min", "people",
    "per hour"), from the key it resolves to in the files; None when unknown."""
    data = {"plan": plan.model_dump(by_alias=True), "scenario": scenario.model_dump(by_alias=True)}
    parts = path.split(".")
    if parts[0] in data:
        here: Any = data[parts[0]]
        parts = parts[1:]
    elif parts[0] in Plan.model_fields:
        here = data["plan"]
    else:
        here = data["scenario"]
    unit = None
    for part in parts:
        if isinstance(here, list):
            here = next((i for i in here if isinstance(i, dict) and i.get("id") == part), None)
            continue
        if not isinstance(here, dict):
            return unit
        if part == "mean" and "dist" in here:
            return unit
        key = next((part + s for s in SUFFIXES if part + s in here), None)
        if key is None:
            return None
        for suffix, name in (("_min", "min"), ("_people", "people"), ("_per_hour", "per hour")):
            if key.endswith(suffix):
                unit = name
        here = here[key]
    return unit


def parse_assignment(text: str) -> tuple[str, Any]:
    """``path=value`` with the value read as an integer, a finite number,
    true/false, or else text (an id or a level; the schema says whether text
    may go there)."""
    if "=" not in text:
        raise _problem(text, "expected PATH=VALUE, e.g. teams.reception.on_duty=2")
    path, raw = (part.strip() for part in text.split("=", 1))
    if not path or any(not part for part in path.split(".")):
        raise _problem(text, "a path like teams.reception.on_duty is needed before '='")
    if not raw:
        raise _problem(path, "no value after '='")
    return path, parse_value(raw, path)


def parse_value(raw: str, path: str) -> Any:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    try:
        return int(raw, 10)
    except ValueError:
        pass
    try:
        value = float(raw)
    except ValueError:
        return raw
    if not math.isfinite(value):
        raise _problem(path, f"{raw!r} is not a finite number")
    return value
