"""The command group, shared options, and the one place user-facing errors
are turned into messages and exit codes (no traceback reaches a user)."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import UserFacing
from ..files import ENVIRONMENT_ERRNOS, OutputError, atomic_write, display, reason
from ..lang import LANGS, default_lang
from ..spec.limits import MAX_REPLICATIONS, MAX_SEED
from ..spec.problems import SpecError

EXIT_USAGE = 2  # bad input: data files, arguments (click uses 2 as well)
EXIT_FAIL = 1

# Seeds are 64-bit signed integers in every table and journal; the same range everywhere.
SEED = click.IntRange(0, MAX_SEED)
REPS = click.IntRange(1, MAX_REPLICATIONS)


class UserError(UserFacing):
    """A problem the user can fix; printed as one line, exit status 2."""


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Language of labels and messages (default: DRILL_LANG, then the locale).",
)
@click.version_option(package_name="petition-drill")
@click.pass_context
def main_group(ctx: click.Context, lang: str | None) -> None:
    """信访应急预案桌面推演 · Tabletop drills for petition-reception emergency plans."""
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang or default_lang()


F = TypeVar("F", bound=Callable[..., Any])


def lang_option(func: F) -> F:
    """``--lang`` accepted after the subcommand too (``drill run X --lang zh``)."""
    return click.option(
        "--lang", "sub_lang", type=click.Choice(LANGS), default=None, help="Language (zh or en)."
    )(func)


def pick_lang(ctx: click.Context, sub_lang: str | None) -> str:
    if sub_lang:
        return sub_lang
    root = ctx.find_root()
    return (root.obj or {}).get("lang") or default_lang()


def print_problems(problems: list[Any], stream: Any = None) -> None:
    out = stream or sys.stderr
    for problem in problems:
        print(str(problem), file=out)


def _ascii_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Encoding errors on a terminal that cannot show a character (an ASCII or
    C locale): common punctuation becomes its ASCII look-alike, anything else
    (Chinese text, undecodable bytes of a file name) a visible escape, never a crash."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        out.append(_LOOKALIKE.get(ch) or ch.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(out), exc.end


_LOOKALIKE = {
    "·": ".",
    "—": "--",
    "–": "-",
    "…": "...",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "×": "x",
    "≥": ">=",
    "≤": "<=",
    "→": "->",
    "•": "*",
    "━": "-",
    "\u2009": " ",
    "\u00a0": " ",
}


def safe_streams() -> None:
    """Make stdout and stderr unable to raise UnicodeEncodeError."""
    import codecs

    try:
        codecs.lookup_error("drill-ascii")
    except LookupError:
        codecs.register_error("drill-ascii", _ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        # strict (most locales) and surrogateescape (the C locale) both raise on
        # a character the encoding lacks
        if reconfigure is None or getattr(stream, "errors", None) not in ("strict", "surrogateescape", None):
            continue
        try:
            reconfigure(errors="drill-ascii")
        except (ValueError, OSError):  # a stream that cannot be reconfigured: leave it
            continue


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwind (shutting down worker pools, removing temporary
    files) and exit 128 + the signal's number, as a shell would report it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def install_signal_handlers() -> None:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, _on_signal)


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise OutputError.of("<standard output>", exc) from None


def run_cli(group: click.Group, argv: list[str] | None) -> int:
    """Run the command line; every way out is an exit status, never a traceback.

    0 done; 2 bad input (arguments, data files, journals, output paths that cannot
    be written) — nothing was changed; 1 the machine failed (disk full, an I/O
    error, out of memory, a worker lost) or a bug (then a crash file is written);
    130 interrupted (Ctrl-C); 128 + N killed by signal N (SIGTERM, SIGHUP)."""
    safe_streams()
    try:
        # without standalone mode click returns an Exit's code instead of raising it
        code = group.main(args=argv, prog_name="drill", standalone_mode=False)
        _flush_stdout()
        if isinstance(code, int):
            return code
    except SpecError as exc:
        print_problems(exc.problems)
        return EXIT_USAGE
    except UserFacing as exc:
        print(f"drill: {exc}", file=sys.stderr)
        return exc.exit_code
    except FileExistsError as exc:
        print(f"drill: {display(exc.filename or '')}: already exists", file=sys.stderr)
        return EXIT_USAGE
    except click.exceptions.Abort:
        print("drill: aborted", file=sys.stderr)
        return 130
    except click.UsageError as exc:
        # one line, like every other error: what is wrong, and where to read more
        where = exc.ctx.command_path if exc.ctx is not None else "drill"
        print(f"{where}: {exc.format_message()} (see {where} --help)", file=sys.stderr)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        print("drill: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"drill: stopped by signal {exc.signum}", file=sys.stderr)
        return 128 + exc.signum
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except MemoryError:
        print("drill: out of memory", file=sys.stderr)
        return EXIT_FAIL
    except OSError as exc:
        # an output the command wrote without naming (the terminal, a pipe)
        where = display(exc.filename) if exc.filename else "a file"
        code = 1 if exc.errno in ENVIRONMENT_ERRNOS else EXIT_USAGE
        print(f"drill: {where}: {reason(exc)}", file=sys.stderr)
        return code
    except Exception:
        if os.environ.get("DRILL_DEBUG"):
            raise
        crash = Path(tempfile.gettempdir()) / f"drill-crash-{os.getpid()}.txt"
        try:
            atomic_write(crash, traceback.format_exc())
            where = f"Details were written to {crash}; please attach that file to a bug report."
        except OSError:
            where = "Please report it with the command you ran."
        print(f"drill: internal error ({sys.exc_info()[1]!s}). {where}", file=sys.stderr)
        return EXIT_FAIL
    return 0


def _quiet_stdout() -> None:
    """After a closed pipe (``drill list | head``) Python would complain at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    h, rest = divmod(seconds, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h} h {m:02d} min"
    if m:
        return f"{m} min {sec:02d} s"
    return f"{sec} s"


