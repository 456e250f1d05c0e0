"""The command group, shared options, and the one place user-facing errors
are turned into messages and exit codes (no traceback reaches a user)."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

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
