"""What the news tells people: editors about stories to review, authors about decisions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sharehub.notifications.services import notify

KIND_REVIEW = "news.review"
KIND_DECISION = "news.decision"

SUBMITTED = (
    _("Story to review: %(title)s"),
    _("%(organization)s submitted “%(title)s” for review."),
)
PUBLISHED = (_("Published: %(title)s"), _("Your article “%(title)s” has been published."))
SCHEDULED = (
    _("Scheduled: %(title)s"),
    _("Your article “%(title)s” will be published on %(date)s."),
)
RETURNED = (
    _("Changes requested: %(title)s"),
    _("An editor sent “%(title)s” back to you. Note: %(note)s"),
)


def tell(
    user,
    *,
    kind: str,
    message: tuple[Promise, Promise],
    article_id: int,
    params: dict | None = None,
) -> None:
    """Notify one person in their language; re-reads the article (this runs after commit)."""
    from .models import Article

    article = Article.objects.select_related("organization").filter(pk=article_id).first()
    if article is None or not user.is_active:
        return
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        values = {
            "title": str(article.title),
            "organization": str(article.organization) if article.organization_id else "",
            **{key: str(value) for key, value in (params or {}).items()},
        }
        if article.publish_at is not None and "date" not in values:
            from django.utils import formats, timezone

            values["date"] = formats.date_format(
                timezone.localtime(article.publish_at), "DATETIME_FORMAT"
            )
        url = article.get_absolute_url()
    notify(user=user, kind=kind, title=message[0], body=message[1], url=url, params=values)


def editors():
    return get_user_model().objects.filter(is_active=True, is_city_staff=True).order_by("pk")
