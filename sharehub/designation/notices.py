"""What the designation process tells the organization's members, each in their own language.

One call per transition, `announce(target, transition, **params)`, inside the decision's
transaction: `notifications.services.notify` stores each member's notification and outbound
mail rows there (so a rollback leaves none) and itself enqueues the sending on commit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sharehub.notifications.services import notify
from sharehub.organizations.models import Membership, Organization

from .models import AnnualReport, Application, Designation

APPLICATION_KIND = "designation.application"
DESIGNATION_KIND = "designation.designation"
REMINDER_KIND = "designation.reminder"
REPORT_KIND = "designation.report"

# Titles and bodies, lazily translated so each recipient reads their own language.
TEXTS = {
    "submitted": (
        _("Designation application for %(organization)s submitted"),
        _("Receipt number %(receipt)s. City staff will review it and decide by %(due)s."),
    ),
    "review_started": (_("City staff are reviewing the application of %(organization)s"), ""),
    "stage_advanced": (
        _("The designation application of %(organization)s is now at the stage: %(stage)s"),
        "",
    ),
    "changes_requested": (
        _("Changes requested on the designation application of %(organization)s"),
        _("City staff ask for changes: %(reason)s"),
    ),
    "resubmitted": (
        _("Designation application for %(organization)s sent again"),
        _("Receipt number %(receipt)s. The decision is due by %(due)s."),
    ),
    "commented": (_("New comment on the designation application of %(organization)s"), "%(body)s"),
    "approved": (
        _("%(organization)s is designated (No. %(number)s)"),
        _(
            "The designation is valid until %(valid_until)s. The certificate can be downloaded "
            "from the designation's page."
        ),
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

# The notification kind of each transition that is not about an application.
DESIGNATION_KINDS = {"reminder": REMINDER_KIND}

REPORT_TEXTS = {
    "report_reminder": (
        _(
            "The activity report of %(organization)s for designation year %(year)s is due by %(due)s"
        ),
        _("The owners of the organization send it from the designation's page."),
    ),
    "report_accepted": (
        _("City staff accepted the activity report of %(organization)s for year %(year)s"),
        "%(reason)s",
    ),
    "report_changes_requested": (
        _("Changes requested on the activity report of %(organization)s for year %(year)s"),
        _("City staff ask for changes: %(reason)s"),
    ),
}


def _lazy_text(function: Any) -> Any:
    return lazy(function, str)()


def _path(user: Any, viewname: str, **kwargs: Any) -> str:
    with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
        return reverse(viewname, kwargs=kwargs)


def notify_members(
    *,
    organization: Organization,
    kind: str,
    title: Any,
    body: Any = "",
    viewname: str,
    url_kwargs: dict[str, Any],
    params: dict[str, Any] | None = None,
) -> None:
    """Tell every member of the organization, inside the caller's transaction."""
    params = {"organization": _lazy_text(lambda: organization.name), **(params or {})}
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


def announce(target: Application | Designation, transition: str, **params: Any) -> None:
    """The one call of every transition: its texts (`TEXTS`) to the organization's members,
    linking to the application or the designation."""
    title, body = TEXTS[transition]
    if isinstance(target, Application):
        notify_members(
            organization=target.organization,
            kind=APPLICATION_KIND,
            title=title,
            body=body,
            viewname="designation:application",
            url_kwargs={"pk": target.pk},
            params=params,
        )
        return
    valid_until = target.valid_until
    notify_members(
        organization=target.organization,
        kind=DESIGNATION_KINDS.get(transition, DESIGNATION_KIND),
        title=title,
        body=body,
        viewname="designation:detail",
        url_kwargs={"number": target.number},
        params={
            "number": target.number,
            "valid_until": _lazy_text(lambda: formats.date_format(valid_until, "DATE_FORMAT")),
            **params,
        },
    )


def announce_report(report: AnnualReport, transition: str, **params: Any) -> None:
    """A report's reminder or review to the organization's members, linking to the report."""
    title, body = REPORT_TEXTS[transition]
    designation = report.designation
    due_on = report.due_on
    notify_members(
        organization=designation.organization,
        kind=REPORT_KIND,
        title=title,
        body=body,
        viewname="designation:report",
        url_kwargs={"number": designation.number, "year": report.year},
        params={
            "year": report.year,
            "due": _lazy_text(lambda: formats.date_format(due_on, "DATE_FORMAT")),
            "reason": "",
            **params,
        },
    )
