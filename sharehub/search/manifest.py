"""search's registrations with the kernel (see DESIGN.md, "App contract")."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from sharehub.core.audit import register_describer
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.workspace import register_work
from sharehub.places.models import District

from . import history, vocabulary
from .permissions import can_edit_synonyms
from .services import reindex_stale


def _forget_places(sender: type, **kwargs: Any) -> None:
    # A district renamed, added or removed: the names a query is read with change.
    vocabulary.forget()


def _reindex_stale(run: DemoRun) -> int:
    # An index built by an older analysis (or missing entries) is rebuilt after the apps' data.
    return reindex_stale()


post_save.connect(_forget_places, sender=District, dispatch_uid="search-places-saved")
post_delete.connect(_forget_places, sender=District, dispatch_uid="search-places-deleted")
register_describer("search.", history.describe)
register_work(
    "search.synonyms",
    label=_("Search synonyms"),
    url_name="search:synonyms",
    allowed=can_edit_synonyms,
    order=130,
    help_text=_("Words a search treats as one, such as 대여 and 렌탈."),
)
register_demo("search", _reindex_stale, label="search entries rebuilt", order=95)
