"""Moderation tests use the real Organization model as their moderated object.

Authorship is set explicitly per test (the organizations app may define its own
`moderation_authors()`), so these tests depend only on name_ko, slug and kind.
"""

from __future__ import annotations

import itertools

import pytest

from sharehub.moderation.models import ModerationStatus
from sharehub.moderation.registry import register_moderated

_slugs = itertools.count(1)


@pytest.fixture
def org_model():
    from sharehub.organizations.models import Organization

    register_moderated(Organization)
    return Organization


@pytest.fixture
def authors(monkeypatch, org_model) -> dict:
    """Map an organization's pk to the users told about decisions on it."""
    mapping: dict[int, list] = {}
    monkeypatch.setattr(
        org_model, "moderation_authors", lambda self: mapping.get(self.pk, []), raising=False
    )
    return mapping


@pytest.fixture
def make_org(db, org_model, authors):
    def make(*, status: str = ModerationStatus.PENDING, author=None, name: str = "나눔 가게"):
        number = next(_slugs)
        org = org_model.objects.create(
            name_ko=f"{name} {number}",
            slug=f"org-{number}",
            kind="enterprise",
            moderation_status=status,
        )
        if author is not None:
            authors[org.pk] = [author]
        return org

    return make
