"""Support programmes: the decisions part's reads."""

from __future__ import annotations
