"""The staff workspace ("업무"): what waits for a privileged person, and the tools of their roles.

An app registers, in its manifest, a work item: a label, the URL name of the page where the work
is done, `allowed(user)` (the role that does it, asked of `accounts.roles` by apps above accounts,
or of `user.has_perm` below) and, for a queue, `count(user)` (how many wait) and optionally
`overdue(user)` (how many of those are late). An item without `count` is a tool: a link. The
workspace page (portal) shows the items this person may use by ascending order, without knowing
the apps; each count is one query, so the page runs a bounded number of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

from sharehub.core.pagecache import kept_value

Label = str | Promise
Allowed = Callable[[Any], bool]
Count = Callable[[Any], int]


@dataclass(frozen=True)
class WorkItem:
    name: str
    label: Label
    url_name: str
    allowed: Allowed
    order: int
    count: Count | None = None
    overdue: Count | None = None
    help_text: Label = ""


@dataclass(frozen=True)
class WorkLink:
    """One item as the workspace shows it to one person."""

    name: str
    label: Label
    url: str
    help_text: Label
    count: int | None
    overdue: int


_items: dict[str, WorkItem] = {}


def register_work(
    name: str,
    *,
    label: Label,
    url_name: str,
    allowed: Allowed,
    order: int = 100,
    count: Count | None = None,
    overdue: Count | None = None,
    help_text: Label = "",
) -> None:
    _items[name] = WorkItem(
        name=name,
        label=label,
        url_name=url_name,
        allowed=allowed,
        order=order,
        count=count,
        overdue=overdue,
        help_text=help_text,
    )


def work_items() -> list[WorkItem]:
    return sorted(_items.values(), key=lambda item: (item.order, item.name))


def has_work(user: Any) -> bool:
    """Whether any registered item is this person's (the header shows the workspace link)."""
    return any(item.allowed(user) for item in _items.values())


# The account's own fields the roles are read from (accounts.roles); the rest of what `allowed`
# asks (a committee seat, a space run) is read from the database and followed by the versions.
_ROLE_FIELDS = ("is_active", "is_superuser", "is_staff", "is_city_staff", "is_moderator")


def has_work_of_request(request: HttpRequest) -> bool:
    """`has_work` for the person making the request, once per request and kept across requests
    until a write to what it read (every page's header asks it; for a citizen it asks every
    registered item, several with a query)."""
    if not hasattr(request, "_has_work"):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            request._has_work = False  # type: ignore[attr-defined]
        else:
            flags = ",".join(str(getattr(user, name, None)) for name in _ROLE_FIELDS)
            request._has_work = kept_value(  # type: ignore[attr-defined]
                f"has_work:{user.pk}:{flags}", lambda: has_work(user)
            )
    return bool(request._has_work)  # type: ignore[attr-defined]


def work_for(user: Any) -> tuple[list[WorkLink], list[WorkLink]]:
    """(queues, tools) this person may use, with their counts."""
    queues: list[WorkLink] = []
    tools: list[WorkLink] = []
    for item in work_items():
        if not item.allowed(user):
            continue
        link = WorkLink(
            name=item.name,
            label=item.label,
            url=reverse(item.url_name),
            help_text=item.help_text,
            count=item.count(user) if item.count is not None else None,
            overdue=item.overdue(user) if item.overdue is not None else 0,
        )
        (queues if item.count is not None else tools).append(link)
    return queues, tools
