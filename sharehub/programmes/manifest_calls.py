"""The calls part's registrations with the kernel (imported by manifest.py): published calls are
searchable, followers are reminded before a call closes (periodic), their follows are in their
data export and go with their account, and city staff find their calls in the workspace."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.editor import register_author
from sharehub.core.periodic import register_periodic
from sharehub.core.workspace import register_work
from sharehub.search.registry import register_searchable

from .models import Call
from .permissions import runs_any_call, runs_programmes
from .search_index import CALL_KIND, CALL_STATE_FIELDS, call_document
from .selectors import public_calls
from .selectors.calls import export_follows
from .services.calls import erase_follows
from .tasks_calls import send_call_reminders

register_searchable(
    Call,
    document=call_document,
    public=public_calls,
    state_fields=CALL_STATE_FIELDS,
    by_district=True,
    kind=CALL_KIND,
)
register_periodic("programmes.call_reminders", send_call_reminders, every=timedelta(hours=1))
privacy.register("programmes.follows", export=export_follows, erase=erase_follows)
register_work(
    "programmes.calls",
    label=_("Support programmes"),
    url_name="programmes:manage",
    allowed=runs_any_call,
    help_text=_("Calls for support: create, edit and publish them; their applications."),
    order=60,
)
# City staff write the calls' rich text (and may upload its images).
register_author("programmes", runs_programmes)
