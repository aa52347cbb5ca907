from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from sharehub.core.pagination import paginate

from .selectors import published_organizations


def organization_list(request: HttpRequest) -> HttpResponse:
    return render(request, "organizations/list.html", {"page": paginate(request, published_organizations())})


def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "organizations/detail.html", {"organization": get_object_or_404(published_organizations(), slug=slug)})
