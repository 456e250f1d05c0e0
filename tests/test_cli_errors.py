"""Every bad input a clear error: what is wrong and where, exit status 2 (1
when the machine fails: a full disk), no traceback, no hang, nothing left
behind — and the same command works once the cause is gone.

Exit statuses: 0 done; 2 the input is wrong (arguments, files, journals, an
output path that cannot be written); 1 the environment failed (disk full, an
I/O error, out of memory, a lost worker); 130 Ctrl-C; 128+N signal N."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_helpers import can_mount, drill, drill_here, in_private_mount, make_journal

MAX_SEED = 2**63 - 1


def assert_clean_error(code: int, err: str, status: int = 2) -> None:
    assert code == status, err
    assert "Traceback" not in err and "internal error" not in err
    assert err.strip(), "an error must say what is wrong"


# --- files that are not regular files -------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "drill.jsonl"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{fifo}"],
        ["replay", "{fifo}"],
        ["compare", "{fifo}", "--reps", "1"],
        ["report", "{fifo}", "--reps", "1"],
        ["resume", "{fifo}", "--headless"],
        ["play", "--resume", "{fifo}"],
        ["run", "group-visit-50", "--plan", "{fifo}"],
    ],
    ids=lambda a: a[0] if a[0] != "run" else "run --plan",
)
def test_a_named_pipe_is_refused_not_waited_on(fifo: Path, args: list[str]) -> None:
    # nothing ever writes into the pipe: before the fix each of these blocked forever
    code, _out, err = drill(*[a.format(fifo=fifo) for a in args], timeout=120)
    assert_clean_error(code, err)
    assert "named pipe" in err or "not found" in err or "not a regular" in err


@pytest.mark.parametrize("path", ["/dev/zero", "/proc/self/status"])
def test_devices_and_proc_files_are_not_journals(path: str) -> None:
    code, _out, err = drill_here("replay", path)
    assert_clean_error(code, err)


# --- --set and --vary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("incidents.buyers.size_people.mean=abc", "a mean must be a finite number, got 'abc'"),
        ("incidents.buyers.size_people.mean=", "no value after '='"),
        ("teams.reception.on_duty=[1]", "valid integer"),
        ("teams.reception.on_duty=0x10", "valid integer"),
        ("teams.reception.on_duty=2.5", "valid integer"),
        ("officials.leader.arrival_min.mean=nan", "not a finite number"),
        ("officials.leader.arrival_min=1e999", "not a finite number"),
        ("incidents.buyers.size_people=1e12", "one incident holds at most 10,000"),
        ("incidents.buyers.size_people=1000000", "one incident holds at most 10,000"),
        (
            "milestones.screen_5.deadline_min=-5",
            "negative deadline is only meaningful with clock: incident_start",
        ),
        ("teams.nobody.on_duty=1", "unknown key 'nobody'"),
        ("=3", "a path like"),
        ("teams.reception.on_duty", "expected PATH=VALUE"),
    ],
)
def test_set_is_checked_through_the_schema(assignment: str, expected: str) -> None:
    code, _out, err = drill_here("run", "group-visit-50", "--set", assignment)
    assert_clean_error(code, err)
    assert expected in err
    assert all(line.startswith("--set ") for line in err.strip().splitlines())


def test_a_negative_deadline_is_still_allowed_before_a_booked_visit() -> None:
    code, _out, err = drill_here(
        "run", "scheduled-reception", "--set", "milestones.staff_ready_30_before.deadline_min=-45", "--json"
    )
    assert code == 0, err


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        ("scenario.horizon_min=0.1..0.2:1e-10", "1,000,000,001 levels"),  # hung before
        ("teams.reception.on_duty=1..1000000000", "1,000,000,000 levels"),  # ran out of memory before
        ("scenario.horizon_min=1e-300..1e308:1e-300", "more than 10^15 levels"),
        ("teams.reception.on_duty=abc..3", "is not a number"),
        ("teams.reception.on_duty=3..1", "below its start"),
        ("teams.reception.on_duty=1..3:0", "step must be > 0"),
        ("teams.reception.on_duty=", "no values"),
    ],
)
def test_vary_has_ceilings_and_refuses_at_once(tmp_path: Path, vary: str, expected: str) -> None:
    code, _out, err = drill_here(
        "sweep", "group-visit-50", "--vary", vary, "--out", str(tmp_path / "o"), "--quiet"
    )
    assert_clean_error(code, err)
    assert expected in err
    assert not (tmp_path / "o").exists()  # nothing was created


def test_grid_and_sampled_designs_have_a_ceiling(tmp_path: Path) -> None:
    code, _out, err = drill_here(
        "sweep",
        "group-visit-50",
        "--vary",
        "teams.reception.on_duty=1..1000",
        "--vary",
        "officials.leader.arrival_min.mean=1..1000",
        "--out",
        str(tmp_path / "o"),
    )
    assert_clean_error(code, err)
    assert "1,000 × 1,000 = 1,000,000 design points" in err
    code, _out, err = drill_here(
        "sweep",
        "group-visit-50",
        "--design",
        "salib-sobol",
        "--points",
        "60000",
        "--vary",
        "teams.reception.on_duty=1..3",
    )
    assert_clean_error(code, err)
    assert "180,000 design points" in err


def test_a_value_outside_the_schema_in_a_design_point_names_the_point(tmp_path: Path) -> None:
    code, _out, err = drill_here(
        "sweep",
        "group-visit-50",
        "--vary",
        "incidents.buyers.size_people=100,20000",
        "--out",
        str(tmp_path / "o"),
    )
    assert_clean_error(code, err)
    assert err.startswith("--vary incidents.buyers.size_people") and "20000" in err


@pytest.mark.parametrize("command", ["run", "sweep", "evaluate", "staff", "play"])
def test_seeds_beyond_64_bits_are_refused_the_same_way_everywhere(command: str, tmp_path: Path) -> None:
    target = "city" if command == "evaluate" else "group-visit-50"
    code, _out, err = drill_here(command, target, "--seed", str(MAX_SEED + 1))
    assert_clean_error(code, err)
    assert "0<=x<=9223372036854775807" in err


def test_the_largest_seed_works_in_run_and_sweep(tmp_path: Path) -> None:
    code, out, err = drill_here("run", "group-visit-50", "--seed", str(MAX_SEED), "--json")
    assert code == 0, err
    assert json.loads(out)["seed"] == MAX_SEED
    code, _out, err = drill_here(
        "sweep", "group-visit-50", "--seed", str(MAX_SEED), "--reps", "1", "--executor", "serial",
        "--out", str(tmp_path / "s"), "--quiet", "--no-plots",
    )  # fmt: skip
    assert code == 0, err
    import pandas as pd

    assert pd.read_parquet(tmp_path / "s" / "runs.parquet")["master_seed"].tolist() == [MAX_SEED]


def test_replications_and_executors_have_ceilings(tmp_path: Path) -> None:
    code, _out, err = drill_here("sweep", "group-visit-50", "--reps", "1000001")
    assert_clean_error(code, err)
    code, _out, err = drill_here(
        "sweep", "group-visit-50", "--executor", "local:100000", "--reps", "1", "--out", str(tmp_path / "o")
    )
    assert_clean_error(code, err)
    assert "at most" in err and "local worker processes" in err
    assert not (tmp_path / "o").exists()


# --- outputs that cannot be written ------------------------------------------------------------


def test_output_into_proc_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    for args in (
        ["run", "group-visit-50", "--journal", "/proc/drill.jsonl"],
        ["run", "group-visit-50", "--log", "/proc/events.jsonl"],
        ["schema", "--out", "/proc/schemas"],
    ):
        code, _out, err = drill_here(*args)
        assert_clean_error(code, err)
        assert "/proc/" in err


def test_writing_over_a_device_is_refused(tmp_path: Path) -> None:
    code, _out, err = drill_here("run", "group-visit-50", "--log", "/dev/full")
    assert_clean_error(code, err)
    assert "a device" in err


def test_a_full_standard_output_is_the_environments_failure() -> None:
    with open("/dev/full", "w") as full:
        import subprocess

        from cli_helpers import DRILL

        out = subprocess.run([*DRILL, "list"], stdout=full, stderr=subprocess.PIPE, timeout=120, check=False)
    err = out.stderr.decode("utf-8", "replace")
    assert out.returncode == 1, err
    assert "no space left" in err and "Traceback" not in err


def test_a_journal_path_in_a_file_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, _out, err = drill_here("run", "group-visit-50", "--journal", str(tmp_path / "file" / "j.jsonl"))
    assert_clean_error(code, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


needs_mount = pytest.mark.skipif(not can_mount(), reason="needs root and unshare -m (private tmpfs mounts)")


@needs_mount
def test_a_full_disk_leaves_nothing_behind_and_a_retry_works(tmp_path: Path) -> None:
    """On a full 2 MB tmpfs the journal, the report and the sweep each fail with
    'no space left' (exit 1) and leave nothing — not even an empty journal that
    would make the retry 'already exist'. With room for the journal but not the
    event log, the half-done run removes its journal too. Once space is freed
    the very same commands succeed."""
    journal = make_journal(tmp_path / "j.jsonl")
    disk = tmp_path / "disk"
    errors = tmp_path / "err.txt"  # outside the full disk
    script = f"""
