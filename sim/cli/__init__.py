"""The ``drill`` command. Each group of subcommands lives in its own module;
heavy libraries (Textual, pandas, matplotlib, python-docx, dask) are imported
inside the commands that need them, so ``drill list`` stays quick and the
headless commands never load the UI."""

from __future__ import annotations

import sys

from .base import main_group as main_group
from .spec_cmds import register as _register_spec

_register_spec(main_group)

# One module per command group, each with ``register(group)``; a module not
# written yet is skipped, so a new group (``model_cmds``: calibrate,
# sensitivity) is added by adding its file alone.
COMMAND_MODULES = (
    "run_cmds",
    "play_cmds",
    "research_cmds",
    "aar_cmds",
    "room_cmds",
    "model_cmds",
    "calibrate_cmds",
    "sensitivity_cmds",
    "attribution_cmds",
)

for _name in COMMAND_MODULES:
    try:
        _module = __import__(f"sim.cli.{_name}", fromlist=["register"])
    except ModuleNotFoundError as _exc:  # a command group not built yet
        if _exc.name != f"sim.cli.{_name}":
            raise
        continue
    _module.register(main_group)


def main(argv: list[str] | None = None) -> None:
    from .base import install_signal_handlers, run_cli

    install_signal_handlers()
    sys.exit(run_cli(main_group, argv))
