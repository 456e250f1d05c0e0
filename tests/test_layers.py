"""The layer table of ARCHITECTURE.md, enforced on the source: every import
(module level or inside a function) and every attribute access is read from
the syntax tree, so a deferred import or a reach through a private attribute
is caught as surely as a top-level import.

| layer    | folder        | may import                                   | must not import                  |
|----------|---------------|----------------------------------------------|----------------------------------|
| spec     | sim/spec      | pyyaml, pydantic, stdlib                     | simpy, numpy, textual, engine    |
| engine   | sim/engine    | spec models (not the loader), simpy, numpy   | textual, services, tui           |
| services | sim/*, ...    | the engine's public modules, spec, extras    | engine internals, textual*       |
| UI       | tui/          | sim's public API, textual                    | simpy, engine internals          |

(*) the CLI imports ``tui`` only inside the commands that open it.
The plan-following policy, inside the engine, may read the drill only through
its public API and the ``View``: it is held to the services' rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# the engine's public modules: what services and the UI may import
ENGINE_PUBLIC = {
    "sim.engine",
    "sim.engine.drill",
    "sim.engine.decisions",
    "sim.engine.facilitator",
    "sim.engine.snapshot",
    "sim.engine.view",
    "sim.engine.log",
    "sim.engine.scorecard",
    "sim.engine.milestones",  # the milestone statuses
    "sim.engine.trends",
    "sim.engine.policies",
    "sim.engine.batch",
    "sim.engine.params",
    "sim.engine.streams",  # replication seeds
    "sim.engine.version",
    "sim.engine.reasons",
}
# attributes that only the engine's own modules may touch on its objects
PRIVATE_REACH = {"_world", "_tracker", "_view", "_w", "_kernel"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path).split(".") if path.is_relative_to(ROOT) else ["outside"]
    if path.name != "__init__.py":
        package = package[:-1]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.add(module)
            # "from . import decisions" imports the submodule
            out.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    return out


def private_reaches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno} .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in PRIVATE_REACH
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")  # its own state
    ]


def _files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _engine_module(name: str) -> bool:
    return name == "sim.engine" or name.startswith("sim.engine.")


def _internal(name: str) -> bool:
    """An engine module outside its public API (``from sim.engine.drill import Drill``
    yields ``sim.engine.drill.Drill``: a name inside a public module is fine)."""
    if not _engine_module(name) or name == "sim.engine":
        return False
    return not any(name == m or name.startswith(m + ".") for m in ENGINE_PUBLIC - {"sim.engine"})


def _offences(files: list[Path], rule) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for path in files:
        for module in sorted(imports_of(path)):
            if rule(module):
                out.append(f"{path.relative_to(ROOT)} imports {module}")
    return out


def test_the_spec_layer_imports_no_simulation_and_no_ui():
    bad = ("simpy", "numpy", "textual", "sim.engine", "sim.cli", "tui")
    assert _offences(_files("sim/spec"), lambda m: m.split(".")[0] in bad or m.startswith(bad)) == []


def test_the_engine_imports_neither_the_ui_nor_the_services_nor_the_file_loader():
    services = ("sim.journal", "sim.replay", "sim.script", "sim.report", "sim.experiment", "sim.cli")
    services += ("sim.counterfactual", "sim.labels", "sim.present")

    def wrong(m: str) -> bool:
        if m.split(".")[0] in ("textual", "tui", "rich", "click", "yaml"):
            return True
        return m.startswith(services) or m.startswith(("sim.spec.loader", "sim.spec.yamlfile"))

    files = [p for p in _files("sim/engine") if p.name != "batch.py"]
    # batch.run accepts shipped names for the one-call batch contract: it alone loads files
    assert _offences(files, wrong) == []


def module_level_imports(path: Path) -> set[str]:
    """The modules ``path`` imports outside any function (paid for by every importer)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(n) for n in ast.walk(node))
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in inside:
            continue
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module)
    return out


def test_services_use_only_the_engines_public_modules():
    files = [p for p in _files("sim") if not _module_name(p).startswith(("sim.engine", "sim.spec"))]
    assert _offences(files, _internal) == []
    # the CLI imports the UI only inside the commands that open it
    ui = ("textual", "tui")
    assert [
        f"{p.relative_to(ROOT)} imports {m}"
        for p in files
        for m in sorted(module_level_imports(p))
        if m.split(".")[0] in ui
    ] == []
    outside_cli = [p for p in files if not _module_name(p).startswith("sim.cli")]
    assert _offences(outside_cli, lambda m: m.split(".")[0] in ui) == []


def test_the_ui_uses_only_sims_public_api():
    files = _files("tui")
    assert _offences(files, lambda m: m.split(".")[0] == "simpy" or _internal(m)) == []


@pytest.mark.parametrize("module", ["policies", "plan_policy"])
def test_the_policies_read_the_drill_only_through_its_public_api_and_the_view(module: str):
    path = ROOT / f"sim/engine/{module}.py"
    allowed = {
        "sim.engine.drill",
        "sim.engine.decisions",
        "sim.engine.view",
        "sim.engine.log",
        "sim.engine.facilitator",
        "sim.engine.reasons",
        "sim.engine.plan_policy",
    }
    engine = {m for m in imports_of(path) if _engine_module(m) and m != "sim.engine"}
    assert {m for m in engine if not any(m == a or m.startswith(a + ".") for a in allowed)} == set()


@pytest.mark.parametrize("folder", ["tui", "sim/cli", "sim/report", "sim/experiment"])
def test_nothing_outside_the_engine_reaches_through_a_private_attribute(folder: str):
    assert [r for p in _files(folder) for r in private_reaches(p)] == []


def test_services_and_policies_reach_no_private_attribute():
    files = [p for p in _files("sim") if not _module_name(p).startswith(("sim.engine", "sim.spec"))]
    files += [ROOT / "sim/engine/policies.py", ROOT / "sim/engine/plan_policy.py"]
    assert [r for p in files for r in private_reaches(p)] == []


def test_the_contract_catches_what_it_is_meant_to(tmp_path: Path):
    """The checks themselves: a deferred import of an engine internal and a reach
    through a private attribute are both found."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(drill):\n    from sim.engine.world import World\n    return drill._world, World\n",
        encoding="utf-8",
    )
    assert "sim.engine.world" in imports_of(bad)
    assert private_reaches(bad) == ["bad.py:3 ._world"]
    assert _internal("sim.engine.world") and _internal("sim.engine.group_visit")
    assert not _internal("sim.engine.drill") and not _internal("sim.engine.decisions.DeclareLevel")
