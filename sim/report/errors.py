"""What can stop a report that the user can fix (a missing font, say)."""

from __future__ import annotations


class ReportError(Exception):
    """The report cannot be written as asked; the message says why and what to do."""
