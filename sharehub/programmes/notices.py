"""What the support programmes tell people, in their own language (written inside the deciding
service's transaction; `notify` sends the mail after commit). Kinds are registered in manifest.py.

- APPLICATION_KIND: an organization's members hear of their application (receipt, screening,
  decision, report requests);
- REVIEW_KIND: reviewers hear of assignments, staff of applications ready for them;
- DEADLINE_KIND: followers of a call are reminded before it closes, awardees before a report is
  due.
"""

from __future__ import annotations

from typing import Any

from sharehub.notifications.services import notify
from sharehub.organizations.models import Membership, Organization

from .models import Application

APPLICATION_KIND = "programmes.application"
REVIEW_KIND = "programmes.review"
DEADLINE_KIND = "programmes.deadline"


def tell_members(
    organization: Organization, *, kind: str, title: Any, body: Any, url: str, params: dict
) -> int:
    """Notify every member of an organization (the applicant); returns how many."""
    members = Membership.objects.filter(organization=organization).select_related("user")
    count = 0
    for membership in members:
        if membership.user.is_active:
            notify(user=membership.user, kind=kind, title=title, body=body, url=url, params=params)
            count += 1
    return count


def tell_applicant(application: Application, *, title: Any, body: Any = "", **params: Any) -> int:
    """Notify the applicant organization's members about their application."""
    return tell_members(
        application.organization,
        kind=APPLICATION_KIND,
        title=title,
        body=body,
        url=application.get_absolute_url(),
        params={"title": application.title, "call": application.call.title, **params},
    )
