"""Each app plugs its personal data into export and deletion here, without touching accounts.

An app registers, in its AppConfig.ready(), a name with two functions: `export(user)` returns
JSON-ready data, `erase(user)` removes personal data and anonymises public contributions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PrivacyHandler:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]
    order: int


_handlers: dict[str, PrivacyHandler] = {}


def register(
    name: str, *, export: Callable[[Any], Any], erase: Callable[[Any], None], order: int = 100
) -> None:
    """Erasers run by ascending order; the account itself registers last so others still see it."""
    _handlers[name] = PrivacyHandler(name=name, export=export, erase=erase, order=order)


def handlers() -> list[PrivacyHandler]:
    return sorted(_handlers.values(), key=lambda h: (h.order, h.name))
