"""Where the shipped plans and scenarios live, in a checkout or an installed wheel.

A wheel carries ``scenarios/`` inside the ``sim`` package as ``sim/_data``; a
checkout (or an editable install) reads the repository's ``scenarios/``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from .problems import Problem, SpecError


@lru_cache(maxsize=1)
def data_root() -> Path:
    packaged = Path(str(resources.files("sim"))) / "_data" / "scenarios"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "scenarios"
    if checkout.is_dir():
        return checkout
    raise SpecError(
        [Problem(str(checkout), None, "", "shipped scenarios not found; is the package installed?")]
    )


def shipped_plan_ids() -> list[str]:
    return sorted(p.stem for p in (data_root() / "plans").glob("*.yaml"))


def shipped_scenario_ids() -> list[str]:
    return sorted(p.stem for p in data_root().glob("*.yaml"))


def _resolve(name_or_path: str | Path, folder: Path, what: str, known: list[str]) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise SpecError([Problem(str(candidate), None, "", f"{what} file not found")])
        return candidate
    path = folder / f"{name_or_path}.yaml"
    if not path.is_file():
        raise SpecError(
            [
                Problem(
                    str(name_or_path), None, "", f"no shipped {what} of that name (known: {', '.join(known)})"
                )
            ]
        )
    return path


def plan_path(name_or_path: str | Path) -> Path:
    return _resolve(name_or_path, data_root() / "plans", "plan", shipped_plan_ids())


def scenario_path(name_or_path: str | Path) -> Path:
    return _resolve(name_or_path, data_root(), "scenario", shipped_scenario_ids())
