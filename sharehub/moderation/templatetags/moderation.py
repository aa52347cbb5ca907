"""Template helpers other apps use on their pages.

{% load moderation %}
{% moderation_history object %}   the decisions on an object, for its authors and moderators
{% report_url object as url %}    the report form's address ("" when it cannot be reported)
{% report_link object %}          a "Report" link to that form, only on published content
"""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from sharehub.accounts.roles import is_city_staff, is_moderator
from sharehub.moderation.models import ModerationStatus
from sharehub.moderation.permissions import is_author
from sharehub.moderation.registry import is_moderated
from sharehub.moderation.selectors import moderation_history as history_selector

register = template.Library()

ACTION_LABELS = {
    "moderation.published": pgettext_lazy("moderation history", "Published"),
    "moderation.rejected": pgettext_lazy("moderation history", "Not accepted"),
    "moderation.hidden": pgettext_lazy("moderation history", "Hidden"),
    "moderation.restored": pgettext_lazy("moderation history", "Visible again"),
    "moderation.resubmitted": pgettext_lazy("moderation history", "Submitted again"),
}


@register.inclusion_tag("moderation/partials/history.html", takes_context=True)
def moderation_history(
    context: template.Context, obj: models.Model, heading_level: int = 2
) -> dict:
    """Who decided what, when and why, shown to the object's authors and to moderators.

    Authors read every reason; moderators' names are shown to moderators and city staff only,
    so a moderator is not singled out to the person they decided about.
    """
    request = context.get("request")
    viewer = getattr(request, "user", None)
    staff_view = is_moderator(viewer) or is_city_staff(viewer)
    author = is_author(viewer, obj)
    visible = staff_view or author
    entries = []
    if visible:
        for entry in history_selector(obj):
            entry.label = ACTION_LABELS.get(entry.action, entry.action)
            entries.append(entry)
    return {
        "request": request,
        "visible": visible,
        "object": obj,
        "entries": entries,
        "show_names": staff_view,
        "heading_tag": f"h{max(2, min(int(heading_level), 6))}",
        "can_resubmit": author and obj.moderation_status == ModerationStatus.REJECTED,
        "content_type_id": ContentType.objects.get_for_model(obj).pk,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def report_url(obj: models.Model) -> str:
    if not is_moderated(type(obj)) or obj.moderation_status != ModerationStatus.PUBLISHED:
        return ""
    return reverse("moderation:report", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


@register.inclusion_tag("moderation/partials/report_link.html")
def report_link(obj: models.Model) -> dict:
    return {"url": report_url(obj)}
