"""Reading inputs safely and writing outputs atomically: the one place every
file the project reads or writes goes through.

Reading (``read_regular``): only regular files are read. A named pipe, a
socket, a device or a folder given where a file belongs is refused with a
message instead of blocking forever on ``open()`` or reading an endless
stream; a size limit is checked on the open file.

Writing (``atomic_write``, ``atomic_output``): the data goes to a temporary
file in the same folder, is flushed and fsynced, and is then renamed over the
target, and the folder is fsynced so the rename itself survives a power cut.
A reader, or a process killed at any moment, sees the old file or the new one,
never a truncated mix; on any failure the temporary file is removed and the
old file is left as it was. ``create_exclusive`` does the same for a file that
must not exist yet (a journal): the complete first content appears at once
or not at all, and an existing file is never replaced.

Failures are raised as ``OutputError`` / ``InputError`` carrying the path and
a plain reason, and whether the cause is the user's (a path that cannot be
written: exit status 2) or the machine's (disk full, I/O error: exit status 1).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, overload

from .errors import UserFacing

# errno values that mean the machine failed, not that the user asked for something impossible
ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.ENOMEM, errno.EFBIG, errno.EMFILE, errno.ENFILE}
)

EXIT_USER = 2
EXIT_ENVIRONMENT = 1


def display(path: str | os.PathLike[str]) -> str:
    """A path as text that can always be printed or written into a UTF-8 file:
    bytes of a file name that are not UTF-8 are shown as U+FFFD."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", errors="replace")


def text_safe(text: str) -> str:
    """Text that encodes as UTF-8: characters smuggled in from undecodable bytes
    (a file name that is not UTF-8) become U+FFFD instead of failing the write."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "replace").decode("utf-8")


def reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EDQUOT:
        return "disk quota exceeded"
    if exc.errno in (errno.EROFS,):
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    if exc.errno == errno.EXDEV:
        return "cannot rename across file systems"
    return exc.strerror or str(exc)


class FileProblem(UserFacing, OSError):
    """A file that cannot be read or written; ``str()`` is the message for the user.
    Also an OSError, so code that handles file errors in general handles it."""

    def __init__(self, path: str | os.PathLike[str], message: str, exit_code: int = EXIT_USER):
        self.path = Path(path)
        self.message = message
        self.exit_code = exit_code
        Exception.__init__(self, f"{display(path)}: {message}")

    def __str__(self) -> str:
        return str(self.args[0])


class InputError(FileProblem):
    """An input that is not a readable regular file (or is too large)."""


class OutputError(FileProblem):
    """An output that could not be written; nothing was left behind."""

    @classmethod
    def of(cls, path: str | os.PathLike[str], exc: OSError, doing: str = "cannot write") -> OutputError:
        code = EXIT_ENVIRONMENT if exc.errno in ENVIRONMENT_ERRNOS else EXIT_USER
        return cls(path, f"{doing} ({reason(exc)})", code)


# --- reading -----------------------------------------------------------------------------


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_regular(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or ``InputError``.

    The file is opened without blocking (a FIFO opened for reading would
    otherwise wait for a writer forever), then checked on the open descriptor,
    so nothing can be swapped in between the check and the read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(path, f"cannot read {what} ({reason(exc)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(path, f"{_kind(st.st_mode)}, not a {what}; give a regular file")
        if st.st_size > limit:
            raise InputError(path, f"{what} is {st.st_size:,} bytes; the limit is {limit:,}")
        os.set_blocking(fd, True)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # grew while we read it
                raise InputError(path, f"{what} is larger than the limit of {limit:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    except FileProblem:
        raise
    except OSError as exc:
        raise InputError(path, f"cannot read {what} ({reason(exc)})") from None
    finally:
        os.close(fd)


def is_regular(path: str | os.PathLike[str]) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


# --- writing ------------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some file systems do not let a folder be opened; the rename is done anyway
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_target(path: Path) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError.of(path, exc) from None
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(path, f"{_kind(st.st_mode)}; give the path of a regular file to write")


def _temp_for(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path`` (same folder, so the rename is atomic)."""
    folder = path.parent
    for n in range(100):
        tmp = folder / f".{path.name}.{os.getpid()}.{n}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError.of(path, exc) from None
        return fd, tmp
    raise OutputError(path, "cannot create a temporary file beside it")


