"""TUI benchmarks: the cost of one clock tick at the highest speed (advance +
snapshot + table updates + a re-render) and the time to the pick screen.

    /work/venv/bin/python benchmarks/bench_tui.py [--ticks 40]

Prints figures; asserts nothing about wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTUP = r"""
import time, asyncio
t0 = time.perf_counter()
from tui.app import DrillApp
from tui.screens.pick import PickScreen
t_import = time.perf_counter() - t0
async def main():
    app = DrillApp("zh")
    async with app.run_test(size=(160, 48)) as pilot:
        while not isinstance(app.screen, PickScreen):
            await pilot.pause(0.01)
        await pilot.pause()
        print(f"{t_import:.4f} {time.perf_counter() - t0:.4f}")
asyncio.run(main())
"""


def startup(runs: int) -> None:
    imports, totals = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
        t_import, t_pick = map(float, out.stdout.split()[-2:])
        imports.append(t_import)
        totals.append(t_pick)
        print(f"  run: process {wall:.2f}s, import tui.app {t_import:.2f}s, to pick screen {t_pick:.2f}s")
    print(
        f"startup to the pick screen (median of {runs}): {statistics.median(totals):.2f}s "
        f"(of which importing the UI {statistics.median(imports):.2f}s)"
    )


async def ticks(scenario: str, n: int) -> None:
    from tui.app import DrillApp
    from tui.model import SPEEDS, TICK_S
    from tui.screens.drill import DrillScreen

    os.chdir(tempfile.mkdtemp())
    app = DrillApp("zh", scenario=scenario, journal=Path("bench.jsonl"))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        screen.timer.pause()
        screen.speed_index = len(SPEEDS) - 1
        advance, render = [], []
        while len(advance) < n and not screen.drill.finished:
            screen.paused = False
            t0 = time.perf_counter()
            screen.advance()
            t1 = time.perf_counter()
            await pilot.pause()  # let Textual lay out and paint
            t2 = time.perf_counter()
            advance.append(t1 - t0)
            render.append(t2 - t1)
        drill = screen.drill
        per_tick = SPEEDS[-1] * TICK_S
        print(
            f"tick on {scenario} at ×{SPEEDS[-1]} ({per_tick:g} sim-min per {TICK_S:g}s tick), {len(advance)} ticks "
            f"to min {drill.now:.0f}:"
        )
        print(
            f"  advance + snapshot + tables: median {statistics.median(advance) * 1000:.1f} ms, "
            f"max {max(advance) * 1000:.1f} ms"
        )
        print(
            f"  re-render (pilot.pause):     median {statistics.median(render) * 1000:.1f} ms, "
            f"max {max(render) * 1000:.1f} ms"
        )
        print(f"  budget per tick: {TICK_S * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=40)
    parser.add_argument("--startup-runs", type=int, default=3)
    args = parser.parse_args()
    from sim.spec import catalog

    scenario = "compound-peaks" if "compound-peaks" in catalog.shipped_scenario_ids() else "group-visit-50"
    asyncio.run(ticks(scenario, args.ticks))
    startup(args.startup_runs)


if __name__ == "__main__":
    main()
