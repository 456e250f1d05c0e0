"""Whether a scenario can be played on a plan: its places and expected level.

Kept apart from the file loader so the engine can refuse a bad pairing with a
clear ``SpecError`` without importing YAML loading.
"""

from __future__ import annotations

from .emergency import SiteEmergency, emergency_pairing_problems
from .plan import Plan
from .problems import Problem, SpecError, format_path
from .scenario import OnlineTopic, Scenario
from .yamlfile import PathKey


def pairing_problems(plan: Plan, scenario: Scenario) -> list[tuple[PathKey, str]]:
    """What stops ``scenario`` from being played on ``plan``: each incident's
    location must be one of the plan's venues or sites, and the plan must have
    the level the scenario expects."""
    out: list[tuple[PathKey, str]] = []
    places = set(plan.venues) | set(plan.sites)
    for n, incident in enumerate(scenario.incidents):
        locations: list[tuple[PathKey, str]] = []
        if isinstance(incident, SiteEmergency):
            out += emergency_pairing_problems(plan, n, incident)
        elif isinstance(incident, OnlineTopic):
            if incident.copycat is not None:
                locations.append((("incidents", n, "copycat", "location"), incident.copycat.location))
        else:
            locations.append((("incidents", n, "location"), incident.location))
        for path, where in locations:
            if where not in places:
                out.append(
                    (
                        path,
                        f"location {where!r} is not a venue or site of plan {plan.id} "
                        f"(has: {', '.join(sorted(places))})",
                    )
                )
    if scenario.expected_level not in plan.levels:
        out.append((("expected_level",), f"plan {plan.id} has no level {scenario.expected_level}"))
    return out


def check_pairing(plan: Plan, scenario: Scenario) -> None:
    """Raise SpecError when ``scenario`` cannot be played on ``plan`` (e.g. a unit's
    own plan that lacks a venue the scenario uses)."""
    problems = pairing_problems(plan, scenario)
    if problems:
        raise SpecError(
            [
                Problem(f"scenario {scenario.id} on plan {plan.id}", None, format_path(path), msg)
                for path, msg in problems
            ]
        )
