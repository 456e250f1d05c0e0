"""The base of every error meant for the user rather than for a bug report.

``drill`` prints such an error as one line (``drill: <message>``) and exits with
its ``exit_code``: 2 when the input is wrong (arguments, files, paths given),
1 when the machine failed (disk full, an I/O error, a worker lost). Anything
else that escapes a command is a bug and is reported as an internal error.
Standard library only, so every layer may raise these.
"""

from __future__ import annotations


class UserFacing(Exception):
    """An error whose message says what is wrong and where; no traceback."""

    exit_code: int = 2
