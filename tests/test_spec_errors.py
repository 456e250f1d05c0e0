"""What ``drill validate`` says about a bad file: one line per problem,
``file:line field.path: message``, exit status 2, no traceback, and the file
left as it was.

Each bad file is a shipped file with one small edit, written into a temporary
folder, so that the line numbers point where a person would have to look.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from sim.cli import main_group
from sim.cli.base import run_cli
from sim.spec import load_plan, shipped_plan_ids

DATA = Path(__file__).resolve().parents[1] / "scenarios"
CITY = (DATA / "plans" / "city.yaml").read_text(encoding="utf-8")
GROUP_VISIT = (DATA / "group-visit-50.yaml").read_text(encoding="utf-8")
EXTREME = (DATA / "extreme-individual.yaml").read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old`` (fails loudly if the shipped file changed)."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the shipped file"
    return text.replace(old, new)


def line_of(text: str, line: str, occurrence: int = 1) -> int:
    """1-based number of the ``occurrence``-th line that starts with ``line``."""
    seen = 0
    for number, content in enumerate(text.splitlines(), start=1):
        if content.startswith(line):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"no line starting with {line!r}")


def _listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def validate(folder: Path, relpath: str, content: str | bytes, capsys) -> tuple[int, list[str], str]:
    """Write ``content`` to ``folder/relpath`` and run ``drill validate`` on it from ``folder``."""
    path = folder / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = _listing(folder)
    code = run_cli(main_group, ["validate", relpath])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert _listing(folder) == before, "validating a file must not change anything"
    return code, captured.err.splitlines(), captured.out


@pytest.fixture
def workdir(tmp_path, tmp_path_factory, monkeypatch):
    """A scratch folder, made the current directory so that messages show short paths.

    Crash reports (written on an internal error) go to a folder of their own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("crash-reports")))
    return tmp_path


# --- one case per kind of mistake ----------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    relpath: str  # where the bad file is written
    content: str | bytes
    message: str  # the exact line drill prints


def _city_case(name: str, old: str, new: str, at: str, path: str, message: str, occurrence: int = 1) -> Case:
    text = edit(CITY, old, new)
    return Case(
        name, "plans/city.yaml", text, f"plans/city.yaml:{line_of(text, at, occurrence)} {path}: {message}"
    )


def _scenario_case(
    name: str, base: str, file: str, old: str, new: str, at: str, path: str, message: str
) -> Case:
    text = edit(base, old, new)
    return Case(name, file, text, f"{file}:{line_of(text, at)} {path}: {message}")


def _has(names) -> str:
    return ", ".join(sorted(names))


_city = load_plan("city")
_GBK_TITLE = GROUP_VISIT.encode("utf-8").replace("工作日上午".encode(), "工作日上午".encode("gbk"))
_HUGE = GROUP_VISIT + "# " + "x" * 600_000 + "\n"

