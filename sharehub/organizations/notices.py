"""What organizations tell people: the invitation e-mail and in-app notifications.

Each text is a lazy translation filled with lazy parameters, so it is rendered in the
recipient's language (notify() switches to it), including the organization's name. The texts of
every transition are one table (`NOTICES`), sent by one call (`tell`) inside the decision's
transaction; the invitation e-mail is stored in the outbox there too (sent after commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sharehub.core.i18n import hub_name
from sharehub.notifications.mail import queue_message, sender
from sharehub.notifications.services import notify

from .invitations import make_token
from .models import (
    Invitation,
    MemberRole,
    NameChangeRequest,
    NameChangeStatus,
    Organization,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as LazyText

INVITATION_KIND = "organizations.invitation"
MEMBERSHIP_KIND = "organizations.membership"
NAME_CHANGE_KIND = "organizations.name_change"


def _name_of(organization: Organization) -> str:
    """The organization's name in whatever language is active when it is rendered."""
    return lazy(lambda: organization.name, str)()


def _path_for(user: Any, viewname: str, **kwargs: Any) -> str:
    with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
        return reverse(viewname, kwargs=kwargs)


def accept_path(invitation: Invitation) -> str:
    """The accept page in the active language, carrying a freshly signed token."""
    return reverse("organizations:accept_invitation", kwargs={"token": make_token(invitation)})


def send_invitation_email(*, invitation: Invitation, invitee: Any | None, language: str) -> None:
    """Always mail the invited address, in the invitee's language if they have an account."""
    language = getattr(invitee, "preferred_language", None) or language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "organization_name": invitation.organization.name,
            "inviter_name": invitation.invited_by.public_name if invitation.invited_by else "",
            "role": role_label(invitation.role),
            "accept_url": settings.SHAREHUB_SITE_URL + accept_path(invitation),
            "expires_at": formats.date_format(
                timezone.localtime(invitation.expires_at), "DATE_FORMAT"
            ),
            "hub_name": hub_name(),
            "has_account": invitee is not None,
        }
        subject = " ".join(
            render_to_string("organizations/email/invitation_subject.txt", context).split()
        )
        body = render_to_string("organizations/email/invitation_message.txt", context)
    message = EmailMessage(
        subject=f"[{context['hub_name']}] {subject}",
        body=body,
        from_email=sender(language),
        to=[invitation.email],
    )
    queue_message(message, kind=INVITATION_KIND, user=invitee)


class Notice(NamedTuple):
    """The texts of one transition, lazily translated, and the page it links to."""

    kind: str
    title: LazyText
    body: LazyText | str
    page: str  # a URL name taking the organization's slug; "" links elsewhere (url=)


# One table of texts per transition; `tell` sends any of them.
NOTICES: dict[str, Notice] = {
    "invited": Notice(
        INVITATION_KIND,
        _("You are invited to join %(organization)s"),
        _("%(inviter)s invited you to join %(organization)s as %(role)s."),
        "",
    ),
    "joined": Notice(
        MEMBERSHIP_KIND,
        _("%(member)s joined %(organization)s"),
        _("%(member)s accepted the invitation and is now %(role)s."),
        "organizations:members",
    ),
    "removed": Notice(
        MEMBERSHIP_KIND,
        _("You were removed from %(organization)s"),
        _("An owner removed you from the members of %(organization)s."),
        "organizations:detail",
    ),
    "role_changed": Notice(
        MEMBERSHIP_KIND,
        _("Your role in %(organization)s is now %(role)s"),
        "",
        "organizations:members",
    ),
    "ownership_transferred": Notice(
        MEMBERSHIP_KIND,
        _("You are now an owner of %(organization)s"),
        _(
            "%(previous)s handed the ownership of %(organization)s over to you and is now an editor."
        ),
        "organizations:members",
    ),
    "promoted": Notice(
        MEMBERSHIP_KIND,
        _("You are now an owner of %(organization)s"),
        _(
            "Its last owner deleted their account. As its longest-standing member, you are now its owner."
        ),
        "organizations:members",
    ),
    NameChangeStatus.APPROVED: Notice(
        NAME_CHANGE_KIND,
        _("New name approved: %(name)s"),
        _("The new name “%(name)s” is now public (it was “%(previous)s”)."),
        "organizations:detail",
    ),
    NameChangeStatus.REJECTED: Notice(
        NAME_CHANGE_KIND,
        _("New name not approved: %(name)s"),
        _(
            "The new name “%(name)s” was not approved; the organization keeps the name “%(previous)s”. Reason: %(reason)s"
        ),
        "organizations:detail",
    ),
}


def tell(
    notice: str,
    *,
    users: Iterable[Any],
    organization: Organization,
    url: str = "",
    **params: Any,
) -> None:
    """Notify each user of one transition, in their own language, inside the caller's transaction
    (notify stores the rows; a rolled-back decision tells nobody anything)."""
    text = NOTICES[notice]
    values = {"organization": _name_of(organization), **params}
    for user in users:
        notify(
            user=user,
            kind=text.kind,
            title=text.title,
            body=text.body,
            url=_path_for(user, text.page, slug=organization.slug) if text.page else url,
            params=values,
        )


def invited_path(invitation: Invitation, invitee: Any) -> str:
    """The accept page in the invitee's language."""
    with translation.override(invitee.preferred_language or settings.LANGUAGE_CODE):
        return accept_path(invitation)


def name_change_recipients(change: NameChangeRequest) -> list[Any]:
    """Who asked, and the organization's owners: active accounts, each once, never the decider."""
    owners = [
        m.user
        for m in change.organization.memberships.select_related("user").filter(
            role=MemberRole.OWNER
        )
    ]
    people, seen = [], {change.decided_by_id}
    for person in [change.requested_by, *owners]:
        if person is not None and person.is_active and person.pk not in seen:
            seen.add(person.pk)
            people.append(person)
    return people


def role_label(role: str) -> LazyText:
    return MemberRole(role).label


def lazy_text(value: Callable[[], str]) -> str:
    """A parameter read when the notice is rendered (in the recipient's language)."""
    return lazy(value, str)()
