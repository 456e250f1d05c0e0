"""Hand-made plans and scenarios for the engine's tests: fixed distributions
wherever a test asserts an exact trace."""

from __future__ import annotations

import copy
from typing import Any

from sim.spec.plan import Plan
from sim.spec.scenario import Scenario

CITED = {"assumed": True, "reason": "test fixture"}


def fixed(value: float) -> dict[str, Any]:
    return {"dist": "fixed", "value": value}


def text(s: str) -> dict[str, str]:
    return {"zh": s, "en": s}


def plan_dict(
    reception_on_duty: int = 1,
    reception_size: int = 1,
    service_min: dict[str, Any] | None = None,
    call_in_min: float = 20,
    leader_arrival_min: float = 15,
) -> dict[str, Any]:
    return {
        "id": "mini",
        "unit": text("mini unit"),
        "source": "002 §三",
        "summary": text("a plan small enough to trace by hand"),
        "teams": {
            "reception": {
                "label": text("reception"),
                "duties": ["reception"],
                "size_people": reception_size,
                "on_duty_people": reception_on_duty,
                "call_in_min": fixed(call_in_min),
                **CITED,
            },
            "policy": {
                "label": text("policy"),
                "duties": ["policy", "public_info", "liaison"],
                "size_people": 1,
                "on_duty_people": 1,
                "call_in_min": fixed(10),
                **CITED,
            },
            "order": {
                "label": text("order"),
                "duties": ["order", "medical", "psychology", "legal_aid"],
                "size_people": 6,
                "on_duty_people": 0,
                "call_in_min": fixed(12),
                "external": True,
                **CITED,
            },
        },
        "officials": {
            "duty_officer": {
                "label": text("duty officer"),
                "arrival_min": 0,
                "on_site_at_start": True,
                "meets_petitioners": False,
                **CITED,
            },
            "leader": {"label": text("leader"), "arrival_min": fixed(leader_arrival_min), **CITED},
        },
        "venues": {
            "room": {
                "label": text("room"),
                "kind": "reception_room",
                "capacity_people": 100000,
                "open_at_start": True,
                **CITED,
            },
            "gate": {
                "label": text("gate"),
                "kind": "outdoor",
                "capacity_people": 100000,
                "open_at_start": True,
                **CITED,
            },
            "meeting": {
                "label": text("meeting"),
                "kind": "meeting_room",
                "capacity_people": 10,
                "open_at_start": True,
                **CITED,
            },
        },
        "channels": {
            "registration": {
                "label": text("registration"),
                "team": "reception",
                "service_min": service_min or fixed(10),
                "share": 1.0,
                **CITED,
            }
        },
        "alert_chain": [
            {
                "step": "screen",
                "label": text("screen"),
                "by": "duty_officer",
                "duration_min": fixed(2),
                "limit_min": 5,
                **CITED,
            },
            {
                "step": "verify",
                "label": text("verify"),
                "by": "duty_officer",
                "duration_min": fixed(3),
                "limit_min": 10,
                **CITED,
            },
            {
                "step": "decide",
                "label": text("decide"),
                "by": "duty_officer",
                "duration_min": fixed(4),
                "limit_min": 15,
                **CITED,
            },
        ],
        "policy_work": {
            "initial_reply_min": fixed(30),
            "package_solution_min": fixed(100),
            "statement_min": fixed(20),
            **CITED,
        },
        "site_work": {
            "cordon_people": 2,
            "standby_people": 1,
            "liaison_min": fixed(30),
            "support_min": fixed(60),
            "support_fraction": 0.5,
            **CITED,
        },
        "milestones": [
            {
                "id": "screen_5",
                "label": text("screen in 5"),
                "measure": {"kind": "alert_step", "step": "screen"},
                "clock": "first_report",
                "deadline_min": 5,
                **CITED,
            }
        ],
        "levels": {
            "IV": {
                "label": text("IV"),
                "colour": "blue",
                "source": "002 §五(一)",
                "triggers": [{"head_count_at_least_people": 2, **CITED}],
                "actions": [
                    {"do": "summon", "official": "leader"},
                    {"do": "start_dialogue"},
                    {"do": "initial_reply"},
                ],
                "milestones": [
                    {
                        "id": "leader_20",
                        "label": text("leader in 20"),
                        "measure": {"kind": "official_on_site", "official": "leader"},
                        "clock": "level_declared",
                        "deadline_min": 20,
                        **CITED,
                    },
                    {
                        "id": "reply_25",
                        "label": text("reply in 25"),
                        "measure": {"kind": "reply_issued"},
                        "clock": "level_declared",
                        "deadline_min": 25,
                        **CITED,
                    },
                ],
            }
        },
    }


def behaviour(**over: Any) -> dict[str, Any]:
    calm = {
        "initial_agitation": 0.2,
        "waiting_rise_per_hour": 0.0,
        "no_official_rise_per_hour": 0.0,
        "dialogue_calm_per_hour": 0.0,
        "reply_drop": 0.0,
        "package_drop": 0.0,
        "family_drop": 0.0,
        "legal_aid_calm_per_hour": 0.0,
        "patience_min": fixed(100000),
        "answered_leave_min": fixed(100000),
        "helped_leave_per_hour": 0.0,
        "escalation_agitation": 0.9,
        "escalation_per_hour": 0.0,
        "escalation_calm_min": 20,
        "injury_chance_no_medical": 0.0,
        "injury_chance_with_medical": 0.0,
        "heat_events_per_escalation": 0,
        "outside_rise_per_hour": 0.0,
        "cordon_escalation_factor": 0.3,
        "escalation_with_order_min": 5,
        "representatives_min": fixed(10),
        **CITED,
    }
    calm.update(over)
    return calm


def scenario_dict(
    size: int | dict[str, Any] = 3,
    spread: float = 0,
    horizon: float = 120,
    location: str = "room",
    **behaviour_over: Any,
) -> dict[str, Any]:
    return {
        "id": "mini-visit",
        "title": text("mini visit"),
        "source": "002 §二.1",
        "default_plan": "mini",
        "wall_start": "2026-03-02T08:30",
        "horizon_min": horizon,
        "first_report_min": 0,
        "expected_level": "IV",
        "briefing": text("three people come to the reception room"),
        "incidents": [
            {
                "kind": "group_visit",
                "id": "g",
                "label": text("group"),
                "location": location,
                "start_min": 0,
                "size_people": size if isinstance(size, dict) else fixed(size),
                "arrival_spread_min": spread,
                "grievance": text("a claim"),
                "source": "002 §二.1",
                "behaviour": behaviour(**behaviour_over),
            }
        ],
        "injects": [],
    }


def make(plan: dict[str, Any] | None = None, scenario: dict[str, Any] | None = None) -> tuple[Plan, Scenario]:
    return (
        Plan.model_validate(copy.deepcopy(plan or plan_dict())),
        Scenario.model_validate(copy.deepcopy(scenario or scenario_dict())),
    )


def trace(drill: Any, kinds: set[str]) -> list[tuple[float, str, str]]:
    return [(round(e.t, 6), e.kind, e.subject) for e in drill.log if e.kind in kinds]


def model(drill: Any) -> Any:
    """The model behind a drill, for white-box tests of the engine itself (invariants,
    queue statistics). Nothing outside the engine's tests may do this."""
    return drill._world


def tracker(drill: Any) -> Any:
    return drill._tracker
