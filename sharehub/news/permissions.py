"""Who may do what in the news. Editors (`accounts.roles.is_editor`: city staff and administrators)
write any kind of article, review stories and are the only ones who publish. Members who may edit
an organization (its owners and editors) write stories for it and submit them for review; they edit
them while they are drafts. Pages are edited by editors only."""

from __future__ import annotations

from django.db.models import QuerySet

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_editor
from sharehub.core.actors import Actor, is_signed_in
from sharehub.organizations.models import MemberRole, Membership, Organization
from sharehub.organizations.permissions import can_edit_organization

from .models import Article, ArticleStatus

# The members of an organization who may write its stories.
WRITER_ROLES = (MemberRole.OWNER, MemberRole.EDITOR)


def writer_memberships(actor: Actor) -> QuerySet[Membership]:
    """The actor's memberships that let them write their organization's stories."""
    if not is_signed_in(actor) or not isinstance(actor, User):
        return Membership.objects.none()
    return Membership.objects.filter(user=actor, role__in=WRITER_ROLES)


def can_write_for(actor: Actor, organization: Organization | None) -> bool:
    """May start an article for this organization (None: an article of the city itself)."""
    if is_editor(actor):
        return True
    return (
        organization is not None
        and is_signed_in(actor)
        and can_edit_organization(actor, organization)
    )


def can_write(actor: Actor) -> bool:
    """May open the writing desk: editors, and members of an organization they may edit."""
    if is_editor(actor):
        return True
    return writer_memberships(actor).exists()


def _is_team(actor: Actor, article: Article) -> bool:
    if not is_signed_in(actor):
        return False
    if article.created_by_id == actor.pk:  # type: ignore[union-attr]  # signed in: a user
        return True
    return article.organization is not None and can_edit_organization(actor, article.organization)


def can_view_article(actor: Actor, article: Article) -> bool:
    if article.is_public:
        return True
    return is_editor(actor) or _is_team(actor, article)


def can_edit_article(actor: Actor, article: Article) -> bool:
    """Editors edit any article; its organization's members (or its author) edit it while a draft."""
    if is_editor(actor):
        return True
    return article.status == ArticleStatus.DRAFT and _is_team(actor, article)


def can_submit_article(actor: Actor, article: Article) -> bool:
    return article.status == ArticleStatus.DRAFT and (is_editor(actor) or _is_team(actor, article))


def can_publish(actor: Actor) -> bool:
    return is_editor(actor)


def can_edit_pages(actor: Actor) -> bool:
    return is_editor(actor)
