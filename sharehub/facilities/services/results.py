"""facilities: Utilisation and the monthly operating results (published; they feed the open-data indicators)."""

from __future__ import annotations
