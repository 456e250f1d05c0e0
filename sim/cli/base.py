"""The command group, shared options, and the one place user-facing errors
are turned into messages and exit codes (no traceback reaches a user)."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import click

from ..lang import LANGS, default_lang
from ..spec.problems import SpecError

EXIT_USAGE = 2  # bad input: data files, arguments (click uses 2 as well)
EXIT_FAIL = 1


class UserError(Exception):
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


def lang_option(func):  # type: ignore[no-untyped-def]
    """``--lang`` accepted after the subcommand too (``drill run X --lang zh``)."""
    return click.option(
        "--lang", "sub_lang", type=click.Choice(LANGS), default=None, help="Language (zh or en)."
    )(func)


def pick_lang(ctx: click.Context, sub_lang: str | None) -> str:
    if sub_lang:
        return sub_lang
    root = ctx.find_root()
    return (root.obj or {}).get("lang") or default_lang()


def print_problems(problems: list, stream=None) -> None:  # type: ignore[no-untyped-def]
    out = stream or sys.stderr
    for problem in problems:
        print(str(problem), file=out)


def run_cli(group: click.Group, argv: list[str] | None) -> int:
    try:
        # without standalone mode click returns an Exit's code instead of raising it
        code = group.main(args=argv, prog_name="drill", standalone_mode=False)
        if isinstance(code, int):
            return code
    except SpecError as exc:
        print_problems(exc.problems)
        return EXIT_USAGE
    except UserError as exc:
        print(f"drill: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except click.exceptions.Abort:
        print("drill: aborted", file=sys.stderr)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        print("drill: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        if os.environ.get("DRILL_DEBUG"):
            raise
        crash = Path(tempfile.gettempdir()) / f"drill-crash-{os.getpid()}.txt"
        crash.write_text(traceback.format_exc(), encoding="utf-8")
        print(
            f"drill: internal error ({sys.exc_info()[1]!s}). Details were written to {crash}; "
            "please attach that file to a bug report.",
            file=sys.stderr,
        )
        return EXIT_FAIL
    return 0


class ProgressBar:
    """A rich progress bar on stderr (stdout stays for results): replications
    done, rate and ETA. Called as ``bar(done, total)``; the total may grow."""

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

        self.progress = Progress(
            TextColumn(label),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} reps"),
            Rate(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not enabled,
            transient=False,
        )
        self.task: Any = None

    def __enter__(self) -> ProgressBar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]

    def __call__(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task("", total=total, completed=done)
        else:
            self.progress.update(self.task, completed=done, total=total)
