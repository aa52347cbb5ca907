"""The RSS feed of published calls (newest first): what the public list shows, nothing more
(`selectors.calls.feed_calls` starts from `public_calls()`, so a draft never appears)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from sharehub.core.i18n import hub_name

from .models import Call
from .selectors.calls import feed_calls


class CallFeed(Feed):
    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=300"
        return response

    def title(self) -> str:
        return _("%(hub)s: calls for support programmes") % {"hub": hub_name()}

    def description(self) -> str:
        return _("Calls for grants and other support published by the city, newest first.")

    def link(self) -> str:
        return reverse("programmes:list")

    def feed_url(self) -> str:
        return reverse("programmes:feed")

    def items(self) -> list[Call]:
        return feed_calls()

    def item_title(self, item: Call) -> str:
        return item.title

    def item_description(self, item: Call) -> str:
        closes = formats.date_format(timezone.localtime(item.closes_at), "DATETIME_FORMAT")
        summary = strip_tags(item.summary or "")
        deadline = _("Applications close on %(closes)s.") % {"closes": closes}
        return f"{summary}\n{deadline}".strip()

    def item_link(self, item: Call) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Call) -> str:
        return f"sharehub-call-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Call):
        return item.published_at

    def item_updateddate(self, item: Call):
        return item.updated_at

    def item_categories(self, item: Call) -> list[str]:
        return [str(item.get_kind_display())]
