from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import district_list, get_district


def district_index(request: HttpRequest) -> HttpResponse:
    return render(request, "places/list.html", {"districts": district_list()})


def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "places/detail.html", {"district": get_district(slug=slug)})
