from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_moderator:
        raise PermissionDenied
    return render(request, "moderation/queue.html", {})
