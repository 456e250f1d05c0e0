"""The ``drill`` command. Each group of subcommands lives in its own module;
heavy libraries (Textual, pandas, matplotlib, python-docx, dask) are imported
inside the commands that need them, so ``drill list`` stays quick and the
headless commands never load the UI."""

from __future__ import annotations

import sys

from .base import main_group as main_group
from .spec_cmds import register as _register_spec

_register_spec(main_group)

for _name in ("run_cmds", "play_cmds", "research_cmds", "aar_cmds", "room_cmds"):
    try:
        _module = __import__(f"sim.cli.{_name}", fromlist=["register"])
    except ModuleNotFoundError as _exc:  # a command group not built yet
        if _exc.name != f"sim.cli.{_name}":
            raise
        continue
    _module.register(main_group)


def main(argv: list[str] | None = None) -> None:
    from .base import run_cli

    sys.exit(run_cli(main_group, argv))
