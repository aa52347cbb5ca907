"""The applications part's registrations with the kernel (imported by manifest.py): "My
applications" in the user menu, the organization page's section (its awards, public; its
applications, for its members), and the person's part in applications for privacy."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.audit import register_describer
from sharehub.core.models import AuditEntry
from sharehub.core.org_sections import register_org_section
from sharehub.core.user_menu import register_user_menu_entry
from sharehub.organizations.models import Organization
from sharehub.programmes.permissions import belongs_to_an_organization

from . import privacy_data
from .permissions import is_member
from .selectors import applications as selectors
from .services.applications import ACTION


def _belongs(request: HttpRequest) -> bool:
    return belongs_to_an_organization(request.user)


def _org_programmes(organization: Organization, request: Any) -> dict[str, Any] | None:
    """Awards are public; applications only for the organization's members (two queries, or
    three for a signed-in visitor)."""
    awards = selectors.organization_awards(organization)
    applications = (
        selectors.organization_applications(organization)
        if is_member(request.user, organization)
        else []
    )
    if not awards and not applications:
        return None
    return {"awards": awards, "applications": applications}


def _describe(entry: AuditEntry) -> str:
    """The applicant's steps in an application's history."""
    data = entry.data or {}
    texts = {
        "created": gettext("The application was started."),
        "submitted": gettext("The application was submitted (receipt number %(receipt)s)."),
        "edited": gettext("The submitted application was changed before the deadline."),
        "withdrawn": gettext("The application was withdrawn."),
    }
    text = texts.get(entry.action.removeprefix(ACTION))
    if text is None:
        return entry.action
    return text % {"receipt": data.get("receipt_number", "")} if "%(" in text else text


register_user_menu_entry(
    "programmes.applications",
    label=_("My applications"),
    url_name="programmes:mine",
    order=25,
    visible=_belongs,
)
register_org_section(
    "programmes",
    template="programmes/partials/org_programmes.html",
    context=_org_programmes,
    order=45,
)
privacy.register(
    "programmes.applications",
    export=privacy_data.export_applications,
    erase=privacy_data.erase_applications,
)
register_describer(ACTION, _describe)
