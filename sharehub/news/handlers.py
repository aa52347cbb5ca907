"""Signal receivers of the news."""

from __future__ import annotations

from .models import Article
from .search_index import reindex_article


def on_moderation_saved(sender, instance: Article, update_fields=None, **kwargs) -> None:
    """A moderator hid or restored an article (moderation saves only its own fields): take it out
    of the search index, or put it back, in the same transaction."""
    if update_fields and "moderation_status" in update_fields:
        reindex_article(instance)
