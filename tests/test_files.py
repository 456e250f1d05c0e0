"""sim.files: inputs are read only from regular files (a named pipe is refused
at once, not waited on), outputs appear whole or not at all."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from sim.files import (
    EXIT_USER,
    InputError,
    OutputError,
    atomic_output,
    atomic_write,
    display,
    make_folders,
    read_regular,
    remove_folders,
    text_safe,
)


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    done = threading.Event()
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_regular(fifo, 1000, "journal")
        except BaseException as exc:
            outcome.append(exc)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    # no writer ever opens the pipe: a plain open() would block here forever
    assert done.wait(timeout=30), "reading a named pipe blocked"
    assert isinstance(outcome[0], InputError)
    assert "a named pipe, not a journal" in str(outcome[0])


@pytest.mark.parametrize(
    ("make", "kind"),
    [(lambda p: p.mkdir(), "a folder"), (lambda p: None, "no such file")],
)
def test_folders_and_missing_files_are_refused(tmp_path: Path, make, kind) -> None:
    path = tmp_path / "x.yaml"
    make(path)
    with pytest.raises(InputError, match=kind):
        read_regular(path, 1000)


def test_a_device_is_refused() -> None:
    with pytest.raises(InputError, match="a device"):
        read_regular("/dev/zero", 1000)  # would otherwise read forever


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 2001)
    with pytest.raises(InputError, match="2,001 bytes; the limit is 2,000"):
        read_regular(path, 2000)
    assert read_regular(path, 2001) == b"x" * 2001


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target, "w") as fh:
        fh.write("half of a new rep")
        raise RuntimeError("killed mid-write")
    assert target.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_the_new_file_replaces_the_old_one_whole(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_exclusive_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "j.jsonl"
    atomic_write(target, "first", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic_write(target, "second", exclusive=True)
    assert target.read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.jsonl"]


def test_writing_over_a_device_or_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="a device") as info:
        atomic_write("/dev/full", "x")
    assert info.value.exit_code == EXIT_USER
    (tmp_path / "d").mkdir()
    with pytest.raises(OutputError, match="a folder"):
        atomic_write(tmp_path / "d", "x")


def test_a_stale_temporary_of_a_killed_writer_is_removed(tmp_path: Path) -> None:
    target = tmp_path / "r.docx"
    stale = tmp_path / f".r.docx.{2**22 + 12345}.0.tmp"  # no such process
    stale.write_bytes(b"half")
    atomic_write(target, b"whole")
    assert not stale.exists() and target.read_bytes() == b"whole"


def test_make_folders_creates_and_removes_only_what_it_made(tmp_path: Path) -> None:
    made = make_folders(tmp_path / "a" / "b" / "c")
    assert made == [tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"]
    remove_folders(made)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        make_folders(tmp_path / "file" / "sub")
    assert info.value.exit_code == EXIT_USER
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_proc_is_refused_as_the_users_error() -> None:
    with pytest.raises(OutputError) as info:
        atomic_write("/proc/report.html", "x")
    assert info.value.exit_code == EXIT_USER


def test_undecodable_file_names_print_and_write() -> None:
    name = os.fsdecode(b"drill-\xff.jsonl")
    assert display(name) == "drill-\ufffd.jsonl"
    assert text_safe(f"journal {name}") == "journal drill-\ufffd.jsonl"
