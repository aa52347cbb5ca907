"""The scoreboard part's registrations with the kernel (to be imported by manifest.py): its demo
data (a published scoring of the last complete year and a draft for this year), after the
official statistics (80) and before the datasets (84), which may publish the scoreboard."""

from __future__ import annotations

from sharehub.core.demo import register_demo

from .demo_scoreboard import load

register_demo("opendata_scoreboard", load, label="district scorings", order=82)
