"""Support programmes: the applications part's reads."""

from __future__ import annotations
