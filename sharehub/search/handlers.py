"""Signal receivers that keep the index in line with what the public may see.

They run synchronously inside the transaction of the change (never on commit), so a status change,
a moderation decision or a deletion takes the object out of the index in the same transaction:

- a moderation decision on a registered model, or on a model registered models follow (an
  organization: its listing and its events), brings their entries in line (`moderation_changed`,
  sent by every transition of the moderation app inside the decision's transaction);
- a registered object saved in full, or with fields that include one of its `state_fields` (a
  status changed by its service, the admin or a script), is taken out if the public may no longer
  see it, and indexed if it became public (its content is re-indexed by the service that changed
  it);
- a deleted registered object is taken out (cascades included);
- an object that registered models follow brings its followers' entries in line when saved,
  reading only the ids when nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from sharehub.moderation.signals import MODERATION_FIELDS, moderation_changed

from .catalog import Searchable, entry_for, followers_of
from .services import remove_object, sync_visibility


def _is_decision(update_fields: frozenset[str] | None) -> bool:
    """A moderation transition's own save: `_moderated` brings the index in line once, after."""
    return update_fields is not None and update_fields <= _DECISION_FIELDS


_DECISION_FIELDS = frozenset(MODERATION_FIELDS)


def _uid(kind: str, model: type[models.Model]) -> str:
    return f"search.{kind}.{model._meta.label_lower}"


def connect(entry: Searchable) -> None:
    post_save.connect(
        _saved, sender=entry.model, weak=False, dispatch_uid=_uid("saved", entry.model)
    )
    post_delete.connect(
        _deleted, sender=entry.model, weak=False, dispatch_uid=_uid("deleted", entry.model)
    )
    for model in (entry.model, *entry.follows):
        moderation_changed.connect(
            _moderated, sender=model, weak=False, dispatch_uid=_uid("moderated", model)
        )
    for related in entry.follows:
        post_save.connect(
            _followed_saved, sender=related, weak=False, dispatch_uid=_uid("followed", related)
        )


def disconnect(entry: Searchable) -> None:
    post_save.disconnect(sender=entry.model, dispatch_uid=_uid("saved", entry.model))
    post_delete.disconnect(sender=entry.model, dispatch_uid=_uid("deleted", entry.model))
    # The moderation and followed models' receivers stay: they look the registered models up when
    # they run, and find none.


def _moderated(sender: type[models.Model], obj: models.Model, **kwargs: Any) -> None:
    if entry_for(sender) is not None:
        sync_visibility(sender, pk=obj.pk)
    for entry, lookup in followers_of(sender):
        sync_visibility(entry.model, **{lookup: obj})


def _saved(
    sender: type[models.Model],
    instance: models.Model,
    created: bool = False,
    update_fields: frozenset[str] | None = None,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    entry = entry_for(sender)
    if raw or created or entry is None:  # a new object is indexed by the service that made it
        return
    if _is_decision(update_fields):
        return
    if update_fields is None or entry.state_fields.intersection(update_fields):
        sync_visibility(sender, pk=instance.pk)


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if entry_for(sender) is not None:
        remove_object(instance)


def _followed_saved(
    sender: type[models.Model],
    instance: models.Model,
    created: bool = False,
    update_fields: frozenset[str] | None = None,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    if raw or created or _is_decision(update_fields):  # nothing follows a new object
        return
    for entry, lookup in followers_of(sender):
        sync_visibility(entry.model, **{lookup: instance})
