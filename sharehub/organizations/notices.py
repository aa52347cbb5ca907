"""What organizations tell people: the invitation e-mail and in-app notifications.

Each text is a lazy translation filled with lazy parameters, so it is rendered in the
recipient's language (notify() switches to it), including the organization's name.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sharehub.core.i18n import hub_name
from sharehub.notifications.mail import queue_message
from sharehub.notifications.services import notify

from .invitations import make_token
from .models import (
    Invitation,
    MemberRole,
    Membership,
    NameChangeRequest,
    NameChangeStatus,
    Organization,
)

INVITATION_KIND = "organizations.invitation"
MEMBERSHIP_KIND = "organizations.membership"
NAME_CHANGE_KIND = "organizations.name_change"


def _name_of(organization: Organization):
    """The organization's name in whatever language is active when it is rendered."""
    return lazy(lambda: organization.name, str)()


def _role_label(role: str):
    return MemberRole(role).label


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
            "role": _role_label(invitation.role),
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
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    queue_message(message, kind=INVITATION_KIND, user=invitee)


def notify_invited(*, invitation: Invitation, invitee: Any) -> None:
    with translation.override(invitee.preferred_language or settings.LANGUAGE_CODE):
        url = accept_path(invitation)
    notify(
        user=invitee,
        kind=INVITATION_KIND,
        title=_("You are invited to join %(organization)s"),
        body=_("%(inviter)s invited you to join %(organization)s as %(role)s."),
        url=url,
        params={
            "organization": _name_of(invitation.organization),
            "inviter": invitation.invited_by.public_name if invitation.invited_by else "",
            "role": _role_label(invitation.role),
        },
    )


def notify_joined(
    *, organization: Organization, member: Any, role: str, owners: list[Membership]
) -> None:
    for owner in owners:
        notify(
            user=owner.user,
            kind=MEMBERSHIP_KIND,
            title=_("%(member)s joined %(organization)s"),
            body=_("%(member)s accepted the invitation and is now %(role)s."),
            url=_path_for(owner.user, "organizations:members", slug=organization.slug),
            params={
                "member": member.public_name,
                "organization": _name_of(organization),
                "role": _role_label(role),
            },
        )


def notify_removed(*, organization: Organization, member: Any) -> None:
    notify(
        user=member,
        kind=MEMBERSHIP_KIND,
        title=_("You were removed from %(organization)s"),
        body=_("An owner removed you from the members of %(organization)s."),
        url=_path_for(member, "organizations:detail", slug=organization.slug),
        params={"organization": _name_of(organization)},
    )


def notify_role_changed(*, organization: Organization, member: Any, role: str) -> None:
    notify(
        user=member,
        kind=MEMBERSHIP_KIND,
        title=_("Your role in %(organization)s is now %(role)s"),
        url=_path_for(member, "organizations:members", slug=organization.slug),
        params={"organization": _name_of(organization), "role": _role_label(role)},
    )


def notify_ownership_transferred(
    *, organization: Organization, member: Any, previous_owner: Any
) -> None:
    notify(
        user=member,
        kind=MEMBERSHIP_KIND,
        title=_("You are now an owner of %(organization)s"),
        body=_(
            "%(previous)s handed the ownership of %(organization)s over to you and is now an editor."
        ),
        url=_path_for(member, "organizations:members", slug=organization.slug),
        params={"organization": _name_of(organization), "previous": previous_owner.public_name},
    )


def notify_promoted(*, organization: Organization, member: Any) -> None:
    notify(
        user=member,
        kind=MEMBERSHIP_KIND,
        title=_("You are now an owner of %(organization)s"),
        body=_(
            "Its last owner deleted their account. As its longest-standing member, you are now its owner."
        ),
        url=_path_for(member, "organizations:members", slug=organization.slug),
        params={"organization": _name_of(organization)},
    )


def _name_change_recipients(change: NameChangeRequest) -> list[Any]:
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


def notify_name_change_decided(*, change: NameChangeRequest) -> None:
    """Tell them after commit: a decision rolled back tells nobody anything."""
    recipients = _name_change_recipients(change)
    if change.status == NameChangeStatus.APPROVED:
        title = _("New name approved: %(name)s")
        body = _("The new name “%(name)s” is now public (it was “%(previous)s”).")
    else:
        title = _("New name not approved: %(name)s")
        body = _(
            "The new name “%(name)s” was not approved; the organization keeps the name “%(previous)s”. Reason: %(reason)s"
        )
    params = {
        "name": lazy(lambda: change.name, str)(),
        "previous": lazy(lambda: change.previous_name, str)(),
        "reason": change.reason,
    }

    def send() -> None:
        for person in recipients:
            notify(
                user=person,
                kind=NAME_CHANGE_KIND,
                title=title,
                body=body,
                url=_path_for(person, "organizations:detail", slug=change.organization.slug),
                params=params,
            )

    transaction.on_commit(send)