def _remove_stale(path: Path) -> None:
    """Temporary files of this target left by a process that was killed."""
    try:
        candidates = list(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return
    for tmp in candidates:
        parts = tmp.name[len(path.name) + 2 :].split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        pid = int(parts[0])
        if pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@overload
def atomic_output(
    path: str | os.PathLike[str], mode: Literal["wb"] = "wb", exclusive: bool = False
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
@overload
def atomic_output(
    path: str | os.PathLike[str], mode: Literal["w"], exclusive: bool = False
) -> contextlib.AbstractContextManager[IO[str]]: ...


def atomic_output(path, mode="wb", exclusive=False):  # type: ignore[no-untyped-def]
    """``with atomic_output(path) as fh: fh.write(...)``: the file appears whole
    on leaving the block, or not at all if the block raises.

    ``exclusive``: refuse (FileExistsError) if ``path`` exists, and never
    replace one created meanwhile (the temporary file is hard-linked into place)."""
    return _atomic_output(Path(path), mode, exclusive)


@contextlib.contextmanager
def _atomic_output(path: Path, mode: str, exclusive: bool) -> Iterator[IO[bytes] | IO[str]]:
    if exclusive and os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, "already exists", str(path))
    _check_target(path)
    _remove_stale(path)
    fd, tmp = _temp_for(path)
    done = False
    try:
        if mode == "w":
            fh: IO[bytes] | IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="")
        else:
            fh = os.fdopen(fd, "wb")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if exclusive:
            os.link(tmp, path)  # fails, replacing nothing, if the path appeared meanwhile
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
        done = True
        _fsync_dir(path.parent)
    except (FileExistsError, FileProblem):
        raise
    except OSError as exc:
        raise OutputError.of(path, exc) from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def probe_output(path: str | os.PathLike[str]) -> None:
    """Check, before any long work, that ``path`` could be written: it is not a
    folder, pipe or device, and a file can be created beside it (or in the
    nearest folder that exists). Raises OutputError saying why not."""
    path = Path(path)
    _check_target(path)
    folder = path.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(path, f"{display(folder)} is not a folder")
    fd, tmp = _temp_for(folder / path.name)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def atomic_write(path: str | os.PathLike[str], data: bytes | str, exclusive: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; returns the path."""
    payload = text_safe(data).encode("utf-8") if isinstance(data, str) else data
    with atomic_output(path, "wb", exclusive=exclusive) as fh:
        fh.write(payload)
    return Path(path)


def make_folders(folder: str | os.PathLike[str]) -> list[Path]:
    """Create ``folder`` and any missing parents; returns those created (deepest
    last), so a command that fails later can remove them with ``remove_folders``.
    On failure nothing it created is left and ``OutputError`` says why."""
    folder = Path(folder)
    missing: list[Path] = []
    here = folder
    while not os.path.lexists(here) and here != here.parent:
        missing.append(here)
        here = here.parent
    created: list[Path] = []
    try:
        for path in reversed(missing):
            os.mkdir(path)
            created.append(path)
    except OSError as exc:
        remove_folders(created)
        raise OutputError.of(folder, exc, "cannot create the folder") from None
    if not folder.is_dir():
        raise OutputError(folder, "exists and is not a folder")
    return created


def remove_folders(created: list[Path]) -> None:
    """Remove folders ``make_folders`` created, if they are still empty."""
    for path in reversed(created):
        with contextlib.suppress(OSError):
            os.rmdir(path)


def append_line(fh: IO[str], line: str, path: str | os.PathLike[str]) -> None:
    """Append one line to an open log file and make it durable before returning."""
    try:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError.of(path, exc) from None
