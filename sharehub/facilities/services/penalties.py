"""facilities: Check-in at the space, no-shows, the penalty register (suspensions) and appeals."""

from __future__ import annotations
