"""Fuzzing the command line and the journal (hypothesis).

Whatever arguments any command gets — names, numbers at and beyond their
ceilings, text where numbers belong, paths to named pipes, devices, /proc,
folders, undecodable file names — and whatever a journal's fields hold, drill
answers 0 (done) or 2 (bad input, with a message): never an internal error,
never a traceback, never a hang (each example runs under an alarm).

The drill-playing UI (``drill play`` without errors, ``drill resume`` without
``--headless``) is left out: it would wait for a trainee."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import drill_here, make_journal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HANG_S = 240  # one example; far above any cheap command on a loaded machine


class Hang(BaseException):
    """Raised by the alarm: the example did not finish."""


@contextlib.contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def ring(_signum: int, _frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    """A folder to run in (default output paths land there), with the odd files in it."""
    with tempfile.TemporaryDirectory() as tmp:
        here = Path(tmp)
        before = Path.cwd()
        os.chdir(here)
        try:
            os.mkfifo(here / "pipe")
            (here / "folder").mkdir()
            (here / "file.txt").write_text("not yaml: [", encoding="utf-8")
            make_journal(here / "good.jsonl")
            yield here
        finally:
            os.chdir(before)


def check(args: list[str]) -> None:
    with alarm(HANG_S):
        code, _out, err = drill_here(*args)
    assert code in (0, 2), (args, code, err)
    assert "Traceback" not in err and "internal error" not in err, (args, err)
    if code == 2:
        assert err.strip(), args  # a refusal says why


# --- strategies -------------------------------------------------------------------------

NAMES = st.sampled_from(
    [
        "group-visit-50",
        "extreme-individual",
        "scheduled-reception",
        "no-such",
        "",
        "pipe",
        "folder",
        "file.txt",
        "/dev/zero",
        "/proc/self/status",
    ]
)
PLANS = st.sampled_from(["city", "unit", "no-such", "pipe", "folder", "file.txt", "/dev/null"])
NUMBERS = st.sampled_from(
    [
        "-1",
        "0",
        "1",
        "2",
        "1.5",
        "abc",
        "",
        "0x10",
        "nan",
        "inf",
        "1e12",
        str(2**63),
        str(2**63 - 1),
        "10000000",
    ]
)
SMALL = st.sampled_from(["-1", "0", "1", "2", "x", "1.5", "", "10000000"])
OUTPUTS = st.sampled_from(
    [
        "out-a",
        "out-b/deeper",
        "folder",
        "file.txt",
        "pipe",
        "/proc/drill-out",
        "/dev/full",
        "/dev/null",
        os.fsdecode(b"n\xff.out"),
    ]
)
PATHS = st.sampled_from(
    ["teams.reception.on_duty", "teams.reception.size", "officials.leader.arrival_min.mean", "officials.leader.arrival_min",
     "incidents.buyers.size_people", "incidents.buyers.size_people.mean", "scenario.horizon_min", "milestones.screen_5.deadline_min",
     "teams", "teams.nobody.x", "plan", "", "a..b", "levels.IV.milestones"]
)  # fmt: skip
SETS = st.builds(lambda p, v: f"{p}={v}", PATHS, NUMBERS) | st.sampled_from(
    ["=", "x", "teams.reception.on_duty"]
)
SPECS = st.sampled_from(
    [
        "1..2",
        "1..3:2",
        "2,3",
        "10.0..40.0",
        "0.1..0.2:1e-10",
        "1..1000000000",
        "3..1",
        "1..3:0",
        "a,b",
        "",
        "1,1",
        "abc..2",
        "5",
    ]
)
VARIES = st.builds(lambda p, s: f"{p}={s}", PATHS, SPECS) | st.sampled_from(["noequals", "=1..2"])
LANGS = st.sampled_from(["zh", "en", "fr"])
JOURNALS = st.sampled_from(["good.jsonl", "pipe", "folder", "missing.jsonl", "file.txt", "/dev/zero"])


def flag(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), values.map(lambda v: [name, v]))


def options(*parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    return st.tuples(*parts).map(lambda chunks: [a for c in chunks for a in c])


COMMANDS = st.one_of(
    options(st.just(["list"]), flag("--lang", LANGS)),
    options(st.just(["validate"]), st.lists(NAMES, min_size=1, max_size=3)),
    options(st.just(["schema"]), flag("--out", OUTPUTS)),
    options(
        st.just(["run"]), NAMES.map(lambda n: [n]), flag("--plan", PLANS), flag("--seed", NUMBERS),
        flag("--policy", st.sampled_from(["plan", "passive", "none"])), st.lists(SETS, max_size=2).map(lambda s: [a for x in s for a in ("--set", x)]),
        flag("--log", OUTPUTS), flag("--journal", OUTPUTS), st.sampled_from([[], ["--json"]]), flag("--lang", LANGS),
    ),
    options(
        st.just(["sweep"]), NAMES.map(lambda n: [n]), flag("--plan", PLANS), st.lists(VARIES, max_size=2).map(lambda s: [a for x in s for a in ("--vary", x)]),
        flag("--design", st.sampled_from(["grid", "lhs", "sobol", "salib-sobol", "salib-morris", "magic"])), flag("--points", SMALL),
        st.sampled_from([["--reps", "1"], ["--reps", "2"]]) | flag("--reps", SMALL), flag("--seed", NUMBERS),
        flag("--executor", st.sampled_from(["serial", "local:1", "local:0", "local:x", "local:100000", "threads", "serial:2"])),
        flag("--out", OUTPUTS), flag("--batch", SMALL), flag("--target", NUMBERS), st.sampled_from([["--no-plots"], []]),
        st.sampled_from([["--resume"], []]), st.just(["--quiet"]),
    ),
    options(
        st.just(["evaluate"]), PLANS.map(lambda n: [n]), flag("--scenarios", st.sampled_from(["group-visit-50", "all", "no-such", ",", ""])),
        st.sampled_from([["--reps", "1"], ["--reps", "2"]]) | flag("--reps", SMALL), flag("--seed", NUMBERS), flag("--target", NUMBERS),
        st.just(["--executor", "serial"]), flag("--out", OUTPUTS), st.sampled_from([["--resume"], []]), st.just(["--quiet"]),
    ),
    options(
        st.just(["staff"]), NAMES.map(lambda n: [n]), flag("--target", NUMBERS), flag("--roles", st.sampled_from(["reception", "nobody", ",", ""])),
        st.just(["--max-reps", "2", "--step", "1"]), flag("--seed", NUMBERS), st.just(["--executor", "serial"]),
    ),
    options(st.just(["replay"]), JOURNALS.map(lambda j: [j]), flag("--log", OUTPUTS), st.sampled_from([["--force"], []])),
    options(st.just(["resume"]), JOURNALS.map(lambda j: [j]), st.just(["--headless"]), st.sampled_from([["--force"], []])),
    options(st.just(["compare"]), JOURNALS.map(lambda j: [j]), st.just(["--reps"]), st.sampled_from(["1", "0", "-1", "x", "10000000"]).map(lambda r: [r])),
    options(
        st.just(["report"]), JOURNALS.map(lambda j: [j]), flag("--format", st.sampled_from(["md", "html", "docx", "pdf"])),
        flag("--out", OUTPUTS), st.just(["--reps"]), st.sampled_from(["1", "0", "x"]).map(lambda r: [r]),
    ),
    options(st.just(["play"]), st.sampled_from([["--seed", "-1"], ["--seed", str(2**63)], ["no-such"], ["--plan", "city"], ["--resume", "pipe"], ["--resume", "folder"], ["--journal", "good.jsonl"]])),
)  # fmt: skip


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(args=COMMANDS)
def test_no_arguments_make_any_command_fail_unclearly(args: list[str]) -> None:
    with workdir():
        check(args)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=COMMANDS)
def test_no_arguments_make_any_command_fail_unclearly_quick(args: list[str]) -> None:
    with workdir():
        check(args)


# --- journal fields --------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=12) | st.sampled_from(["IV", "ZZZ", "leader", "reception", "buyers", "hall_b", "join"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


@st.composite
def mutated_journals(draw: st.DrawFn, lines: list[dict]) -> str:
    records = json.loads(json.dumps(lines))
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(0, len(records) - 1))
        target = records[n]
        if n and isinstance(target.get("decision"), dict) and draw(st.booleans()):
            target = target["decision"]
        key = draw(st.sampled_from([*sorted(target), "extra", "t", "seed", "kind"]))
        action = draw(st.sampled_from(["set", "delete", "nan"]))
        if action == "delete":
            target.pop(key, None)
        elif action == "set":
            target[key] = draw(JSON_VALUES)
        else:
            target[key] = "__NAN__"
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return text.replace('"__NAN__"', draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999"])))


_GOOD: list[dict] = []


def _good_lines() -> list[dict]:
    if not _GOOD:
        with tempfile.TemporaryDirectory() as tmp:
            path = make_journal(Path(tmp) / "g.jsonl")
            _GOOD.extend(json.loads(x) for x in path.read_text(encoding="utf-8").splitlines())
    return _GOOD


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_journal_field_makes_a_reader_fail_unclearly(data: st.DataObject) -> None:
    text = data.draw(mutated_journals(_good_lines()))
    reader = data.draw(st.sampled_from([["replay"], ["resume", "--headless"], ["compare", "--reps", "1"]]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "j.jsonl"
        path.write_text(text, encoding="utf-8")
        check([reader[0], str(path), *reader[1:]])
