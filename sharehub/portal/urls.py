"""The portal's pages keep the URL names the site has always used: sharehub/urls.py mounts the
home page under the `core` namespace (core:home) and the district pages under `places`
(places:list, places:detail), beside those apps' own routes."""

from django.urls import path

from . import views

home_urlpatterns = [
    path("", views.home, name="home"),
]
district_urlpatterns = [
    path("", views.district_index, name="list"),
    path("<slug:slug>/", views.district_detail, name="detail"),
]
