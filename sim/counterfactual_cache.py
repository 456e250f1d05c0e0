"""A comparison kept for the next command that asks for the same one.

``drill compare`` and then ``drill report`` (in each format, in each language)
ask for the same comparison of the same journal. Its numbers are a pure
function of what is hashed into the key: the team's script and seed, the plan
and the scenario as resolved (parameters applied), the replications asked for,
the source of the ``sim`` package and the versions of Python, numpy and SimPy.
A later command with the same key reads the numbers back instead of playing
the thousands of replications again; the drill itself (``actual_drill``) is
always played again (one replication). Any change to one of those inputs,
the code included, is a different key.

Only comparisons large enough to take a while are kept (see ``compare``).
``DRILL_CACHE=off`` plays everything every time; ``DRILL_CACHE_DIR`` keeps the
files elsewhere (default ``$XDG_CACHE_HOME/drill/compare`` or
``~/.cache/drill/compare``). A file that cannot be read or written is ignored:
the comparison is then played as if there were none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import simpy

from .files import atomic_write
from .script import Script

FORMAT = 1
_source_hash: str | None = None


def enabled() -> bool:
    return os.environ.get("DRILL_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def folder() -> Path:
    chosen = os.environ.get("DRILL_CACHE_DIR", "").strip()
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "drill" / "compare"


def source_hash() -> str:
    """The ``sim`` package's Python source, every file, hashed once per process."""
    global _source_hash
    if _source_hash is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
            h.update(path.read_bytes() + b"\0")
        _source_hash = h.hexdigest()
    return _source_hash


def key(plan: Any, scenario: Any, seed: int, script: Script, reps: int, costly_reps: int) -> str:
    h = hashlib.sha256()
    parts = {
        "format": FORMAT,
        "code": source_hash(),
        "versions": [list(sys.version_info[:2]), np.__version__, getattr(simpy, "__version__", "")],
        "plan": plan.model_dump_json(),
        "scenario": scenario.model_dump_json(),
        "seed": seed,
        "script": [(i.t, i.action.to_dict(), i.seat, i.facilitator) for i in script.items],
        "reps": reps,
        "costly_reps": costly_reps,
    }
    h.update(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def load(name: str) -> dict[str, Any] | None:
    path = folder() / f"{name}.pickle"
    try:
        data = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("key") == name else None


def store(name: str, data: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        atomic_write(where / f"{name}.pickle", pickle.dumps({**data, "key": name}))
