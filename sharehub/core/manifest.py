"""core's registrations with its own kernel (see DESIGN.md, "App contract")."""

from . import privacy, privacy_data

# Late, so it also scrubs what the other erasers logged.
privacy.register(
    "audit", export=privacy_data.export_audit, erase=privacy_data.erase_audit, order=900
)