cd '{disk}'
dd if=/dev/zero of=filler bs=4k status=none 2>/dev/null
for args in "run group-visit-50 --journal j.jsonl" "report {journal} --format docx --reps 1 --out r.docx" "sweep group-visit-50 --reps 4 --executor serial --out sw --quiet"; do
  DRILL $args >/dev/null 2>'{errors}'; echo "rc=$? $(tr '\\n' ' ' < '{errors}')"
  echo "left: $(ls -A | tr '\\n' ' ')"
done
rm filler
dd if=/dev/zero of=filler bs=4k count=506 status=none
DRILL run group-visit-50 --journal j.jsonl --log events.jsonl >/dev/null 2>'{errors}'; echo "rc=$? $(tr '\\n' ' ' < '{errors}')"
echo "left: $(ls -A | tr '\\n' ' ')"
rm filler
DRILL run group-visit-50 --journal j.jsonl --log events.jsonl > /dev/null; echo "retry=$?"
DRILL report {journal} --format docx --reps 1 --out r.docx > /dev/null 2>&1; echo "retry=$?"
ls -A
"""
    code, out, err = in_private_mount(disk, script)
    assert code == 0, err
    lines = out.splitlines()
    for n in range(4):
        rc, left = lines[2 * n], lines[2 * n + 1]
        assert rc.startswith("rc=1 "), rc
        assert "no space left" in rc and "Traceback" not in rc and "internal error" not in rc
        assert left.split() == ["left:", "filler"], left
    assert lines[8:10] == ["retry=0", "retry=0"]
    assert set(lines[10:]) == {"j.jsonl", "events.jsonl", "r.docx"}


@needs_mount
def test_a_read_only_folder_is_the_users_error(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j.jsonl")
    ro = tmp_path / "ro"
    errors = tmp_path / "err.txt"
    script = f"""
