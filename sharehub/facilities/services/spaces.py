"""facilities: Staff create and edit spaces: details (ko, en), hours, fee table, refund bands, photos."""

from __future__ import annotations
