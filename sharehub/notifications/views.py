"""Notification pages: the list (mark read, htmx-enhanced), preferences, the staff outbox (metadata
only) and, in demo mode, the demo mailbox where a browser reads the mail meant for it."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.pagination import paginate, querystring_without_page

from . import demo_mailbox, selectors, services
from .forms import OutboxSearchForm, PreferencesForm
from .permissions import can_read_outbox


def _back(request: HttpRequest) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("notifications:list")


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.notifications_for(user=request.user))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "query": querystring_without_page(request)},
    )


@login_required
@require_POST
def mark_one_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.get_notification_for(request.user, notification_id=notification_id)
    services.mark_read(actor=request.user, notification_ids=[notification.pk])
    if request.headers.get("HX-Request") == "true":
        notification.refresh_from_db()
        context = {
            "notification": notification,
            "unread_count": selectors.unread_count(user=request.user),
            "oob": True,
        }
        return render(request, "notifications/partials/item.html", context)
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_back(request))


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        preferences=selectors.preferences_for(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.set_email_preferences(actor=request.user, choices=form.choices())
        messages.success(request, _("Your notification preferences have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _require_outbox_reader(request: HttpRequest) -> None:
    if not can_read_outbox(request.user):
        raise PermissionDenied


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    _require_outbox_reader(request)
    search = OutboxSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = paginate(request, selectors.outbox(actor=request.user, query=query))
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "search": search, "query": querystring_without_page(request)},
    )


@login_required
def outbox_detail(request: HttpRequest, outbound_id: int) -> HttpResponse:
    _require_outbox_reader(request)
    return render(
        request,
        "notifications/outbox_detail.html",
        {"message": selectors.get_outbound_for(request.user, outbound_id=outbound_id)},
    )


def demo_mailbox_list(request: HttpRequest) -> HttpResponse:
    """Demo mode only (404 otherwise): the mails this browser asked for and those of its signed-in user."""
    page = paginate(request, demo_mailbox.mails_for(request).only("to", "subject", "created_at"))
    return render(
        request,
        "notifications/demo_mailbox.html",
        {"page": page, "query": querystring_without_page(request)},
    )


# A stored attachment's type, without parameters, as a data: URL may carry it; anything else is
# offered as plain bytes.
_MIMETYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def _attachment_links(message: Any) -> list[dict[str, Any]]:
    """The mail's attachments (small files such as an event's .ics, stored base64) as download
    links: data: URLs with the `download` attribute, so the page needs no other route and the
    files reach only whoever may read this mail here."""
    links = []
    for attachment in message.attachments or []:
        content = str(attachment.get("content", ""))
        try:
            size = len(base64.b64decode(content, validate=True))
        except (binascii.Error, ValueError):
            continue  # not what the mail engine stores: nothing to offer
        mimetype = str(attachment.get("mimetype", "")).split(";")[0].strip().lower()
        if not _MIMETYPE.match(mimetype):
            mimetype = "application/octet-stream"
        links.append(
            {
                "filename": str(attachment.get("filename") or "attachment"),
                "mimetype": mimetype,
                "size": size,
                "href": f"data:{mimetype};base64,{content}",
            }
        )
    return links


def demo_mailbox_detail(request: HttpRequest, outbound_id: int) -> HttpResponse:
    message = demo_mailbox.get_mail_for(request, outbound_id=outbound_id)
    return render(
        request,
        "notifications/demo_mailbox_detail.html",
        {"message": message, "attachments": _attachment_links(message)},
    )
