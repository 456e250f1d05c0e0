"""The installed package finds its plans and scenarios without the checkout,
and the main install (no extras) can write the after-action report.

A wheel carries ``scenarios/`` and ``schemas/`` inside the ``sim`` package as
``sim/_data``; run from the unpacked wheel, well away from the repository,
``drill list``, ``drill validate`` and ``drill schema`` work on the shipped data.
Installed with its main dependencies only into a fresh virtual environment,
as the README's first command does, ``drill report`` writes md, html and docx.
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
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        pytest.skip(f"could not build a wheel here: {built.stderr.strip()[-300:]}")
    return next(out.glob("*.whl"))


@pytest.fixture(scope="module")
def unpacked(wheel: Path) -> Path:
    site = wheel.parent / "site"
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
    # every plan and scenario file of the source tree is in the wheel, and each is valid
    repo = Path(__file__).resolve().parent.parent / "scenarios"
    n = len(list(repo.glob("*.yaml"))) + len(list((repo / "plans").glob("*.yaml")))
    assert f"{n} of {n} files valid" in checked.stdout
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


def test_the_main_install_writes_the_report(wheel: Path, tmp_path: Path):
    """`pip install` without extras into a fresh venv (no system site packages, so
    nothing of the test environment leaks in), then a drill and its report in
    every format. Fails with "No module named 'matplotlib'" (or docx) if the
    report's needs slip back into an extra."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    installed = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900
    )
    if installed.returncode != 0 and "No matching distribution" in installed.stderr:
        pytest.skip(f"no package index reachable here: {installed.stderr.strip()[-300:]}")
    assert installed.returncode == 0, installed.stderr[-2000:]
    drill_exe = venv / "bin" / "drill"
    env = {**os.environ, "COLUMNS": "200", "DRILL_LANG": "en", "MPLCONFIGDIR": str(tmp_path / "mpl")}
    journal = tmp_path / "j.jsonl"
    ran = subprocess.run(
        [str(drill_exe), "run", "mine-group-visit", "--seed", "1", "--journal", str(journal)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    for fmt, lang in (("md", "en"), ("html", "en"), ("docx", "zh")):
        out = tmp_path / f"report.{fmt}"
        made = subprocess.run(
            [
                str(drill_exe),
                "report",
                str(journal),
                "--format",
                fmt,
                "--lang",
                lang,
                "--reps",
                "2",
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=600,
        )
        assert made.returncode == 0, made.stderr[-2000:]
        assert "internal error" not in made.stderr
        assert out.stat().st_size > 5_000
