"""The application's history is read in the reader's language, whoever wrote it."""

from __future__ import annotations

import pytest
from django.utils import translation

from sharehub.core.models import AuditEntry
from sharehub.designation.history import describe, described
from sharehub.designation.models import ReviewStage

pytestmark = pytest.mark.django_db


def test_a_stage_is_named_in_the_readers_language_not_the_writers():
    ReviewStage.objects.create(
        code="site-visit-test", name_ko="현장 실사 시험", name_en="Test site visit", order=90
    )
    # Written by staff working in Korean: the saved name is Korean.
    entry = AuditEntry(
        action="designation.stage_advanced",
        data={"from": "documents", "to": "site-visit-test", "stage": "현장 실사 시험"},
    )
    with translation.override("en"):
        assert describe(entry) == "The review moved to the stage: Test site visit."
        assert described([entry])[0][1] == "The review moved to the stage: Test site visit."
    with translation.override("ko"):
        assert "현장 실사 시험" in describe(entry)


def test_a_stage_deleted_since_keeps_the_name_saved_with_the_entry():
    entry = AuditEntry(
        action="designation.stage_advanced",
        data={"from": "documents", "to": "gone", "stage": "없어진 단계"},
    )
    with translation.override("en"):
        assert "없어진 단계" in describe(entry)