class PlainProgress:
    """Progress for a log file or a batch job (stderr is not a terminal): one
    plain line every ``every_s`` seconds, and one at the end, with done/total,
    the rate and the time left. ``clock`` is injectable (tests)."""

    def __init__(
        self,
        label: str,
        stream: Any = None,
        every_s: float = 5.0,
        clock: Any = None,
        unit: str = "reps",
    ):
        import time

        self.label = label
        self.stream = stream
        self.every_s = every_s
        self.clock = clock or time.monotonic
        self.unit = unit
        self.started: float | None = None
        self.first_done = 0
        self.last_print: float | None = None
        self.last: tuple[int, int] | None = None

    def line(self, done: int, total: int, now: float) -> str:
        assert self.started is not None
        elapsed = now - self.started
        pct = 100.0 * done / total if total else 100.0
        text = f"{self.label}: {done:,}/{total:,} {self.unit} ({pct:.0f} %)"
        rate = (done - self.first_done) / elapsed if elapsed > 0 else 0.0
        if rate > 0:
            text += f", {rate:,.1f} {self.unit}/s"
            if done < total:
                text += f", about {_duration((total - done) / rate)} left"
        if done >= total:
            text += f", done in {_duration(elapsed)}"
        return text

    def _emit(self, text: str) -> None:
        out = self.stream or sys.stderr
        print(text, file=out, flush=True)

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.started is None:
            self.started = now
            self.first_done = done
            self.last_print = now
        self.last = (done, total)
        assert self.last_print is not None
        if now - self.last_print >= self.every_s:
            self.last_print = now
            self._emit(self.line(done, total, now))

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.last is not None and exc[0] is None:
            self._emit(self.line(*self.last, self.clock()))


class ProgressBar:
    """A rich progress bar on stderr (stdout stays for results): replications
    done, rate and ETA. Called as ``bar(done, total)``; the total may grow.
    When stderr is not a terminal it prints plain lines instead (``PlainProgress``)."""

    def __init__(self, label: str, enabled: bool = True):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task):  # type: ignore[no-untyped-def]
                speed = task.finished_speed or task.speed
                return Text("– reps/s" if speed is None else f"{speed:,.1f} reps/s")

        console = Console(stderr=True)
        self.plain: PlainProgress | None = None
        if enabled and not console.is_terminal:
            self.plain = PlainProgress(label)
        self.progress = Progress(
            TextColumn(label),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} reps"),
            Rate(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled or self.plain is not None,
            transient=False,
        )
        self.task: Any = None

    def __enter__(self) -> ProgressBar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]
        if self.plain is not None:
            self.plain.__exit__(*exc)

    def __call__(self, done: int, total: int) -> None:
        if self.plain is not None:
            self.plain(done, total)
            return
        if self.task is None:
            self.task = self.progress.add_task("", total=total, completed=done)
        else:
            self.progress.update(self.task, completed=done, total=total)
