"""The files a site keeps at its root: /sitemap.xml (with one file per section), /robots.txt and
/favicon.ico. Outside the language prefix, as crawlers and browsers look for them there."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = "core/img/favicon.ico"
# Pages that are nobody's business but their owner's, staff tools, and machine endpoints: not
# secret (every one checks permission), just not worth a crawler's visit. Per language prefix.
PRIVATE_PREFIXES = (
    "accounts/",
    "me/",
    "notifications/",
    "moderation/",
    "admin/",
    "designation/apply/",
    "designation/applications/",
    "designation/documents/",
    "designation/review/",
    "events/mine/",
    "events/manage/",
    "events/feed/private/",
    "organizations/mine/",
    "organizations/new/",
    "news/write/",
    "news/desk/",
    "newsletters/confirm/",
    "newsletters/preferences/",
    "newsletters/unsubscribe/",
    "newsletters/manage/",
    "search/",
)


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /api/", "Disallow: /i18n/"]
    for code, _name in settings.LANGUAGES:
        lines += [f"Disallow: /{code}/{prefix}" for prefix in PRIVATE_PREFIXES]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico whatever the page links: the hub's icon, from its static files
    (the apps' own copy, or the collected one where only that exists)."""
    path = finders.find(FAVICON)
    if path:
        with open(path, "rb") as icon:
            content = icon.read()
    elif staticfiles_storage.exists(FAVICON):
        with staticfiles_storage.open(FAVICON) as icon:
            content = icon.read()
    else:
        raise Http404
    return HttpResponse(content, content_type="image/vnd.microsoft.icon")
