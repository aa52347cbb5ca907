"""organizations' registrations with the kernel (see DESIGN.md, "App contract")."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.demo import register_demo
from sharehub.core.me_panels import register_me_panel
from sharehub.core.user_menu import register_user_menu_entry
from sharehub.core.workspace import register_work
from sharehub.moderation.registry import register_moderated, register_queue_section
from sharehub.notifications.kinds import register_kind

from . import notices, privacy_data, selectors
from .demo import load_demo_organizations
from .models import Organization
from .permissions import can_review_name_changes


def _memberships_panel(request: HttpRequest) -> dict[str, Any]:
    return {"memberships": selectors.memberships_of(user=request.user)}


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
register_me_panel(
    "memberships",
    template="organizations/partials/me_memberships.html",
    context=_memberships_panel,
)
register_demo("organizations", load_demo_organizations, label="organizations", order=30)
register_user_menu_entry(
    "organizations", label=_("My organizations"), url_name="organizations:mine", order=20
)
register_work(
    "organizations.name_changes",
    label=_("New names to review"),
    url_name="organizations:name_changes",
    allowed=can_review_name_changes,
    count=lambda user: selectors.pending_name_changes().count(),
    help_text=_("Organizations that asked to change their name."),
    order=25,
)
