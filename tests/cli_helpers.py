"""Running ``drill`` the way a user does: a separate process, always under a
timeout, and — for full or read-only disks — inside a private mount namespace
so that nothing outside the test changes (skipped where that is not allowed)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

DRILL = [sys.executable, "-c", "from sim.cli import main; main()"]
TIMEOUT_S = 300  # generous: the machine is shared; a hang still fails the test


def drill(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = TIMEOUT_S):
    """``drill ARGS`` as a subprocess: (exit status, stdout, stderr)."""
    full_env = {**os.environ, **(env or {})}
    out = subprocess.run(
        [*DRILL, *args], capture_output=True, env=full_env, cwd=cwd, timeout=timeout, check=False
    )
    return out.returncode, out.stdout.decode("utf-8", "replace"), out.stderr.decode("utf-8", "replace")


def wait_for(condition: Callable[[], Any], what: str, timeout: float = TIMEOUT_S) -> Any:
    """Poll ``condition`` until it holds (its value), or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def drill_here(*args: str) -> tuple[int, str, str]:
    """``drill ARGS`` in this process (fast; for errors found before any real work)."""
    from sim.cli import main_group
    from sim.cli.base import run_cli

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run_cli(main_group, list(args))
    return code, out.getvalue(), err.getvalue()


def make_journal(path: Path, seed: int = 1) -> Path:
    code, _out, err = drill_here(
        "run", "group-visit-50", "--seed", str(seed), "--journal", str(path), "--json"
    )
    assert code == 0, err
    return path


def can_mount() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return probe.returncode == 0


def in_private_mount(mountpoint: Path, script: str, size: str = "2m", readonly: bool = False):
    """Run a bash ``script`` with a small tmpfs mounted on ``mountpoint`` in a
    mount namespace of its own (the mount vanishes with it). ``$DRILL`` runs drill."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    opts = f"size={size}" + (",ro" if readonly else "")
    drill_cmd = " ".join(f"'{part}'" for part in DRILL)
    body = f"set -u\nmount -t tmpfs -o {opts} tmpfs '{mountpoint}'\nDRILL() {{ {drill_cmd} \"$@\"; }}\n{script}\n"
    out = subprocess.run(
        ["unshare", "-m", "bash", "-c", body], capture_output=True, timeout=TIMEOUT_S, check=False
    )
    return out.returncode, out.stdout.decode("utf-8", "replace"), out.stderr.decode("utf-8", "replace")
