"""portal's registrations with the kernel (see DESIGN.md, "App contract")."""

from django.utils.translation import gettext_lazy as _

from sharehub.core.user_menu import register_user_menu_entry
from sharehub.core.workspace import has_work_of_request

register_user_menu_entry(
    "subscriptions", label=_("My subscriptions"), url_name="portal:subscriptions", order=30
)
register_user_menu_entry(
    "workspace",
    label=_("Workspace"),
    url_name="workspace:home",
    order=5,
    visible=has_work_of_request,
)
