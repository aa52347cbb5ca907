"""The official statistics' registrations with the kernel: the demo's official indicators and
the values the project's own data holds (demo_statistics), and the audit entries of imports and
indicator edits in words. No periodic job: the live indicators are computed on read and cached
(indicators.engine), and official values change only by import."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sharehub.core.audit import register_describer
from sharehub.core.demo import register_demo
from sharehub.core.models import AuditEntry

from . import demo_statistics


def describe(entry: AuditEntry) -> str:
    actor = entry.actor.public_name if entry.actor else _("Someone")
    data = entry.data or {}
    if entry.action == "opendata.statistics_imported":
        return _(
            "%(actor)s imported official statistics: %(created)s values added, %(updated)s replaced."
        ) % {"actor": actor, "created": data.get("created", 0), "updated": data.get("updated", 0)}
    if entry.action == "opendata.official_indicator_created":
        return _("%(actor)s defined the official indicator %(code)s.") % {
            "actor": actor,
            "code": data.get("code", ""),
        }
    return _("%(actor)s edited the official indicator %(code)s.") % {
        "actor": actor,
        "code": data.get("code", ""),
    }


register_demo(
    "opendata_statistics",
    demo_statistics.load,
    label="official statistics",
    order=80,
)
register_describer("opendata.statistics_", describe)
register_describer("opendata.official_indicator_", describe)
