"""Signals other apps listen to.

`published(sender=Model, obj=..., actor=...)` is sent when a moderator publishes an object, inside
the publishing transaction: a receiver's writes commit with the decision, and a receiver raising
ValidationError makes the publication fail with that message (shown to the moderator).
"""

from django.dispatch import Signal

published = Signal()
