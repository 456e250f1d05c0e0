"""The shipped plans and scenarios: they load cleanly, refer to each other
correctly, keep every time limit the seed plans set, and the ``drill list`` and
``drill schema`` commands describe them."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sim.cli import main_group
from sim.cli.base import run_cli
from sim.spec import load_plan, load_plan_file, load_scenario_file
from sim.spec.emergency import SiteEmergency
from sim.spec.scenario import OnlineTopic

DATA = Path(__file__).resolve().parents[1] / "scenarios"
PLAN_FILES = sorted((DATA / "plans").glob("*.yaml"))
SCENARIO_FILES = sorted(DATA.glob("*.yaml"))

PLAN_IDS = {"city", "unit", "transport-station", "town", "coal-mine"}
SCENARIO_IDS = {
    "group-visit-50",
    "extreme-individual",
    "online-amplification",
    "compound-peaks",
    "town-district-incident",
    "mine-group-visit",
    "scheduled-reception",
    # issue 14: each plan on the situations its seed names
    "station-group-visit",
    "station-small-group",
    "station-extreme-act",
    "town-gate-gathering",
    "warning-colours",
    "station-reception-fire",
    "disaster-surge",
}


def _stem(path: Path) -> str:
    return path.stem


# --- every file loads ---------------------------------------------------------


def test_the_five_plans_and_their_scenarios_are_shipped():
    """One plan per seed unit and the scenarios the seeds name."""
    assert {p.stem for p in PLAN_FILES} == PLAN_IDS
    assert {p.stem for p in SCENARIO_FILES} == SCENARIO_IDS


@pytest.mark.parametrize("path", PLAN_FILES, ids=_stem)
def test_shipped_plan_loads_without_errors_or_warnings(path):
    """A shipped plan is valid, has no warnings, and its id is its file name."""
    plan, problems = load_plan_file(path)
    assert [str(p) for p in problems] == []
    assert plan.id == path.stem


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_stem)
def test_shipped_scenario_loads_without_errors_or_warnings(path):
    """A shipped scenario is valid against the plans it names."""
    scenario, problems = load_scenario_file(path)
    assert [str(p) for p in problems] == []
    assert scenario.id == path.stem


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_stem)
def test_scenario_plans_resolve_and_hold_its_locations_and_level(path):
    """The default plan and every compatible plan exist, have the expected
    level, and have every venue or site the scenario's incidents use."""
    scenario, _ = load_scenario_file(path)
    assert scenario.plans()[0] == scenario.default_plan
    for plan_id in scenario.plans():
        plan = load_plan(plan_id)
        assert scenario.expected_level in plan.levels
        places = set(plan.venues) | set(plan.sites)
        for incident in scenario.incidents:
            if isinstance(incident, SiteEmergency):
                assert {incident.venue, incident.assembly_point} <= set(plan.venues), (plan_id, incident.id)
            elif isinstance(incident, OnlineTopic):
                if incident.copycat is not None:
                    assert incident.copycat.location in places
            else:
                assert incident.location in places, (plan_id, incident.id)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_stem)
def test_scenario_has_a_master_events_list_of_four_to_eight_injects(path):
    """Each scenario gives trainees 4-8 timed messages, in time order, within the horizon."""
    scenario, _ = load_scenario_file(path)
    times = [i.at_min for i in scenario.injects]
    assert 4 <= len(times) <= 8
    assert times == sorted(times)
    assert times[-1] <= scenario.horizon_min


@pytest.mark.parametrize("path", PLAN_FILES, ids=_stem)
def test_channel_shares_of_a_plan_add_up_to_one(path):
    """Every claim goes through exactly one reception channel."""
    plan, _ = load_plan_file(path)
    assert math.isclose(sum(c.share for c in plan.channels.values()), 1.0)


