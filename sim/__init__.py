"""信访应急预案桌面推演 · A tabletop drill simulator for petition-reception
emergency plans.

The public API: load plans and scenarios (``load_plan``, ``load_scenario``),
play a drill (``Drill``), run a whole replication (``run``). The engine is
imported lazily so that the spec layer and the CLI's quick commands stay light.
"""

from __future__ import annotations

from typing import Any

from .spec import Plan, Scenario, SpecError, load_plan, load_scenario

__version__ = "0.1.0"

_LAZY = {
    "Drill": "sim.engine.drill",
    "run": "sim.engine.batch",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = ["Drill", "Plan", "Scenario", "SpecError", "load_plan", "load_scenario", "run"]
