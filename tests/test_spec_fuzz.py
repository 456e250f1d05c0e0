"""Whatever is in a data file, loading it either succeeds or raises SpecError
with file-located problems: never another exception (which the CLI would turn
into an internal error instead of a message the author can act on).

The inputs are the shipped files with random damage: lines deleted, repeated or
swapped, numbers replaced with other numbers or words, stray characters typed
in, the file cut short.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.spec import SpecError, load_plan_file, load_scenario_file
from sim.spec.loader import load_plan_file as _load_plan

DATA = Path(__file__).resolve().parents[1] / "scenarios"
PLAN_FILES = sorted((DATA / "plans").glob("*.yaml"))
SCENARIO_FILES = sorted(DATA.glob("*.yaml"))
SHIPPED_PLANS = {p.stem: _load_plan(p)[0] for p in PLAN_FILES}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

FUZZ = settings(
    max_examples=75,
    deadline=None,
    derandomize=True,  # the same inputs on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.too_slow],
)

index = st.integers(min_value=0, max_value=10**6)
# Any character but lone surrogates (which cannot be written as UTF-8 at all):
# control characters must come back as the loader's own error too.
printable = st.characters(blacklist_categories=("Cs",))
junk = st.one_of(
    st.text(printable, max_size=12),
    st.sampled_from(
        ["{", "]", ": ", "- ", "&a ", "*a", "!!python/object:os.system", "\t", "'", '"', "#", "~", "null"]
    ),
)
replacement = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from([".inf", "-.nan", "1e400", "0x1F", "yes", "[]", "{}", "''", "2026-03-02", "-0"]),
    st.text(printable, max_size=8),
)
mutation = st.one_of(
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("duplicate"), index),
    st.tuples(st.just("swap"), index, index),
    st.tuples(st.just("number"), index, replacement),
    st.tuples(st.just("insert"), index, junk),
    st.tuples(st.just("truncate"), index),
)


def damage(text: str, mutations: list[tuple]) -> str:
    lines = text.splitlines(keepends=True)
    for op, *args in mutations:
        if not lines:
            break
        i = args[0] % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = args[1] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "number":
            numbers = list(NUMBER.finditer(lines[i]))
            if numbers:
                m = numbers[args[0] % len(numbers)]
                lines[i] = lines[i][: m.start()] + args[1] + lines[i][m.end() :]
        elif op == "insert":
            at = args[0] % (len(lines[i]) + 1)
            lines[i] = lines[i][:at] + args[1] + lines[i][at:]
        elif op == "truncate":
            whole = "".join(lines)
            lines = whole[: args[0] % (len(whole) + 1)].splitlines(keepends=True)
    return "".join(lines)


def _check(source: Path, mutations: list[tuple], load) -> None:
    text = damage(source.read_text(encoding="utf-8"), mutations)
    # a fresh folder for every example: the plan cache keys on path, size and mtime
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / source.parent.name / source.name
        target.parent.mkdir()
        target.write_text(text, encoding="utf-8")
        try:
            load(target)
        except SpecError as exc:
            assert exc.problems, "a SpecError must carry at least one problem"
            for problem in exc.problems:
                assert str(problem).startswith(str(target)), str(problem)
                assert problem.message


@FUZZ
@given(source=st.sampled_from(PLAN_FILES), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_damaged_plan_loads_or_raises_spec_error(source, mutations):
    """A damaged plan file never raises anything but SpecError."""
    _check(source, mutations, load_plan_file)


@FUZZ
@given(source=st.sampled_from(SCENARIO_FILES), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_damaged_scenario_loads_or_raises_spec_error(source, mutations):
    """A damaged scenario file never raises anything but SpecError."""
    _check(source, mutations, lambda path: load_scenario_file(path, plans=SHIPPED_PLANS))