CASES = [
    _city_case(
        "unknown key",
        "    size_people: 12\n",
        "    size_people: 12\n    nickname: front desk\n",
        "    nickname:",
        "teams.reception.nickname",
        "unknown key",
    ),
    _city_case(
        "missing key",
        "    size_people: 12\n",
        "",
        "  reception:",
        "teams.reception.size_people",
        "missing required key",
    ),
    _city_case(
        "wrong type",
        "    size_people: 12\n",
        "    size_people: twelve\n",
        "    size_people: twelve",
        "teams.reception.size_people",
        "input should be a valid integer, unable to parse string as an integer, got 'twelve'",
    ),
    _city_case(
        "negative size",
        "    size_people: 12\n",
        "    size_people: -5\n",
        "    size_people: -5",
        "teams.reception.size_people",
        "input should be greater than or equal to 1, got -5",
    ),
    _city_case(
        "more on duty than the team has",
        "    on_duty_people: 4\n",
        "    on_duty_people: 40\n",
        "  reception:",
        "teams.reception",
        "on_duty_people (40) exceeds size_people (12)",
    ),
    _city_case(
        "assumed without a reason",
        "    reason: the seed names the group and its three channels but not its size or call-in times\n",
        "",
        "  reception:",
        "teams.reception",
        "assumed: true needs a one-line reason",
    ),
    _city_case(
        "unknown distribution",
        "    call_in_min: {dist: lognormal, median: 25, sigma: 0.4, low: 10}\n",
        "    call_in_min: {dist: gamma, shape: 2, scale: 12}\n",
        "    call_in_min: {dist: gamma",
        "teams.reception.call_in_min",
        "'dist' must be one of 'fixed', 'uniform', 'triangular', 'exponential', 'lognormal'",
    ),
    _city_case(
        "channel served by an unknown team",
        "    team: reception\n    service_min: {dist: exponential, mean: 12}\n",
        "    team: front_desk\n    service_min: {dist: exponential, mean: 12}\n",
        "    team: front_desk",
        "channels.policy_answers.team",
        f"names team 'front_desk', which the plan does not have (has: {_has(_city.teams)})",
    ),
    _city_case(
        "milestone naming a missing official",
        "measure: {kind: official_on_site, official: leader}",
        "measure: {kind: official_on_site, official: mayor}",
        "        measure: {kind: official_on_site, official: mayor}",
        "levels.IV.milestones[0].measure.official",
        f"names official 'mayor', which the plan does not have (has: {_has(_city.officials)})",
    ),
    _city_case(
        "milestone id used twice",
        "      - id: reply_60\n",
        "      - id: leader_30\n",
        "      - id: leader_30",
        "levels.IV.milestones[1].id",
        "milestone id 'leader_30' is used twice",
        occurrence=2,
    ),
    _city_case(
        "key repeated in a mapping",
        'source: "002 §三"\n',
        'source: "002 §三"\nsource: "002 §四"\n',
        'source: "002 §四"',
        "source",
        "key appears twice in the same mapping",
    ),
    Case(
        "plan id differs from the file name",
        "plans/metro.yaml",
        CITY,
        f"plans/metro.yaml:{line_of(CITY, 'id: city')} id: plan id 'city' must match the file name 'metro'",
    ),
    _scenario_case(
        "scenario naming a missing plan",
        GROUP_VISIT,
        "group-visit-50.yaml",
        "default_plan: city\n",
        "default_plan: village\n",
        "default_plan:",
        "default_plan",
        f"names plan 'village', which was not found (known plans: {', '.join(shipped_plan_ids())})",
    ),
    _scenario_case(
        "location the plan does not have",
        GROUP_VISIT,
        "group-visit-50.yaml",
        "    location: gate\n",
        "    location: plaza\n",
        "    location: plaza",
        "incidents[0].location",
        "location 'plaza' is not a venue or site of plan city "
        f"(has: {_has(set(_city.venues) | set(_city.sites))})",
    ),
    _scenario_case(
        "inject after the horizon",
        GROUP_VISIT,
        "group-visit-50.yaml",
        "  - at_min: 90\n",
        "  - at_min: 900\n",
        "  - at_min: 900",
        "injects[3].at_min",
        "falls after the horizon (360 min)",
    ),
    _scenario_case(
        "inject effect on the wrong kind of incident",
        EXTREME,
        "extreme-individual.yaml",
        "effect: {kind: heat_spike, incident: stream_heat, events: 200}",
        "effect: {kind: heat_spike, incident: man_at_gate, events: 200}",
        "    effect: {kind: heat_spike, incident: man_at_gate",
        "injects[3].effect.incident",
        "heat_spike needs an incident of kind online_topic; 'man_at_gate' is extreme_individual",
    ),
    _scenario_case(
        "wall clock without the T",
        GROUP_VISIT,
        "group-visit-50.yaml",
        'wall_start: "2026-03-02T08:30"',
        'wall_start: "2026-03-02 08:30"',
        "wall_start:",
        "wall_start",
        "must look like 2026-03-02T08:30, got '2026-03-02 08:30'",
    ),
    _scenario_case(
        "unknown incident kind",
        GROUP_VISIT,
        "group-visit-50.yaml",
        "  - kind: group_visit\n",
        "  - kind: riot\n",
        "  - kind: riot",
        "incidents[0]",
        "'kind' must be one of 'group_visit', 'extreme_individual', 'online_topic', 'site_emergency', 'petition_surge'",
    ),
    Case(
        "YAML syntax error (reported where the parser gives up)",
        "group-visit-50.yaml",
        edit(GROUP_VISIT, "compatible_plans: []", "compatible_plans: ["),
        f"group-visit-50.yaml:{line_of(GROUP_VISIT, 'horizon_min:')}: "
        "YAML syntax: while parsing a flow sequence: expected ',' or ']', but got '<scalar>' "
        f"(it began on line {line_of(GROUP_VISIT, 'compatible_plans:')})",
    ),
    Case(
        "Python object tag refused by the safe loader",
        "group-visit-50.yaml",
        edit(GROUP_VISIT, "id: group-visit-50", 'id: !!python/object/apply:os.system ["touch pwned"]'),
        f"group-visit-50.yaml:{line_of(GROUP_VISIT, 'id:')}: YAML syntax: could not determine a constructor "
        "for the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    Case(
        "file too large",
        "group-visit-50.yaml",
        _HUGE,
        f"group-visit-50.yaml: file is {len(_HUGE.encode()):,} bytes; the limit is {512 * 1024:,}",
    ),
    Case(
        "not UTF-8 (saved as GBK)",
        "group-visit-50.yaml",
        _GBK_TITLE,
        f"group-visit-50.yaml:{line_of(GROUP_VISIT, '  zh: 50人以上集体访')}: file is not valid UTF-8",
    ),
    Case("empty file", "group-visit-50.yaml", "# nothing here yet\n", "group-visit-50.yaml: file is empty"),
    Case(
        "top level not a mapping",
        "group-visit-50.yaml",
        "- id: group-visit-50\n- title: a list, not a mapping\n",
        "group-visit-50.yaml:1: the top level must be a mapping, got list",
    ),
]


