from django.http import HttpRequest

from sharehub.core.workspace import has_work_of_request
from sharehub.notifications.selectors import unread_count_of_request


def site(request: HttpRequest) -> dict:
    """What every page's header shows beside the kernel's context (core.context_processors.hub):
    the signed-in person's unread notifications (the user menu's count, one query for both), and
    whether the header links the staff workspace (roles, and one query each for the work that is
    not a role: sitting on a committee, running a public space; remembered on the request's user)."""
    return {
        "unread_notifications": unread_count_of_request(request),
        "has_workspace": has_work_of_request(request),
    }
