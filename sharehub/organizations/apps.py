from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "sharehub.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from sharehub.core import privacy
        from sharehub.moderation.registry import register_moderated
        from sharehub.notifications.kinds import register_kind

        from . import notices, privacy_data
        from .models import Organization

        # The invitation e-mail is always sent to the invited address itself, so the
        # notification's own e-mail is off by default: one invitation, one message.
        register_kind(notices.INVITATION_KIND, _("Invitations to join an organization"), email_default=False)
        register_kind(notices.MEMBERSHIP_KIND, _("Changes to your organization memberships"))
        privacy.register(
            "organizations", export=privacy_data.export_organizations, erase=privacy_data.erase_organizations
        )
        register_moderated(Organization)
