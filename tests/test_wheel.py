"""The installed package finds its plans and scenarios without the checkout.

A wheel carries ``scenarios/`` and ``schemas/`` inside the ``sim`` package as
``sim/_data``; run from the unpacked wheel, well away from the repository,
``drill list``, ``drill validate`` and ``drill schema`` work on the shipped data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        pytest.skip(f"could not build a wheel here: {built.stderr.strip()[-300:]}")
    wheel = next(out.glob("*.whl"))
    site = out / "site"
    zipfile.ZipFile(wheel).extractall(site)
    return site


def drill(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "200", "DRILL_LANG": "en"}
    code = f"import sys; from sim.cli import main; sys.argv[0] = 'drill'; main({list(args)!r})"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env)


def test_the_wheel_carries_the_data(unpacked: Path):
    data = unpacked / "sim" / "_data"
    assert sorted(p.stem for p in (data / "scenarios" / "plans").glob("*.yaml")) == sorted(
        p.stem for p in (ROOT / "scenarios" / "plans").glob("*.yaml")
    )
    assert (data / "schemas" / "plan.schema.json").is_file()
    assert list((unpacked / "tui").glob("*.tcss"))


def test_list_validate_and_schema_work_from_the_installed_package(unpacked: Path, tmp_path: Path):
    where = drill(unpacked, tmp_path, "list")
    assert where.returncode == 0, where.stderr
    for sid in ("group-visit-50", "compound-peaks", "scheduled-reception"):
        assert sid in where.stdout
    shipped = unpacked / "sim" / "_data" / "scenarios"
    checked = drill(unpacked, tmp_path, "validate", str(shipped))
    assert checked.returncode == 0, checked.stderr
    assert "12 of 12 files valid" in checked.stdout
    schema = drill(unpacked, tmp_path, "schema", "--out", str(tmp_path / "s"))
    assert schema.returncode == 0 and (tmp_path / "s" / "scenario.schema.json").is_file()
    # and it really used the packaged copy, not the repository's
    probe = subprocess.run(
        [sys.executable, "-c", "from sim.spec import catalog; print(catalog.data_root())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked)},
    )
    assert Path(probe.stdout.strip()).is_relative_to(unpacked)
