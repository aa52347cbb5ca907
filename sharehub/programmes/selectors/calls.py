"""Support programmes: the calls part's reads."""

from __future__ import annotations
