from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from sharehub.api import api
from sharehub.core import security_txt
from sharehub.core import urls as core_urls
from sharehub.core import views as core_views
from sharehub.core.uploads import serve_public_media
from sharehub.opendata import urls as opendata_urls
from sharehub.places import urls as places_urls
from sharehub.portal import urls as portal_urls

handler400 = "sharehub.core.views.bad_request"
handler403 = "sharehub.core.views.permission_denied"
handler404 = "sharehub.core.views.page_not_found"
handler500 = "sharehub.core.views.server_error"
# allauth's rate limits (ACCOUNT_RATE_LIMITS) answer through ROOT_URLCONF.handler429.
handler429 = "sharehub.accounts.views.too_many_requests"

urlpatterns = [
    path("api/v1/", api.urls),
    path("health/", core_views.health, name="health"),
    path(".well-known/security.txt", security_txt.security_txt, name="security_txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    *portal_urls.root_urlpatterns,
    # The DCAT-AP catalogue and the CKAN Action API, where harvesters look for them.
    path("", include((opendata_urls.root_urlpatterns, opendata_urls.root_app_name))),
]
if settings.SHAREHUB_SERVE_MEDIA:
    # The embedded install serves public uploads itself; a city's production puts them on object
    # storage. Private files (core.uploads.PrivateStorage) are outside MEDIA_ROOT, served by checked views.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve_public_media))

urlpatterns += i18n_patterns(
    # The portal's pages keep their names: core:home beside core's pages, places:list and
    # places:detail after places' own routes (districts.geojson is never read as a district).
    path("", include((portal_urls.home_urlpatterns + core_urls.urlpatterns, core_urls.app_name))),
    path("accounts/", include("allauth.urls")),
    path("me/", include((portal_urls.me_urlpatterns, "portal"))),
    path("me/", include("sharehub.accounts.urls")),
    path("workspace/", include((portal_urls.workspace_urlpatterns, "workspace"))),
    path("organizations/", include("sharehub.organizations.urls")),
    path("designation/", include("sharehub.designation.urls")),
    path("directory/", include("sharehub.directory.urls")),
    path(
        "districts/",
        include((places_urls.urlpatterns + portal_urls.district_urlpatterns, places_urls.app_name)),
    ),
    path("moderation/", include("sharehub.moderation.urls")),
    path("notifications/", include("sharehub.notifications.urls")),
    path("search/", include("sharehub.search.urls")),
    path("events/", include("sharehub.events.urls")),
    path("news/", include("sharehub.news.urls")),
    path("participate/", include("sharehub.participation.urls")),
    path("spaces/", include("sharehub.facilities.urls")),
    path("support/", include("sharehub.programmes.urls")),
    path("newsletters/", include("sharehub.newsletters.urls")),
    path("data/", include("sharehub.opendata.urls")),
    path("admin/", admin.site.urls),
)
