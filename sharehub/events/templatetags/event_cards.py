"""`{% load event_cards %}`: an event's dates and its places, as every list of events shows them,
and the events list's whole card.

They were two included templates; a list of 20 cards rendered them 40 times through the template
engine (an include, a context push and a dozen filters each), a large share of a list page built
whole (issue 18). Here each is one Python call writing the same HTML.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext, pgettext

from sharehub.core.i18n import city_name
from sharehub.core.templatetags.content_lang import content
from sharehub.core.templatetags.datetimes import iso
from sharehub.core.urlmemo import reverse

register = template.Library()


def _time(value: datetime) -> SafeString:
    return format_html(
        '<time datetime="{}">{}</time>', iso(value), formats.date_format(value, "DATETIME_FORMAT")
    )


@register.simple_tag
def event_when(event) -> SafeString:
    """When the event starts and ends (the end's time alone on the same day), and the next
    session's start when a course's next session is not its first."""
    starts, ends = template_localtime(event.starts_at), template_localtime(event.ends_at)
    if starts.date() == ends.date():
        end = formats.time_format(ends, "TIME_FORMAT")
    else:
        end = formats.date_format(ends, "DATETIME_FORMAT")
    html = format_html('{} – <time datetime="{}">{}</time>', _time(starts), iso(event.ends_at), end)
    following = getattr(event, "next_starts_at", None)
    if following and following != event.starts_at:
        html += format_html(
            '<br><span class="next-session">{}: {}</span>',
            pgettext("event", "Next session"),
            _time(template_localtime(following)),
        )
    return html


@register.simple_tag
def places_badge(event) -> SafeString:
    """The places left, or what a card says instead (`Event.registration_state`)."""
    state = event.registration_state
    if state == "cancelled":
        return format_html(
            '<span class="badge event-cancelled">{}</span>', pgettext("event status", "Cancelled")
        )
    if state == "ended":
        return format_html(
            '<span class="tag event-closed">{}</span>', gettext("This event has ended")
        )
    if state == "not_open":
        when = formats.date_format(
            template_localtime(event.registration_opens_at), "DATETIME_FORMAT"
        )
        text = gettext("Registration opens %(when)s") % {"when": when}
        return format_html('<span class="tag event-closed">{}</span>', text)
    if state == "closed":
        return format_html(
            '<span class="tag event-closed">{}</span>', gettext("Registration is closed")
        )
    if state == "open":
        free = event.free_places
        text = ngettext("%(counter)s place left", "%(counter)s places left", free) % {
            "counter": free
        }
        return format_html('<span class="tag">{}</span>', text)
    return format_html('<span class="badge event-full">{}</span>', gettext("Full: waitlist open"))


@register.simple_tag
def event_card(event) -> SafeString:
    """The events list's card `<li>`: kind and district, the title linking to the event, when,
    the search's highlight or the summary, the organizer (the city when none) and the places.
    One call a card (20 a page) instead of a dozen template nodes each (issue 18); the parts are
    escaped with `html.escape`, as Django's `escape` does."""
    kind = escape(str(event.get_kind_display()))
    if event.district_id is not None:
        kind += f" · {escape(event.district.name)}"
    url = escape(reverse("events:detail", args=[event.pk]))
    highlight = getattr(event, "highlight", "")
    if highlight:
        text = f'<p class="highlight">{conditional_escape(highlight)}</p>'
    else:
        text = content(event, "summary", tag="p", truncate=140)
    if event.organization_id is not None:
        organizer = content(event.organization, "name", marker=False)
    else:
        organizer = escape(city_name())
    return mark_safe(
        f'<li class="card event-card"><p class="meta">{kind}</p>'
        f'<h3><a href="{url}">{content(event, "title")}</a></h3>'
        f"<p>{event_when(event)}</p>{text}"
        f'<p class="meta">{organizer}</p><p>{places_badge(event)}</p></li>'
    )
