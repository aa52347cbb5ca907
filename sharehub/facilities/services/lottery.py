"""facilities: Lottery rounds for popular slots: entries, the draw with a published seed, winners booked."""

from __future__ import annotations