@pytest.mark.parametrize("path", PLAN_FILES, ids=_stem)
def test_dispatches_fit_the_team(path):
    """A prescribed dispatch never asks for more people than the team has."""
    plan, _ = load_plan_file(path)
    for level in plan.levels.values():
        for action in level.actions:
            if action.do == "dispatch":
                assert action.people <= plan.teams[action.team].size_people


@pytest.mark.parametrize("path", PLAN_FILES + SCENARIO_FILES, ids=_stem)
def test_first_line_points_editors_at_the_schema(path):
    """Line 1 tells the YAML language server which JSON Schema applies."""
    kind = "plan" if path.parent.name == "plans" else "scenario"
    prefix = "../../" if kind == "plan" else "../"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={prefix}schemas/{kind}.schema.json"


# --- the seeds' time limits -------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    plan: str
    level: str | None  # None: a plan-wide milestone
    measure: str
    deadline_min: float
    what: str


# DOMAIN.md, "Milestones (time limits) by level": every limit a seed states.
SEED_TIME_LIMITS = [
    # 002 §四.4: the alert chain
    Limit("city", None, "alert_step", 5, "report screened within 5 min"),
    Limit("city", None, "alert_step", 10, "verified within 10 min"),
    Limit("city", None, "alert_step", 15, "level decided within 15 min"),
    # 002 §五(一): level IV
    Limit("city", "IV", "official_on_site", 30, "responsible leader in the joint reception room"),
    Limit("city", "IV", "reply_issued", 60, "initial reply from the policy task force"),
    Limit("city", "IV", "statement_published", 120, "first round of public online response"),
    Limit("city", "IV", "head_count_below", 240, "fewer than 10 people on site"),
    # 002 §五(二): level III
    Limit("city", "III", "package_signed", 360, "package solution signed on site"),
    Limit("city", "III", "crowd_and_heat_down", 720, "crowd and online heat both halved"),
    # 002 §三: the policy task force's solution and logistics' delivery to the front
    Limit("city", "III", "solution_drafted", 1440, "policy task force's workable solution within 24 h"),
    Limit("city", "III", "teams_all_on_duty", 120, "logistics can deliver to the front within 2 h"),
    # 000: a generic unit
    Limit("unit", None, "team_on_site", -30, "staff in place 30 min before a booked reception"),
    Limit("unit", None, "beyond_model", 30 * 1440, "claims needing coordination closed in 30 days"),
    Limit("unit", "IV", "beyond_model", 3 * 1440, "blue: contact within 3 days"),
    Limit("unit", "III", "beyond_model", 5 * 1440, "yellow: coordination meeting within 5 days"),
    Limit("unit", "II", "response_started", 1440, "orange: emergency response within 1 day"),
    Limit("unit", "I", "reply_issued", 1440, "red: a reply the same day"),
    Limit("unit", "I", "beyond_model", 3 * 1440, "red: progress in 3 days"),
    Limit("unit", "I", "beyond_model", 7 * 1440, "red: a result in 7 days"),
    # 003: a town
    Limit("town", None, "alert_step", 15, "safety office verifies and reports within 15 min"),
    Limit("town", None, "team_on_site", 40, "task force at a district-level incident within 40 min"),
]

# Actions a seed names without a time: present, either untimed (recorded, never
# scored) or with a deadline marked as assumed.
SEED_UNTIMED_LIMITS = [
    Limit("city", "III", "teams_all_on_duty", 0, "whole front joint team on duty"),
    Limit("city", "III", "venue_open", 0, "emergency reception hall B opened"),
    Limit("city", "III", "cordon_set", 0, "core zone half-closed"),
    Limit("city", "III", "medical_standby", 0, "medical post on site"),
    Limit("city", "III", "team_on_site", 0, "psychologist with the team"),
    Limit("city", "II", "teams_all_on_duty", 0, "lawyers' team in post for legal aid"),
    Limit("city", "II", "beyond_model", 0, "double barriers at the gate; buses skip the stop"),
    Limit("coal-mine", None, "team_on_site", 0, "vehicles and guards in the shortest time"),
]


