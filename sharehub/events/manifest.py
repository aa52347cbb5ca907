"""events' registrations with the kernel (see DESIGN.md, "App contract")."""

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from sharehub.accounts.roles import is_city_staff
from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.editor import register_author
from sharehub.core.org_sections import register_org_section
from sharehub.core.periodic import register_periodic
from sharehub.core.user_menu import register_user_menu_entry
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_kind
from sharehub.organizations.models import Organization
from sharehub.participation.committee_sections import register_committee_section
from sharehub.search.registry import register_searchable

from . import demo, notices, privacy_data, tasks
from .committee_section import committee_meetings
from .models import Event
from .search_index import EVENT_KIND, EVENT_STATE_FIELDS, event_document
from .selectors import (
    organizers_for,
    public_events,
    registrations_awaiting_approval_count,
    upcoming_events_of,
)


def _load_demo(run: DemoRun) -> int:
    return demo.load_demo(accounts=run.accounts)


# Whoever may organize an event writes its description with the rich-text editor.
register_author("events", lambda user: bool(organizers_for(user)))
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
    by_district=True,
    kind=EVENT_KIND,
)
privacy.register(
    "events",
    export=privacy_data.export_registrations,
    erase=privacy_data.erase_registrations,
)
register_periodic("events.send_reminders", tasks.send_event_reminders, every=timedelta(minutes=10))
register_periodic("events.expire_offers", tasks.expire_waitlist_offers, every=timedelta(minutes=5))
register_periodic("events.tell_due_notices", tasks.tell_due_notices, every=timedelta(minutes=1))
register_demo("events", _load_demo, label="events", order=50)
register_user_menu_entry("events", label=_("My events"), url_name="events:mine", order=10)
register_work(
    "events.approvals",
    label=_("Registrations awaiting approval"),
    url_name="events:manage_list",
    allowed=is_city_staff,
    count=registrations_awaiting_approval_count,
    help_text=_("In the coming events you manage."),
    order=40,
)
register_work(
    "events.create",
    label=_("New event"),
    url_name="events:create",
    allowed=is_city_staff,
    order=140,
)


def _org_events(organization: Organization, request: Any) -> dict[str, Any] | None:
    events = upcoming_events_of(organization, limit=5)
    return {"events": events} if events else None


# The organization's page lists its next public events (one query).
register_org_section(
    "events", template="events/partials/org_section.html", context=_org_events, order=30
)

# A committee's page (participation) lists its coming meetings and its published minutes.
register_committee_section(
    "events",
    template="events/partials/committee_section.html",
    context=committee_meetings,
    order=30,
)
