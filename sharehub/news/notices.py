"""What the news tells people: editors about stories to review, authors about decisions.

One table of texts per transition and one call (`send`), made inside the decision's transaction:
`notify` stores the notification and the mail row with it and enqueues the sending on commit, so a
rolled-back decision tells nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from sharehub.notifications.services import notify

from .models import Article

KIND_REVIEW = "news.review"
KIND_DECISION = "news.decision"

# transition → (notification kind, title, body); %(title)s, %(organization)s and %(date)s are the
# article's, in the recipient's language.
TEXTS = {
    "submitted": (
        KIND_REVIEW,
        _("Story to review: %(title)s"),
        _("%(organization)s submitted “%(title)s” for review."),
    ),
    "published": (
        KIND_DECISION,
        _("Published: %(title)s"),
        _("Your article “%(title)s” has been published."),
    ),
    "scheduled": (
        KIND_DECISION,
        _("Scheduled: %(title)s"),
        _("Your article “%(title)s” will be published on %(date)s."),
    ),
    "returned": (
        KIND_DECISION,
        _("Changes requested: %(title)s"),
        _("An editor sent “%(title)s” back to you. Note: %(note)s"),
    ),
}


def send(
    transition: str,
    *,
    article: Article,
    recipients: Iterable[Any],
    params: dict[str, str] | None = None,
) -> None:
    """Tell each active recipient about the article's transition, in their own language."""
    kind, title, body = TEXTS[transition]
    for user in recipients:
        if not user.is_active:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            values = {
                "title": str(article.title),
                "organization": str(article.organization) if article.organization else "",
                **(params or {}),
            }
            if article.publish_at is not None:
                values["date"] = formats.date_format(
                    timezone.localtime(article.publish_at), "DATETIME_FORMAT"
                )
            url = article.get_absolute_url()
        notify(user=user, kind=kind, title=title, body=body, url=url, params=values)
