"""The UI string catalogs agree, and the headless CLI never loads Textual."""

from __future__ import annotations

import string
import subprocess
import sys

from tui.i18n import en, zh


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    assert set(zh.STRINGS) == set(en.STRINGS)
    for key in en.STRINGS:
        assert _fields(zh.STRINGS[key]) == _fields(en.STRINGS[key]), key


def test_zh_strings_prefer_full_width_punctuation() -> None:
    for key, text in zh.STRINGS.items():
        for half in ("(", ")", ",", ";"):
            assert half not in text, (key, text)


def test_import_sim_cli_does_not_load_textual() -> None:
    code = "import sys, sim.cli; assert 'textual' not in sys.modules and 'tui.app' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tui_does_not_import_simpy_directly() -> None:
    from pathlib import Path

    import tui

    for path in Path(tui.__file__).parent.rglob("*.py"):
        assert "import simpy" not in path.read_text(encoding="utf-8"), path
