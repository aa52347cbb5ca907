"""Support programmes: the reports part's reads."""

from __future__ import annotations
