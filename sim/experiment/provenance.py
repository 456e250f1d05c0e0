"""What a result was computed with, for meta.json: the project's version and,
in a git checkout, its commit; the model's version; the libraries that shape
the numbers; the machine."""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..engine.version import MODEL_VERSION


def package_version() -> str:
    try:
        from importlib.metadata import version

        return version("petition-drill")
    except Exception:  # pragma: no cover - not installed
        return "unknown"


def git_commit() -> dict[str, Any] | None:
    """The commit of the checkout the code runs from (None for an installed wheel)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None
        status = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "sim",
                "scenarios",
            ],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head.stdout.strip(), "modified": bool(status.stdout.strip())}


def _version_of(module: str) -> str | None:
    mod = sys.modules.get(module)
    return getattr(mod, "__version__", None) if mod is not None else None


def provenance() -> dict[str, Any]:
    import numpy

    out: dict[str, Any] = {
        "tool": "petition-drill",
        "version": package_version(),
        "git": git_commit(),
        "model": MODEL_VERSION,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "platform": platform.platform(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join(["drill", *sys.argv[1:]]) if sys.argv and "drill" in sys.argv[0] else None,
    }
    for lib in ("simpy", "scipy", "pyarrow", "pandas"):
        v = _version_of(lib)
        if v:
            out[lib] = v
    return out
