"""The portal's pages keep the URL names the site has always used: sharehub/urls.py mounts the
home page under the `core` namespace (core:home) and the district pages under `places`
(places:list, places:detail), beside those apps' own routes."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import site_files, views, workspace
from .sitemaps import SITEMAPS

# The site's root files, outside the language prefix (sharehub/urls.py).
root_urlpatterns = [
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", site_files.robots_txt, name="robots"),
    path("favicon.ico", site_files.favicon, name="favicon"),
]

home_urlpatterns = [
    path("", views.home, name="home"),
]
district_urlpatterns = [
    path("", views.district_index, name="list"),
    path("<slug:slug>/", views.district_detail, name="detail"),
]

me_urlpatterns = [
    path("subscriptions/", views.my_subscriptions, name="subscriptions"),
]

workspace_urlpatterns = [
    path("", workspace.workspace, name="home"),
]
