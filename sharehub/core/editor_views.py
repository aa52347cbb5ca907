"""The editor's two endpoints (core.editor): an image upload answering JSON, and a preview.

The preview answers an htmx request with a fragment (the editor swaps it under the field) and a
plain form post, the editor's button without JavaScript, with a page of its own (opened in a new
tab, so the text being written stays where it was).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from sharehub.core import editor
from sharehub.core.ratelimit import UPLOAD_LIMITED


@require_POST
def upload_image(request: HttpRequest) -> JsonResponse:
    """201 {"url"}; 400 or 429 {"detail", "errors": {"image": […]}}; 403 {"detail"}."""
    try:
        url = editor.store_image(actor=request.user, upload=request.FILES.get(editor.IMAGE_FIELD))
    except PermissionDenied as error:
        return JsonResponse({"detail": str(error), "errors": {}}, status=403)
    except ValidationError as error:
        errors = error.message_dict
        codes = {item.code for items in error.error_dict.values() for item in items}
        return JsonResponse(
            {
                "detail": " ".join(message for items in errors.values() for message in items),
                "errors": errors,
            },
            status=429 if UPLOAD_LIMITED in codes else 400,
        )
    return JsonResponse({"url": url}, status=201)


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    field, _space, language = request.POST.get(editor.PREVIEW_BUTTON, "").partition(" ")
    result = editor.preview(actor=request.user, value=request.POST.get(field, "") if field else "")
    if language not in dict(settings.LANGUAGES):
        language = ""
    context = {
        "preview": result,
        "language": language,
        "language_name": editor.language_name(language) if language else "",
    }
    if request.headers.get("HX-Request"):
        return render(request, "core/editor/preview_fragment.html", context)
    return render(request, "core/editor/preview.html", context)
