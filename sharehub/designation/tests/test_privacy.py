from __future__ import annotations

import pytest

from sharehub.core import privacy
from sharehub.designation import services
from sharehub.designation.models import ReviewComment

from .factories import submitted_application, world

pytestmark = pytest.mark.django_db


def test_export_and_erase_keep_comments_but_anonymise_them():
    organization, owner, _editor, _staff = world()
    application = submitted_application(organization, owner, activities="나눔 활동 🎁")
    services.add_comment(actor=owner, application=application, body="답변입니다")
    handler = {h.name: h for h in privacy.handlers()}["designation"]
    exported = handler.export(owner)
    assert exported["applications"][0]["activities"] == "나눔 활동 🎁"
    assert exported["comments"][0]["body"] == "답변입니다"
    handler.erase(owner)
    comment = ReviewComment.objects.get()
    assert comment.author is None and comment.body == "답변입니다"
    application.refresh_from_db()
    assert application.created_by is None and application.submitted_by is None
    assert handler.export(owner) == {"applications": [], "comments": [], "annual_reports": []}
