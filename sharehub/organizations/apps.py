from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "sharehub.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from sharehub.core import privacy
        from sharehub.moderation.registry import register_moderated, register_queue_section
        from sharehub.notifications.kinds import register_kind

        from . import notices, privacy_data, selectors
        from .models import Organization

        # The invitation e-mail is always sent to the invited address itself, so the
        # notification's own e-mail is off by default: one invitation, one message.
        register_kind(
            notices.INVITATION_KIND, _("Invitations to join an organization"), email_default=False
        )
        register_kind(notices.MEMBERSHIP_KIND, _("Changes to your organization memberships"))
        register_kind(notices.NAME_CHANGE_KIND, _("Decisions on your organization's new name"))
        privacy.register(
            "organizations",
            export=privacy_data.export_organizations,
            erase=privacy_data.erase_organizations,
        )
        register_moderated(Organization)
        register_queue_section(
            "organizations/partials/name_changes_queue.html", selectors.name_change_queue
        )
