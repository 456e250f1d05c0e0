"""One study per output folder at a time.

A sweep or an evaluation holds an exclusive lock (``fcntl.flock``) on
``DIR/.drill.lock`` for as long as it runs; a second one on the same folder
(or a second ``--resume``) is refused at once with a message naming the first:
its process id, host, start time and command. The kernel drops the lock when
the holder exits however it exits (even ``kill -9``), so a stale lock can
never block a resume.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import UserFacing
from ..files import OutputError, display

LOCK_NAME = ".drill.lock"


class FolderBusy(UserFacing):
    """Another study is writing into the same output folder."""


class FolderLock:
    def __init__(self, folder: Path, what: str = "study"):
        self.path = Path(folder) / LOCK_NAME
        self.what = what
        self.fd: int | None = None

    def __enter__(self) -> FolderLock:
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise OutputError.of(self.path, exc, "cannot create the lock file") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise FolderBusy(
                f"{display(self.path.parent)} is in use by another {holder.get('what', 'study')}"
                f" (pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started', '?')}"
                f": {holder.get('command', '?')}); wait for it to finish, or use another --out"
            ) from None
        except OSError as exc:
            os.close(fd)
            raise OutputError.of(self.path, exc, "cannot lock the folder") from None
        info = {
            "what": self.what,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "command": " ".join(["drill", *sys.argv[1:]]) if sys.argv else "drill",
        }
        data = json.dumps(info, ensure_ascii=False).encode("utf-8", errors="replace")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)
        except OSError:
            pass  # the lock holds even if the note about it cannot be written
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # releases the lock
            self.fd = None


def _holder(fd: int) -> dict[str, Any]:
    try:
        raw = os.pread(fd, 4096, 0)
        data = json.loads(raw.decode("utf-8", errors="replace"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
