"""The demo hub: each app registers the demo data it loads, and in which order.

An app registers, in its manifest, a loader `load(run) -> int` that creates its demo objects and
returns how many it created. Loaders run by ascending order, each in its own transaction, and
share one `DemoRun`: the accounts loader puts the demo accounts in `run.accounts` (by e-mail) for
the loaders after it. Every loader looks up before it creates, so loading twice changes nothing.
`manage.py load_demo` (portal) runs them; the kernel never imports an app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

# The real data of the demo city (districts, sharing organizations), shared by the loaders.
DATA_DIR = Path(settings.BASE_DIR) / "data"
# The one password of every demo account.
DEMO_PASSWORD = "sharehub-demo-2026"


@dataclass
class DemoRun:
    # The demo accounts by e-mail address, filled by the accounts loader.
    accounts: dict[str, Any] = field(default_factory=dict)
    # How many objects each loader created (0: already loaded), by loader name.
    created: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[[DemoRun], int]
    # What it creates, for the command's report ("districts", "directory listings").
    label: str
    order: int


_loaders: dict[str, DemoLoader] = {}


def register_demo(name: str, load: Callable[[DemoRun], int], *, label: str, order: int) -> None:
    """`load(run)` creates what is missing and returns how many objects it created."""
    _loaders[name] = DemoLoader(name=name, load=load, label=label, order=order)


def demo_loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda loader: (loader.order, loader.name))


def load_demo() -> DemoRun:
    """Run every registered loader in order; returns what each created."""
    run = DemoRun()
    for loader in demo_loaders():
        with transaction.atomic():
            run.created[loader.name] = loader.load(run)
    return run