for args in "run group-visit-50 --journal '{ro}/j.jsonl'" "report {journal} --reps 1 --out '{ro}/r.html' --format html" "sweep group-visit-50 --reps 2 --executor serial --out '{ro}/sw'" "schema --out '{ro}/s'"; do
  eval DRILL $args >/dev/null 2>'{errors}'; echo "rc=$? $(tr '\\n' ' ' < '{errors}')"
done
"""
    code, out, err = in_private_mount(ro, script, readonly=True)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 4
    for line in lines:
        assert line.startswith("rc=2 ") and "read-only" in line and "Traceback" not in line, line


# --- terminals that cannot show every character -----------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
    ],
    ids=["ascii", "C-locale"],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_ascii_terminal_never_crashes(env: dict[str, str], lang: str) -> None:
    code, out, err = drill("run", "group-visit-50", "--lang", lang, env=env)
    assert code == 0, err
    assert "Traceback" not in err
    assert "seed 1" in out or "种子" in out or "\\u79cd" in out


def test_a_journal_named_in_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"drill-\xff.jsonl")
    journal = make_journal(tmp_path / name)
    code, _out, err = drill("report", str(journal), "--format", "html", "--reps", "1")
    assert code == 0, err
    report = tmp_path / os.fsdecode(b"drill-\xff-report-en.html")
    assert report.exists()
    assert "drill-\ufffd.jsonl" in report.read_text(encoding="utf-8")
    code, _out, err = drill("replay", str(journal))
    assert code == 0, err
