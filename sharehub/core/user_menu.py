"""The user menu in every page's header: a signed-in person's own pages, from the apps.

An app registers, in its manifest, an entry: a label, the URL name of its page, an order, and
optionally `visible(request)` (False leaves the entry out for this person) and `count(request)`
(a number shown beside the label, such as unread notifications, with `count_label` read out after
it). The header (`{% user_menu %}`, core/templatetags/user_menu.py) renders the entries by
ascending order without knowing the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise

Label = str | Promise
Visible = Callable[[HttpRequest], bool]
Count = Callable[[HttpRequest], int]


@dataclass(frozen=True)
class UserMenuEntry:
    name: str
    label: Label
    url_name: str
    order: int
    visible: Visible | None = None
    count: Count | None = None
    count_label: Label = ""


@dataclass(frozen=True)
class UserMenuLink:
    """One entry as the header shows it to one person."""

    name: str
    label: Label
    url: str
    current: bool
    count: int
    count_label: Label


_entries: dict[str, UserMenuEntry] = {}


def register_user_menu_entry(
    name: str,
    *,
    label: Label,
    url_name: str,
    order: int = 100,
    visible: Visible | None = None,
    count: Count | None = None,
    count_label: Label = "",
) -> None:
    _entries[name] = UserMenuEntry(
        name=name,
        label=label,
        url_name=url_name,
        order=order,
        visible=visible,
        count=count,
        count_label=count_label,
    )


def user_menu_entries() -> list[UserMenuEntry]:
    return sorted(_entries.values(), key=lambda entry: (entry.order, entry.name))


def user_menu_links(request: HttpRequest) -> list[UserMenuLink]:
    """The entries for the signed-in person making the request, in order; none for anybody else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = []
    for entry in user_menu_entries():
        if entry.visible is not None and not entry.visible(request):
            continue
        url = reverse(entry.url_name)
        links.append(
            UserMenuLink(
                name=entry.name,
                label=entry.label,
                url=url,
                current=request.path == url,
                count=entry.count(request) if entry.count is not None else 0,
                count_label=entry.count_label,
            )
        )
    return links
