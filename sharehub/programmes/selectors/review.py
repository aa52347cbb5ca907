"""Support programmes: the review part's reads."""

from __future__ import annotations
