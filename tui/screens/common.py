"""Helpers shared by the screens."""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from ..i18n import tr


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Bindings are declared with catalog keys as descriptions; show them in ``lang``."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=tr(lang, b.description))
            if b.description.startswith("key.")
            else b
            for b in bindings
        ]
