"""The one signal of moderation, sent for every transition (publish, reject, hide, restore, resubmit).

`moderation_changed(sender=Model, obj=..., previous=..., status=..., actor=..., reason=...)`:
`obj` is the instance whose `moderation_status` just changed from `previous` to `status` (both
`ModerationStatus` values), `actor` who decided and `reason` the reason given ("" when none).
It is sent inside the decision's transaction, after its audit row and notices: a receiver's writes
commit with the decision (search reindexing, applying a published suggestion), and a receiver
raising ValidationError makes the decision fail with that message (shown to the moderator).
"""

from django.dispatch import Signal

moderation_changed = Signal()

# The fields a transition saves (`save(update_fields=MODERATION_FIELDS)`), just before it sends
# the signal: a save of these alone is a decision, which receivers learn from the signal.
MODERATION_FIELDS = ["moderation_status", "moderation_reason", "moderated_at", "moderated_by"]
