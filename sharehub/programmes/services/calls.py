"""Support programmes: the calls part's services (lock order: services/__init__.py)."""

from __future__ import annotations
