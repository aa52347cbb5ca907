"""An event's description is rich text (the hub's editor): cleaned on save in each language, an
image needs a text alternative, and a description written before as plain text still reads."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from sharehub.core.tests.test_editor import ACTIVE_CONTENT, HUB_IMAGE
from sharehub.events.models import Event

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _korean():
    with translation.override("ko"):
        yield


def _form(organization, **fields) -> dict:
    return {
        "organizer": str(organization.pk),
        "title_ko": "새 모임",
        "kind": "meeting",
        "status": "published",
        "starts_at": "2030-03-01T10:00",
        "ends_at": "2030-03-01T12:00",
        "capacity": "20",
        "waitlist_mode": "automatic",
        "offer_hours": "24",
        "reminder_hours": "24",
        **fields,
    }


@pytest.mark.parametrize("field", ["description_ko", "description_en"])
@pytest.mark.parametrize("dirty,forbidden", ACTIVE_CONTENT)
def test_description_is_cleaned_on_save(client, organizer, organization, field, dirty, forbidden):
    client.force_login(organizer)
    response = client.post(reverse("events:create"), _form(organization, **{field: dirty}))
    assert response.status_code == 302
    assert forbidden not in getattr(Event.objects.get(), field)


@pytest.mark.parametrize("field", ["description_ko", "description_en"])
def test_image_without_alt_is_a_field_error(client, organizer, organization, field):
    client.force_login(organizer)
    response = client.post(
        reverse("events:create"), _form(organization, **{field: f'<img src="{HUB_IMAGE}">'})
    )
    assert response.status_code in (400, 422)
    assert field in response.context["form"].errors
    assert not Event.objects.exists()


def test_the_editor_writes_the_description(client, organizer, organization):
    client.force_login(organizer)
    page = client.get(reverse("events:create")).content.decode()
    assert page.count("data-rich-text") == 2 and "core/js/editor.js" in page
    body = f'<h2>순서</h2><ul><li>발표</li></ul><p><img src="{HUB_IMAGE}" alt="행사장 사진"></p>'
    client.post(reverse("events:create"), _form(organization, description_ko=body))
    event = Event.objects.get()
    assert event.description_ko == body
    html = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert '<div class="rich-text-body"><h2>순서</h2><ul><li>발표</li></ul>' in html


def test_plain_text_from_before_still_reads(client, organization):
    event = EventFactory(
        organization=organization,
        description_ko="1부 발표 <2부 토론>\n\n한국어–영어 통역",
        description_en="",
    )
    html = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "<p>1부 발표 &lt;2부 토론&gt;</p>" in html and "<p>한국어–영어 통역</p>" in html
