"""What the designation process tells the organization's members, each in their own language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sharehub.notifications.services import notify
from sharehub.organizations.models import Membership, Organization

APPLICATION_KIND = "designation.application"
DESIGNATION_KIND = "designation.designation"
REMINDER_KIND = "designation.reminder"


def _name_of(organization: Organization):
    return lazy(lambda: organization.name, str)()


def _path(user: Any, viewname: str, **kwargs: Any) -> str:
    with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
        return reverse(viewname, kwargs=kwargs)


def notify_members(
    *,
    organization: Organization,
    kind: str,
    title,
    body="",
    viewname: str,
    url_kwargs: dict,
    params: dict | None = None,
) -> None:
    """Tell every member of the organization, after the write commits (a rollback sends nothing)."""
    params = {"organization": _name_of(organization), **(params or {})}

    def send() -> None:
        members = Membership.objects.filter(organization=organization).select_related("user")
        for membership in members:
            notify(
                user=membership.user,
                kind=kind,
                title=title,
                body=body,
                url=_path(membership.user, viewname, **url_kwargs),
                params=params,
            )

    transaction.on_commit(send)


# Titles and bodies, lazily translated so each recipient reads their own language.
TEXTS = {
    "submitted": (
        _("Designation application for %(organization)s submitted"),
        _("City staff will review it."),
    ),
    "review_started": (_("City staff are reviewing the application of %(organization)s"), ""),
    "changes_requested": (
        _("Changes requested on the designation application of %(organization)s"),
        _("City staff ask for changes: %(reason)s"),
    ),
    "resubmitted": (_("Designation application for %(organization)s sent again"), ""),
    "commented": (_("New comment on the designation application of %(organization)s"), "%(body)s"),
    "approved": (
        _("%(organization)s is designated (No. %(number)s)"),
        _("The designation is valid until %(valid_until)s."),
    ),
    "rejected": (
        _("The designation application of %(organization)s was not approved"),
        _("Reason: %(reason)s"),
    ),
    "suspended": (_("The designation of %(organization)s is suspended"), _("Reason: %(reason)s")),
    "reinstated": (
        _("The designation of %(organization)s is active again"),
        _("Reason: %(reason)s"),
    ),
    "revoked": (_("The designation of %(organization)s is revoked"), _("Reason: %(reason)s")),
    "reminder": (
        _("The designation of %(organization)s expires on %(valid_until)s"),
        _("It expires in %(days)s days. Apply for its renewal before then."),
    ),
}
