"""What participation tells people, each in their own language (written inside the deciding
service's transaction; `notify` sends the mail after commit)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sharehub.notifications.services import notify

from .models import Follow, Proposal

PROPOSAL_KIND = "participation.proposal"

THRESHOLD = "threshold"
NOT_ENOUGH = "not_enough"

TEXTS: dict[str, tuple[Any, Any]] = {
    THRESHOLD: (
        _("Your proposal reached its threshold: %(proposal)s"),
        _(
            "It is now on the agenda of %(committee)s, which is due to answer by %(due)s. "
            "Thank you, and thanks to everyone who supported it."
        ),
    ),
    NOT_ENOUGH: (
        _("Your proposal closed without enough support: %(proposal)s"),
        _(
            "The support period ended with %(count)s of the %(threshold)s supports needed. "
            "The proposal stays public with its supports."
        ),
    ),
}


def _lazy_text(function: Any) -> Any:
    """Evaluated when `notify` formats the text, under the recipient's language."""
    return lazy(function, str)()


def _tell(transition: str, proposal: Proposal, **params: Any) -> None:
    author = proposal.author
    if author is None or not author.is_active:
        return
    title, body = TEXTS[transition]
    with translation.override(author.preferred_language or settings.LANGUAGE_CODE):
        url = proposal.get_absolute_url()
    notify(
        user=author,
        kind=PROPOSAL_KIND,
        title=title,
        body=body,
        url=url,
        params={"proposal": proposal.title, **params},
    )


def tell_author_and_followers(
    proposal: Proposal,
    *,
    kind: str,
    title: Any,
    body: Any,
    params: dict[str, Any],
    exclude: Any = None,
) -> int:
    """One notice to the author and to each follower of the proposal (once each, in their own
    language and by their preferences for `kind`), except `exclude` (who caused it). Returns how
    many were told. Runs inside the caller's transaction."""
    people = {proposal.author_id: proposal.author} if proposal.author_id else {}
    for follow in Follow.objects.filter(proposal=proposal).select_related("user"):
        people.setdefault(follow.user_id, follow.user)
    told = 0
    for person in people.values():
        if person is None or not person.is_active or person == exclude:
            continue
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            url = proposal.get_absolute_url()
        notify(
            user=person,
            kind=kind,
            title=title,
            body=body,
            url=url,
            params={"proposal": proposal.title, **params},
        )
        told += 1
    return told


def tell_threshold_reached(proposal: Proposal) -> None:
    committee = proposal.agenda_committee
    due = proposal.answer_due
    _tell(
        THRESHOLD,
        proposal,
        committee=_lazy_text(lambda: str(committee) if committee else ""),
        due=_lazy_text(
            lambda: formats.date_format(timezone.localtime(due), "DATE_FORMAT") if due else ""
        ),
    )


def tell_not_enough_support(proposal: Proposal) -> None:
    _tell(NOT_ENOUGH, proposal, count=proposal.supports_count, threshold=proposal.support_threshold)
