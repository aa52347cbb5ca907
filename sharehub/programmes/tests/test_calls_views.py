"""The calls part's pages: the public list (phases, kinds, bounded queries), a call's page,
documents, following, the feed; the staff's pages and their forbidden paths."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.workspace import work_for
from sharehub.programmes.models import Call, CallDocument, CallFollow
from sharehub.programmes.services import calls as services
from sharehub.programmes.tests.factories import MILLION, applicant, open_call

pytestmark = pytest.mark.django_db


def _url(name: str, lang: str = "ko", **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"programmes:{name}", kwargs=kwargs or None)


def _pdf_document(call: Call, staff) -> CallDocument:
    pdf = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide", content_type="application/pdf")
    return services.add_document(actor=staff, call=call, file=pdf, title_ko="공고문")


# --- public --------------------------------------------------------------------------------------


def test_the_list_shows_published_calls_by_phase_in_korean(client):
    now = timezone.now()
    current = open_call(title_ko="열린 공모")
    upcoming = open_call(
        title_ko="예정 공모",
        opens_at=now + datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=30),
    )
    closed = open_call(
        title_ko="마감 공모",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
    )
    draft = open_call(title_ko="비공개 공모", published_at=None)
    page = client.get(_url("list")).content.decode()
    assert "열린 공모" in page and "예정 공모" in page and "마감 공모" in page
    assert "비공개 공모" not in page
    assert page.index("열린 공모") < page.index("예정 공모") < page.index("마감 공모")
    assert 'type="application/rss+xml"' in page and "100,000,000" in page
    only_open = client.get(_url("list"), {"phase": "open"}).content.decode()
    assert current.title_ko in only_open and upcoming.title_ko not in only_open
    assert closed.title_ko not in only_open and draft.title_ko not in only_open
    assert client.get(_url("list"), {"kind": "nonsense"}).status_code == 200


def test_the_list_is_in_english_too(client):
    call = open_call()
    page = client.get(_url("list", "en")).content.decode()
    assert call.title_en in page and "Support programmes" in page


@pytest.mark.usefixtures("no_page_cache")
def test_the_list_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(3):
        open_call()
    with django_assert_max_num_queries(12) as few:
        client.get(_url("list"))
    for _ in range(12):
        open_call()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url("list")).status_code == 200


def test_a_calls_page_shows_what_applicants_prepare(client, city_staff):
    call = open_call()
    _pdf_document(call, city_staff)
    page = client.get(_url("call", slug=call.slug)).content.decode()
    for text in ("지정공모", "공구 공유", "사업 계획", "45%", "사업 내용", "공고문", "30,000,000"):
        assert text in page
    assert "programme-countdown" in page
    english = client.get(_url("call", "en", slug=call.slug)).content.decode()
    assert "Capacity" in english and "closes in" in english


def test_an_unpublished_call_is_seen_by_its_staff_only(client, user, city_staff):
    draft = open_call(published_at=None)
    document = _pdf_document(draft, city_staff)
    page_url = _url("call", slug=draft.slug)
    document_url = _url("document", slug=draft.slug, pk=document.pk)
    assert client.get(page_url).status_code == 404
    assert client.get(document_url).status_code == 404
    client.force_login(user)
    assert client.get(page_url).status_code == 404
    assert client.get(document_url).status_code == 404
    draft.staff.add(user)
    assert client.get(page_url).status_code == 200
    response = client.get(document_url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_documents_of_a_published_call_are_public(client, city_staff):
    call = open_call()
    document = _pdf_document(call, city_staff)
    response = client.get(_url("document", slug=call.slug, pk=document.pk))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    other = open_call()
    assert client.get(_url("document", slug=other.slug, pk=document.pk)).status_code == 404


def test_follow_and_unfollow(client, user):
    call = open_call()
    assert client.post(_url("follow", slug=call.slug)).status_code == 302  # to the login
    assert not CallFollow.objects.exists()
    client.force_login(user)
    client.post(_url("follow", slug=call.slug), {"follow": "1"})
    assert CallFollow.objects.filter(call=call, user=user).exists()
    assert 'name="follow" value="0"' in client.get(_url("call", slug=call.slug)).content.decode()
    client.post(_url("follow", slug=call.slug), {"follow": "0"})
    assert not CallFollow.objects.exists()
    draft = open_call(published_at=None)
    assert client.post(_url("follow", slug=draft.slug)).status_code == 404


def test_the_feed_has_published_calls_only(client):
    call = open_call()
    draft = open_call(published_at=None)
    response = client.get(_url("feed"))
    body = response.content.decode()
    assert response.status_code == 200 and call.title_ko in body and draft.title_ko not in body


# --- staff ---------------------------------------------------------------------------------------


def test_staff_create_a_call_and_its_rows_through_the_pages(client, city_staff):
    client.force_login(city_staff)
    assert client.get(_url("call_new")).status_code == 200
    data = {
        "slug": "",
        "title_ko": "공유 공간 지원",
        "title_en": "Shared spaces support",
        "kind": "space",
        "total_budget": "50000000",
        "award_cap": "60000000",
        "designated_only": "on",
        "opens_at": "2030-03-02T09:00",
        "closes_at": "2030-03-20T18:00",
        "reviews_per_application": "3",
    }
    refused = client.post(_url("call_new"), data)
    assert refused.status_code == 422 and not Call.objects.exists()
    data["award_cap"] = "10000000"
    response = client.post(_url("call_new"), data)
    call = Call.objects.get()
    assert response.status_code == 302 and call.slug == "shared-spaces-support"
    assert timezone.localtime(call.opens_at).hour == 9
    rows = {
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name_ko": "계획",
        "criteria-0-weight": "30",
        "criteria-1-name_ko": "효과",
        "criteria-1-weight": "25",
        "criteria-2-name_ko": "역량",
        "criteria-2-weight": "40",
    }
    refused = client.post(_url("call_criteria", slug=call.slug), rows)
    assert refused.status_code == 422 and "100" in refused.content.decode()
    assert not call.criteria.exists()
    rows["criteria-2-weight"] = "45"
    assert client.post(_url("call_criteria", slug=call.slug), rows).status_code == 302
    assert call.criteria.count() == 3
    tracks = {
        "tracks-TOTAL_FORMS": "2",
        "tracks-INITIAL_FORMS": "0",
        "tracks-0-name_ko": "자유공모",
        "tracks-0-kind": "free",
    }
    assert client.post(_url("call_tracks", slug=call.slug), tracks).status_code == 302
    fields = {
        "fields-TOTAL_FORMS": "2",
        "fields-INITIAL_FORMS": "0",
        "fields-0-key": "plan",
        "fields-0-label_ko": "사업 내용",
        "fields-0-kind": "long_text",
        "fields-0-max_length": "2000",
    }
    assert client.post(_url("call_form", slug=call.slug), fields).status_code == 302
    assert call.fields.get().required
    for name in ("call_edit", "call_tracks", "call_form", "call_criteria", "call_documents"):
        assert client.get(_url(name, slug=call.slug)).status_code == 200
        assert client.get(_url(name, "en", slug=call.slug)).status_code == 200
    assert client.get(_url("call_publish", slug=call.slug)).status_code == 200
    client.post(_url("call_publish", slug=call.slug), {"publish": "1"})
    call.refresh_from_db()
    assert call.is_published
    page = client.get(_url("manage")).content.decode()
    assert "공유 공간 지원" in page


def test_forbidden_paths_of_the_staff_pages(client, user):
    call = open_call()
    _organization, member = applicant()
    own = open_call(published_at=None)
    own.staff.add(user)
    for name in ("call_edit", "call_tracks", "call_form", "call_criteria", "call_documents"):
        url = _url(name, slug=call.slug)
        assert client.get(url).status_code == 302  # anonymous: to the login
        assert client.post(url, {}).status_code == 302
    client.force_login(member)
    assert client.get(_url("manage")).status_code == 403
    assert client.get(_url("call_new")).status_code == 403
    assert client.post(_url("call_new"), {"title_ko": "x"}).status_code == 403
    for name in ("call_edit", "call_tracks", "call_publish"):
        assert client.get(_url(name, slug=call.slug)).status_code == 404
    assert client.post(_url("call_publish", slug=call.slug), {"publish": "0"}).status_code == 404
    client.force_login(user)  # the staff of another call
    assert client.get(_url("call_new")).status_code == 403
    assert client.get(_url("call_edit", slug=call.slug)).status_code == 404
    assert client.post(_url("call_publish", slug=call.slug), {"publish": "0"}).status_code == 404
    assert client.get(_url("call_edit", slug=own.slug)).status_code == 200
    page = client.get(_url("manage")).content.decode()
    assert own.title_ko in page and call.title_ko not in page
    call.refresh_from_db()
    assert call.is_published


def test_the_manage_list_counts_applications_in_bounded_queries(
    client, city_staff, django_assert_max_num_queries
):
    for _ in range(3):
        open_call(total_budget=100 * MILLION)
    client.force_login(city_staff)
    with django_assert_max_num_queries(30) as few:
        client.get(_url("manage"))
    for _ in range(10):
        open_call()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url("manage")).status_code == 200


def test_a_named_staff_member_sees_the_workspace_entry(client):
    person = UserFactory()
    assert "programmes.calls" not in [link.name for link in work_for(person)[1]]
    open_call().staff.add(person)
    person = type(person).objects.get(
        pk=person.pk
    )  # the next request's user (answers are per request)
    assert "programmes.calls" in [link.name for link in work_for(person)[1]]
