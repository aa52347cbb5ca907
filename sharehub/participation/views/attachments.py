"""A proposal's attachments: downloaded through a checked view by whoever may see the proposal
(never from MEDIA_URL), removed by the author while the proposal may be edited in place."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sharehub.core.forms import run_action
from sharehub.core.uploads import private_file_response
from sharehub.participation.selectors.attachments import get_attachment_for
from sharehub.participation.services import attachments as services


@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """404 unless the actor may see the proposal (`can_see_proposal`): a draft's files to its
    author only; a hidden or rejected proposal's to its author, moderators and city staff."""
    attachment = get_attachment_for(request.user, pk)
    return private_file_response(
        attachment.file, filename=attachment.title, content_type=attachment.content_type
    )


@require_POST
@login_required
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for(request.user, pk)
    run_action(
        request,
        services.remove_attachment,
        _("The file is removed."),
        attachment=attachment,
    )
    return redirect(attachment.proposal)


urlpatterns = [
    path("files/<int:pk>/", attachment_download, name="attachment"),
    path("files/<int:pk>/remove/", attachment_remove, name="attachment_remove"),
]
