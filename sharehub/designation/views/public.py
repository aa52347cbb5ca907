"""The public register of designated organizations and each designation's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.designation import selectors
from sharehub.designation.forms import ReasonForm
from sharehub.designation.history import described
from sharehub.designation.permissions import can_decide


def register(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "designation/register.html",
        {
            "page": paginate(request, selectors.designated_organizations()),
            "query": querystring_without_page(request),
        },
    )


def designation_detail(request: HttpRequest, number: str) -> HttpResponse:
    designation = selectors.get_designation(number)
    return render(
        request,
        "designation/detail.html",
        {
            "designation": designation,
            "effective_status": designation.effective_status(),
            "can_decide": can_decide(request.user),
            "reason_form": ReasonForm(),
            "history": described(selectors.history(designation)),
        },
    )
