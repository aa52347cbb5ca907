"""Who may do what in the news. Editors are city staff (and administrators): they write any kind of
article, review stories and are the only ones who publish. Members who may edit an organization
(its owners and editors) write stories for it and submit them for review; they edit them while
they are drafts. Pages are edited by editors only."""

from __future__ import annotations

from typing import Any

from sharehub.organizations.models import Organization
from sharehub.organizations.permissions import can_edit_organization

from .models import Article, ArticleStatus


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_editor(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_city_staff or user.is_superuser)


def can_write_for(user: Any, organization: Organization | None) -> bool:
    """May start an article for this organization (None: an article of the city itself)."""
    if is_editor(user):
        return True
    return (
        organization is not None and _signed_in(user) and can_edit_organization(user, organization)
    )


def can_write(user: Any) -> bool:
    """May open the writing desk: editors, and members of an organization they may edit."""
    if is_editor(user):
        return True
    return _signed_in(user) and user.memberships.filter(role__in=("owner", "editor")).exists()


def _is_team(user: Any, article: Article) -> bool:
    if not _signed_in(user):
        return False
    if article.created_by_id == user.pk:
        return True
    return article.organization_id is not None and can_edit_organization(user, article.organization)


def can_view_article(user: Any, article: Article) -> bool:
    if article.is_public:
        return True
    return is_editor(user) or _is_team(user, article)


def can_edit_article(user: Any, article: Article) -> bool:
    """Editors edit any article; its organization's members (or its author) edit it while a draft."""
    if is_editor(user):
        return True
    return article.status == ArticleStatus.DRAFT and _is_team(user, article)


def can_submit_article(user: Any, article: Article) -> bool:
    return article.status == ArticleStatus.DRAFT and (is_editor(user) or _is_team(user, article))


def can_publish(user: Any) -> bool:
    return is_editor(user)


def can_edit_pages(user: Any) -> bool:
    return is_editor(user)