def test_at_least_twelve_kinds_of_mistake_are_covered():
    """The table below is the manual of what drill validate reports."""
    assert len({c.name for c in CASES}) == len(CASES) >= 12


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_file_gives_one_exact_message_and_exit_status_2(case, workdir, capsys):
    """drill validate prints the problem as file:line field: message, then the tally, and exits 2."""
    code, err, out = validate(workdir, case.relpath, case.content, capsys)
    assert code == 2
    assert err == [case.message, "0 of 1 files valid"]
    assert out == ""


def test_python_tag_runs_nothing(workdir, capsys):
    """A tag that would call os.system under an unsafe loader creates no file."""
    text = edit(GROUP_VISIT, "id: group-visit-50", 'id: !!python/object/apply:os.system ["touch pwned"]')
    code, _, _ = validate(workdir, "group-visit-50.yaml", text, capsys)
    assert code == 2
    assert not (workdir / "pwned").exists()


def test_every_problem_of_a_file_is_reported_in_line_order(workdir, capsys):
    """Two mistakes in one file give two lines, first line first."""
    text = edit(CITY, "    size_people: 12\n", "    size_people: -5\n")
    text = edit(text, "    capacity_people: 200\n", "    capacity_people: 0\n")
    code, err, _ = validate(workdir, "plans/city.yaml", text, capsys)
    assert code == 2
    assert err == [
        f"plans/city.yaml:{line_of(text, '    size_people: -5')} teams.reception.size_people: "
        "input should be greater than or equal to 1, got -5",
        f"plans/city.yaml:{line_of(text, '    capacity_people: 0')} venues.hall_b.capacity_people: "
        "input should be greater than or equal to 1, got 0",
        "0 of 1 files valid",
    ]


def test_a_bad_file_does_not_hide_the_good_ones(workdir, capsys):
    """Validating several files reports the bad one and counts the rest as valid."""
    (workdir / "plans").mkdir()
    (workdir / "plans" / "city.yaml").write_text(CITY, encoding="utf-8")
    (workdir / "group-visit-50.yaml").write_text(GROUP_VISIT, encoding="utf-8")
    bad = edit(GROUP_VISIT, "horizon_min: 360", "horizon_min: 0")
    (workdir / "broken.yaml").write_text(bad, encoding="utf-8")
    code = run_cli(main_group, ["validate", "plans/city.yaml", "group-visit-50.yaml", "broken.yaml"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err == [
        f"broken.yaml:{line_of(bad, 'horizon_min:')} horizon_min: input should be greater than 0, got 0",
        "2 of 3 files valid",
    ]


def test_deadline_shorter_than_the_fastest_arrival_is_a_warning(workdir, capsys):
    """A milestone nobody could meet still loads: a warning, exit status 0."""
    text = edit(
        CITY,
        '        deadline_min: 30\n        source: "002 §五(一)1"\n',
        '        deadline_min: 5\n        source: "002 §五(一)1"\n',
    )
    code, err, out = validate(workdir, "plans/city.yaml", text, capsys)
    assert code == 0
    assert err == [
        f"plans/city.yaml:{line_of(text, '        deadline_min: 5')} levels.IV.milestones[0].deadline_min: "
        "warning: deadline 5 min is shorter than the fastest arrival of leader (8 min)",
    ]
    assert out.splitlines() == ["1 of 1 files valid"]


def test_shipped_folder_validates(capsys):
    """drill validate on the shipped scenarios folder finds every file valid."""
    count = len(list(DATA.glob("*.yaml"))) + len(list((DATA / "plans").glob("*.yaml")))
    assert run_cli(main_group, ["validate", str(DATA)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines() == [f"{count} of {count} files valid"]


# --- characters and numbers YAML accepts but a data file must not hold ---


def test_control_character_is_reported(workdir, capsys):
    """A stray control character (here U+001F, as pasted from a PDF) is a problem with a line."""
    text = edit(GROUP_VISIT, "horizon_min: 360", "horizon_min: 360\x1f")
    code, err, _ = validate(workdir, "group-visit-50.yaml", text, capsys)
    assert code == 2
    assert err[0].startswith(f"group-visit-50.yaml:{line_of(text, 'horizon_min:')}")


def test_infinite_number_is_refused(workdir, capsys):
    """A number must be finite: .inf as a team's call-in time is an error."""
    text = edit(
        CITY,
        "    call_in_min: {dist: lognormal, median: 25, sigma: 0.4, low: 10}\n",
        "    call_in_min: {dist: uniform, low: 10, high: .inf}\n",
    )
    code, _, _ = validate(workdir, "plans/city.yaml", text, capsys)
    assert code == 2
