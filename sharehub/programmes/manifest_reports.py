"""The reports part's registrations with the kernel (imported by manifest.py)."""

from __future__ import annotations