def _milestones(plan_id: str, level: str | None):
    plan = load_plan(plan_id)
    if level is None:
        return plan.milestones
    return plan.levels[level].milestones  # type: ignore[index]


@pytest.mark.parametrize("limit", SEED_TIME_LIMITS, ids=lambda lim: f"{lim.plan}-{lim.what}")
def test_every_seed_time_limit_is_a_milestone_of_its_plan(limit):
    """A limit the seed states is a milestone with that deadline in its plan and level."""
    found = [
        m
        for m in _milestones(limit.plan, limit.level)
        if m.measure.kind == limit.measure and m.deadline_min == limit.deadline_min
    ]
    assert found, (
        f"{limit.plan} {limit.level or 'plan-wide'}: no {limit.measure} at {limit.deadline_min:g} min"
    )
    assert all(m.source for m in found)


@pytest.mark.parametrize("limit", SEED_UNTIMED_LIMITS, ids=lambda lim: f"{lim.plan}-{lim.what}")
def test_seed_limits_without_a_number_are_untimed_or_assumed_milestones(limit):
    """Where a seed names an action but no time, the plan has the milestone, untimed
    (never scored) or with a deadline marked as assumed, never an invented one."""
    found = [m for m in _milestones(limit.plan, limit.level) if m.measure.kind == limit.measure]
    assert found
    assert all(m.untimed or (m.assumed and m.reason) for m in found)


def test_the_30_minute_preparation_runs_before_the_group_arrives():
    """000's preparation limit counts back from the booked start of the visit."""
    plan = load_plan("unit")
    ready = next(m for m in plan.milestones if m.id == "staff_ready_30_before")
    assert (ready.clock, ready.deadline_min, ready.measure.team) == ("incident_start", -30, "onsite")


def test_the_town_task_force_reaches_the_district_by_road():
    """003's 40 minutes include a drive to the district office, a site of the town plan."""
    plan = load_plan("town")
    assert "district_office" in plan.sites
    assert plan.sites["district_office"].travel_min.lowest() > 0


# --- drill list and drill schema -----------------------------------------------------


def test_drill_list_shows_every_plan_and_scenario(capsys, monkeypatch):
    """``drill list`` exits 0 and names every shipped plan and scenario."""
    monkeypatch.setenv("COLUMNS", "240")  # rich shortens cells in a narrow terminal
    assert run_cli(main_group, ["list"]) == 0
    out = capsys.readouterr().out
    for name in PLAN_IDS | SCENARIO_IDS:
        assert name in out


@pytest.fixture(scope="module")
def written_schemas(tmp_path_factory):
    out = tmp_path_factory.mktemp("schemas")
    assert run_cli(main_group, ["schema", "--out", str(out)]) == 0
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}


def test_drill_schema_writes_two_valid_draft_2020_12_schemas(written_schemas):
    """``drill schema`` writes plan.schema.json and scenario.schema.json, both valid schemas."""
    jsonschema = pytest.importorskip("jsonschema")
    assert sorted(written_schemas) == ["plan.schema.json", "scenario.schema.json"]
    for schema in written_schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_committed_schemas_are_up_to_date(written_schemas):
    """The schemas/ folder in the repository matches what ``drill schema`` writes."""
    committed = DATA.parent / "schemas"
    for name, schema in written_schemas.items():
        assert json.loads((committed / name).read_text(encoding="utf-8")) == schema, name


@pytest.mark.parametrize("path", PLAN_FILES + SCENARIO_FILES, ids=_stem)
def test_json_schema_accepts_every_shipped_file(written_schemas, path):
    """Editors using the JSON Schema see no error in a shipped file."""
    jsonschema = pytest.importorskip("jsonschema")
    name = "plan.schema.json" if path.parent.name == "plans" else "scenario.schema.json"
    validator = jsonschema.Draft202012Validator(written_schemas[name])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
