"""Field changes applied one way by every service (after HackSoft's `model_update`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models


def apply_changes[M: models.Model](
    instance: M,
    *,
    fields: Iterable[str],
    data: Mapping[str, Any],
    clean: Callable[[str, Any], Any] | None = None,
) -> list[str]:
    """Set on `instance` the editable `fields` present in `data`; return the names that changed.

    A key of `data` outside `fields` is a programming error (TypeError), never silently ignored.
    `clean(name, value)` normalises a value first (strip text, empty to None, sanitise HTML).
    Nothing is saved: the service validates (`full_clean`) and saves inside its transaction, and
    may pass the returned names as `update_fields`.
    """
    allowed = set(fields)
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    changed = []
    for name, value in data.items():
        if clean is not None:
            value = clean(name, value)
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
