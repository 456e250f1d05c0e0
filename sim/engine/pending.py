"""Work under way: decisions taken whose effect has not landed yet (a level
being decided, a reply being drafted, a venue being opened). Shown to the
trainees with the time each is expected."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Pending:
    what: str
    eta: float
    data: dict[str, Any] = field(default_factory=dict)
    board: PendingBoard | None = None

    def done(self) -> None:
        if self.board is not None:
            self.board.remove(self)


class PendingBoard:
    def __init__(self) -> None:
        self.items: list[Pending] = []

    def add(self, what: str, eta: float, **data: Any) -> Pending:
        item = Pending(what, eta, data, self)
        self.items.append(item)
        return item

    def remove(self, item: Pending) -> None:
        if item in self.items:
            self.items.remove(item)
