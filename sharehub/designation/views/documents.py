"""An application's documents: attached and removed by the applicant, downloaded by the
applicant and city staff through a checked view (never from MEDIA_URL)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.forms import run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.core.uploads import private_file_response
from sharehub.designation import selectors, services
from sharehub.designation.forms import DocumentForm

from .common import application_page, run_action


@login_required
@require_POST
@ratelimit_writes("designation-upload", "60/h")
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form,
        lambda: services.add_document(
            actor=request.user,
            application=application,
            upload=form.cleaned_data["file"],
            document_type=form.cleaned_data["document_type"],
        ),
    ):
        messages.success(request, _("The document has been attached."))
        return redirect(application)
    return application_page(request, application, document_form=form, status=400)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Documents are private: served here after the permission check, never from MEDIA_URL."""
    document = selectors.get_document_for(request.user, pk)
    return private_file_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for(request.user, pk)
    run_action(
        request, services.remove_document, _("The document has been removed."), document=document
    )
    return redirect(document.application)
