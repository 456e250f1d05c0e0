"""The spec layer: typed plan and scenario files, loaded with clear errors.

Imports only pyyaml, pydantic and the standard library.
"""

from .catalog import data_root, plan_path, scenario_path, shipped_plan_ids, shipped_scenario_ids
from .loader import file_hash, load_plan, load_plan_file, load_scenario, load_scenario_file, validate_paths
from .plan import LEVELS, Duty, Milestone, Plan
from .problems import Problem, SpecError
from .scenario import ExtremeIndividual, GroupVisit, OnlineTopic, Scenario

__all__ = [
    "LEVELS",
    "Duty",
    "ExtremeIndividual",
    "GroupVisit",
    "Milestone",
    "OnlineTopic",
    "Plan",
    "Problem",
    "Scenario",
    "SpecError",
    "data_root",
    "file_hash",
    "load_plan",
    "load_plan_file",
    "load_scenario",
    "load_scenario_file",
    "plan_path",
    "scenario_path",
    "shipped_plan_ids",
    "shipped_scenario_ids",
    "validate_paths",
]
