"""UI strings, one catalog per language (``zh.py``, ``en.py``)."""

from __future__ import annotations

from . import en, zh

CATALOGS: dict[str, dict[str, str]] = {"zh": zh.STRINGS, "en": en.STRINGS}


def tr(lang: str, key: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``values`` filled in."""
    catalog = CATALOGS.get(lang, en.STRINGS)
    text = catalog.get(key) or en.STRINGS.get(key) or key
    return text.format(**values) if values else text
