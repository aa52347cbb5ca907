"""Demo data for the newsletters app, loaded by `manage.py load_demo` (sharehub.core.demo)."""

from __future__ import annotations


def load_demo(*, accounts: dict) -> int:
    """Create the demo objects once (safe to run twice); returns how many were created."""
    return 0
