"""events' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.periodic import register_periodic
from sharehub.notifications.kinds import register_kind
from sharehub.organizations.models import Organization
from sharehub.search.registry import register_searchable

from . import demo, notices, privacy_data, tasks
from .models import Event
from .search_index import EVENT_STATE_FIELDS, event_document
from .selectors import public_events


def _load_demo(run: DemoRun) -> int:
    return demo.load_demo(accounts=run.accounts)


register_kind(notices.REGISTRATION_KIND, _("Your event registrations and the waitlist"))
register_kind(notices.REMINDER_KIND, _("Reminders before events you registered for"))
register_kind(notices.ORGANIZER_KIND, _("Messages from event organizers and cancellations"))
# Public: published, by the city or a published organization (selectors.public_events).
register_searchable(
    Event,
    document=event_document,
    public=public_events,
    state_fields=EVENT_STATE_FIELDS,
    follows={Organization: "organization"},
)
privacy.register(
    "events",
    export=privacy_data.export_registrations,
    erase=privacy_data.erase_registrations,
)
register_periodic("events.send_reminders", tasks.send_event_reminders, every=timedelta(minutes=10))
register_periodic("events.expire_offers", tasks.expire_waitlist_offers, every=timedelta(minutes=5))
register_demo("events", _load_demo, label="events", order=50)
