from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url

from .i18n import city_name, current_language, hub_name


def hub(request: HttpRequest) -> dict:
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from sharehub.notifications.selectors import unread_count

        unread = unread_count(user=user)
    path = request.get_full_path()
    return {
        "hub_name": hub_name(),
        "city_name": city_name(),
        "hub_city": settings.SHAREHUB_CITY,
        "current_language": current_language(),
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)}
            for code, name in settings.LANGUAGES
        ],
        "unread_notifications": unread,
    }
