from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sharehub.core.pagination import paginate

from .models import OutboundEmail
from .selectors import notifications_for


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/list.html", {"page": paginate(request, notifications_for(user=request.user))})


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    if not request.user.is_city_staff:
        raise PermissionDenied
    return render(request, "notifications/outbox.html", {"page": paginate(request, OutboundEmail.objects.all())})
