"""At run time the headless engine never loads Textual, and neither does the
spec layer load SimPy (the import table itself is checked in test_layers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return out.stdout.strip()


def test_importing_and_running_the_engine_does_not_load_textual():
    code = (
        "import sys, sim\n"
        "from sim.engine.batch import run\n"
        "run('city', 'group-visit-50', None, 1)\n"
        "print('textual' in sys.modules)"
    )
    assert run_python(code) == "False"


def test_drill_run_does_not_load_textual():
    code = (
        "import sys, io, contextlib\n"
        "from sim.cli import main_group\n"
        "from sim.cli.base import run_cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    rc = run_cli(main_group, ['run', 'group-visit-50', '--json'])\n"
        "print(rc, 'textual' in sys.modules)"
    )
    assert run_python(code) == "0 False"


def test_the_spec_layer_imports_neither_simpy_nor_textual():
    code = "import sys, sim.spec\nprint('simpy' in sys.modules, 'textual' in sys.modules)"
    assert run_python(code) == "False False"
