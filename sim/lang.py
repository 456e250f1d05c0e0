"""Which language to speak: ``--lang``, else ``DRILL_LANG``, else the locale."""

from __future__ import annotations

import locale
import os

LANGS = ("zh", "en")


def default_lang() -> str:
    env = os.environ.get("DRILL_LANG", "").strip().lower()
    if env in LANGS:
        return env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "zh" if code.lower().startswith("zh") else "en"
