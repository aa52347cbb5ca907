from django.conf import settings
from django.http import HttpRequest

from .i18n import city_name, current_language, hub_name
from .urlmemo import translate_url


def hub(request: HttpRequest) -> dict:
    """The hub's name, city and languages, for every page. What the apps add to every page (the
    unread notifications) comes from sharehub.portal.context_processors."""
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
    }
