"""What a study runs: the plan and scenario as content, never as paths.

The driver reads each file once, checks it in full (schema, cross-references,
pairing) and keeps its bytes with their SHA-256. Tasks carry those bytes to
the workers, which check the hash on arrival and parse them (once per content
per process): a worker on another machine, with other files or none at the
same paths, computes exactly what the driver would, or refuses. Editing a file
while a study runs changes nothing in it.

At the start of a sweep or an evaluation the inputs are written into the
output folder (``inputs/``); ``--resume`` runs from that snapshot, so every row
of one ``runs.parquet`` comes from the same plan and scenario.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UserFacing
from ..files import atomic_write, display, read_regular
from ..spec.limits import MAX_YAML_BYTES

SNAPSHOT = "inputs"


class InputsMismatch(UserFacing):
    """Content that does not match its hash (damaged in transit, or a snapshot
    edited by hand): the study refuses rather than compute other numbers."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileContent:
    """One data file as sent to a worker: its name, bytes and their SHA-256."""

    name: str  # the file name (``city.yaml``); a plan's id must match its stem
    data: bytes
    sha256: str

    @classmethod
    def read(cls, path: Path, what: str) -> FileContent:
        data = read_regular(path, MAX_YAML_BYTES, f"{what} file")
        return cls(os.fsdecode(Path(path).name), data, sha256(data))

    def check(self) -> None:
        if sha256(self.data) != self.sha256:
            raise InputsMismatch(
                f"{self.name}: its content does not match the SHA-256 it was sent with "
                f"({self.sha256[:12]}…); refusing to compute from it"
            )


@dataclass(frozen=True)
class Inputs:
    """A plan and a scenario, as content (picklable, small: tens of KB)."""

    plan: FileContent
    scenario: FileContent

    @classmethod
    def read(cls, plan_file: Path, scenario_file: Path) -> Inputs:
        """Read both files and check them in full (in the driver), or raise SpecError."""
        inputs = cls(FileContent.read(plan_file, "plan"), FileContent.read(scenario_file, "scenario"))
        inputs.check_fully(Path(plan_file), Path(scenario_file))
        return inputs

    def check_fully(self, plan_file: Path, scenario_file: Path) -> None:
        from ..spec.loader import load_plan_text, load_scenario_text
        from ..spec.pairing import check_pairing

        plan, _ = load_plan_text(self.plan.data, plan_file)
        scenario, _ = load_scenario_text(self.scenario.data, scenario_file)
        check_pairing(plan, scenario)

    def load(self) -> tuple[Any, Any]:
        """The parsed (Plan, Scenario), after checking each content's hash."""
        self.plan.check()  # every time: a cached parse must never stand in for other bytes
        self.scenario.check()
        key = (self.plan.sha256, self.scenario.sha256)
        hit = _PARSED.get(key)
        if hit is not None:
            return hit
        from ..spec.loader import load_plan_text, load_scenario_text

        plan, _ = load_plan_text(self.plan.data, Path(self.plan.name))
        scenario, _ = load_scenario_text(self.scenario.data, Path(self.scenario.name), cross_check=False)
        if len(_PARSED) >= 16:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = (plan, scenario)
        return plan, scenario

    def hashes(self) -> dict[str, str]:
        return {"plan": self.plan.sha256, "scenario": self.scenario.sha256}

    # --- the snapshot in an output folder ------------------------------------------------

    def snapshot(self, out_dir: Path, tag: str = "") -> dict[str, Any]:
        """Write both files into ``out_dir/inputs/`` (atomically); returns what
        study.json and meta.json record of them (paths relative to ``out_dir``)."""
        folder = Path(out_dir) / SNAPSHOT / tag if tag else Path(out_dir) / SNAPSHOT
        from ..files import make_folders

        make_folders(folder)
        out: dict[str, Any] = {}
        for kind, content in (("plan", self.plan), ("scenario", self.scenario)):
            sub = folder / kind
            make_folders(sub)
            target = sub / content.name
            atomic_write(target, content.data)
            out[kind] = {
                "file": target.relative_to(out_dir).as_posix(),
                "name": content.name,
                "sha256": content.sha256,
            }
        return out

    @classmethod
    def from_snapshot(cls, out_dir: Path, record: dict[str, Any]) -> Inputs:
        """The inputs a study started with, read back from its snapshot and checked against their hashes."""
        parts = []
        for kind in ("plan", "scenario"):
            entry = record[kind]
            path = Path(out_dir) / entry["file"]
            data = read_regular(path, MAX_YAML_BYTES, f"snapshot of the {kind}")
            content = FileContent(entry["name"], data, entry["sha256"])
            if sha256(data) != entry["sha256"]:
                raise InputsMismatch(
                    f"{display(path)}: the {kind} snapshotted when the study started has been changed "
                    "since; the study cannot be resumed from it"
                )
            parts.append(content)
        return cls(parts[0], parts[1])


_PARSED: dict[tuple[str, str], tuple[Any, Any]] = {}
