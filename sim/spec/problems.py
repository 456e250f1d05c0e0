"""Problems found in a data file, and the error that carries them.

A problem names the file, the line, the field path and what is wrong, the way
a compiler would: ``scenarios/foo.yaml:14 incidents[0].size_people: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.path}:" if self.path else ":"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}{field} {prefix}{self.message}"


class SpecError(Exception):
    """One or more errors in data files; ``str()`` lists them one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def format_path(parts: tuple[object, ...]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
