"""A random token per seat: whoever holds a seat's token sits there.

Tokens are kept beside the journal (``<journal>.seats.json``, readable by its
owner only) so a host resumed from its journal takes the same join commands.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path


def new_tokens(seats: list[str]) -> dict[str, str]:
    return {seat: secrets.token_hex(16) for seat in seats}  # hex: never starts with '-' on a command line


def token_ok(tokens: dict[str, str], seat: str, token: str) -> bool:
    """Constant-time comparison; an unknown seat never matches."""
    expected = tokens.get(seat)
    given = token.encode("utf-8")
    if expected is None:
        hmac.compare_digest(given, given)  # same work either way
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given)


def tokens_path(journal: Path) -> Path:
    return journal.with_name(journal.name + ".seats.json")


def save_tokens(journal: Path, tokens: dict[str, str]) -> Path:
    """Written atomically (temporary file, fsync, rename), mode 0600."""
    path = tokens_path(journal)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".seats-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(tokens, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_tokens(journal: Path) -> dict[str, str] | None:
    path = tokens_path(journal)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return None
    return data
