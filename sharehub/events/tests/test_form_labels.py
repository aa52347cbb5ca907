"""The event forms name each language's field as the hub's other forms do ("한국어 제목"), never
modeltranslation's "제목 [ko]"."""

from __future__ import annotations

import pytest
from django.utils import translation

from sharehub.events.forms import EventForm, QuestionForm, SessionForm


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "title_ko", "summary_en"),
    [("ko", "한국어 제목", "영어 요약"), ("en", "Title in Korean", "Summary in English")],
)
def test_translated_fields_are_labelled_with_their_language(lang, title_ko, summary_en):
    with translation.override(lang):
        event = EventForm()
        question, session = QuestionForm(), SessionForm()
    assert event.fields["title_ko"].label == title_ko
    assert event.fields["summary_en"].label == summary_en
    labels = [
        str(field.label) for form in (event, question, session) for field in form.fields.values()
    ]
    assert not [label for label in labels if label.endswith(("[ko]", "[en]"))]
    korean = question.fields["label_ko"].label
    assert korean.startswith("한국어 ") if lang == "ko" else korean.endswith(" in Korean")
