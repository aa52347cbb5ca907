"""Signals other apps listen to, so organizations need not import them.

`public_facts_changed(sender=Organization, organization=..., fields=[...])` is sent inside the
writing transaction when a public fact of an organization changed (its name once approved, or
its description): the directory refreshes the listing's search entry in the same transaction.
"""

from django.dispatch import Signal

public_facts_changed = Signal()
