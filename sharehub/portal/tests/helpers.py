from __future__ import annotations

import itertools
import re

from sharehub.organizations.models import Organization
from sharehub.places.models import District

_numbers = itertools.count()


def make_organization(
    district: District | None, *, status: str = "published", name: str | None = None
) -> Organization:
    n = next(_numbers)
    return Organization.objects.create(
        slug=f"org-{n}",
        name_ko=name or f"공유단체 {n}",
        name_en=name or f"Sharing org {n}",
        kind="enterprise",
        moderation_status=status,
        district=district,
    )


def assert_no_inline_code(html: str) -> None:
    """The strict CSP forbids inline scripts, style attributes and event handler attributes."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
