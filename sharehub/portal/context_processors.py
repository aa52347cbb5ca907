from django.http import HttpRequest

from sharehub.notifications.selectors import unread_count


def site(request: HttpRequest) -> dict:
    """What every page's header shows beside the kernel's context (core.context_processors.hub):
    the signed-in person's unread notifications."""
    user = getattr(request, "user", None)
    unread = unread_count(user=user) if user is not None and user.is_authenticated else 0
    return {"unread_notifications": unread}
