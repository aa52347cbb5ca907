"""The calls part's services: creating and editing calls with their rows (permission matrix, bad
input as field errors with nothing half-written), publishing, following, reminders (once), the
search index (published calls only) and the privacy export/erase of follows."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.notifications.models import Notification
from sharehub.programmes.models import (
    Application,
    Call,
    CallFollow,
    Criterion,
    FormField,
    Track,
)
from sharehub.programmes.notices import DEADLINE_KIND
from sharehub.programmes.selectors.calls import export_follows, parse_options
from sharehub.programmes.services import calls as services
from sharehub.programmes.tests.factories import MILLION, applicant, open_call
from sharehub.search.models import SearchEntry

pytestmark = pytest.mark.django_db

T = services.TrackRow
F = services.FieldRow
C = services.CriterionRow


def _fields(**extra):
    now = timezone.now()
    return {
        "title_ko": "2027 공유촉진사업 공모",
        "title_en": "Sharing promotion grants 2027",
        "summary_ko": "공유 단체의 사업을 지원합니다.",
        "body_ko": "<p>지원 <strong>내용</strong></p><script>alert(1)</script>",
        "kind": "grant",
        "total_budget": 100 * MILLION,
        "award_cap": 30 * MILLION,
        "opens_at": now + datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=20),
        **extra,
    }


def _rows():
    return {
        "tracks": [
            T(name_ko="지정공모", kind="themed", themes_ko="공구 공유"),
            T("자유공모", "free"),
        ],
        "criteria": [C("사업 계획", 30), C("공유 효과", 25), C("실행 역량", 45)],
        "form_fields": [F(key="plan", label_ko="사업 내용", kind="long_text", max_length=3000)],
    }


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def _submitted_application(call: Call) -> Application:
    organization, _owner = applicant()
    return Application.objects.create(
        call=call,
        track=call.tracks.first(),
        organization=organization,
        title="공구 도서관",
        status="submitted",
        submitted_at=timezone.now(),
        receipt_number=f"2026-{call.pk:04d}",
    )


# --- create and edit -----------------------------------------------------------------------------


def test_city_staff_create_a_call_with_its_rows_and_publish_it(city_staff):
    call = services.create_call(actor=city_staff, **_fields(), **_rows())
    assert call.slug == "sharing-promotion-grants-2027" and not call.is_published
    assert "<script>" not in call.body_ko and "<strong>" in call.body_ko
    assert [t.name_ko for t in call.tracks.order_by("order")] == ["지정공모", "자유공모"]
    assert sum(call.criteria.values_list("weight", flat=True)) == 100
    assert call.fields.get().key == "plan"
    assert AuditEntry.objects.filter(action="programmes.call_create").count() == 1
    services.publish_call(actor=city_staff, call=call)
    call.refresh_from_db()
    assert call.is_published
    assert AuditEntry.objects.filter(action="programmes.call_publish").count() == 1
    twin = services.create_call(actor=city_staff, **_fields())
    assert twin.slug == "sharing-promotion-grants-2027-2"


def test_times_without_a_zone_are_seoul_time(city_staff):
    naive = datetime.datetime(2030, 3, 2, 9, 0)
    call = services.create_call(
        actor=city_staff,
        **_fields(opens_at=naive, closes_at=naive + datetime.timedelta(days=14)),
    )
    assert call.opens_at == datetime.datetime(2030, 3, 2, 0, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"title_ko": " "}, {"title_ko": ["required"]}),
        ({"award_cap": 200 * MILLION}, {"award_cap": ["over_budget"]}),
        ({"kind": "loan"}, {"kind": ["invalid_choice"]}),
        ({"organization_kinds": ["club"]}, {"organization_kinds": ["invalid"]}),
        ({"slug": "awards"}, {"slug": ["reserved"]}),
        ({"slug": "manage"}, {"slug": ["reserved"]}),
        ({"slug": "new"}, {"slug": ["reserved"]}),
        ({"slug": "Not a slug"}, {"slug": ["invalid"]}),
    ],
)
def test_bad_call_input_is_a_field_error_and_nothing_is_written(city_staff, extra, expected):
    with pytest.raises(ValidationError) as refused:
        services.create_call(actor=city_staff, **_fields(**extra))
    assert _codes(refused.value) == expected
    assert not Call.objects.exists() and not AuditEntry.objects.exists()


def test_closing_before_opening_is_refused(city_staff):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.create_call(
            actor=city_staff, **_fields(opens_at=now, closes_at=now - datetime.timedelta(hours=1))
        )
    assert _codes(refused.value) == {"closes_at": ["order"]}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ({"criteria": [C("계획", 30), C("효과", 25), C("역량", 40)]}, {"criteria": ["sum"]}),
        ({"criteria": [C("계획", 0)]}, {"criteria-0-weight": ["range"]}),
        ({"tracks": [T("지정공모", "themed")]}, {"tracks-0-themes_ko": ["required"]}),
        (
            {"tracks": [T("자유공모", "free", award_cap=40 * MILLION)]},
            {"tracks-0-award_cap": ["over_cap"]},
        ),
        (
            {"form_fields": [F("a", "질문", "text"), F("a", "질문 2", "text")]},
            {"fields-1-key": ["duplicate"]},
        ),
        (
            {"form_fields": [F("n", "금액", "money", min_value=10, max_value=5)]},
            {"fields-0-max_value": ["order"]},
        ),
        ({"form_fields": [F("c", "선택", "choice")]}, {"fields-0-choices": ["required"]}),
        (
            {"form_fields": [F("c", "선택", "choice", choices="a|가\nbroken")]},
            {"fields-0-choices": ["invalid"]},
        ),
        ({"form_fields": [F("Bad Key", "질문", "text")]}, {"fields-0-key": ["invalid"]}),
        ({"form_fields": [F("title", "제목", "text")]}, {"fields-0-key": ["reserved"]}),
    ],
)
def test_bad_rows_are_named_by_row_and_nothing_is_written(city_staff, rows, expected):
    with pytest.raises(ValidationError) as refused:
        services.create_call(actor=city_staff, **_fields(), **rows)
    assert _codes(refused.value) == expected
    assert not Call.objects.exists()
    assert not (Track.objects.exists() or Criterion.objects.exists() or FormField.objects.exists())


def test_rows_keep_their_ids_and_a_bad_replacement_changes_nothing(city_staff):
    call = open_call()
    plan = call.fields.get(key="plan")
    rows = [
        F(key="plan", label_ko="사업 내용 (수정)", kind="long_text", id=plan.pk),
        F(key="kind", label_ko="분류", kind="choice", choices="a|가|A\nb|나|B"),
    ]
    services.replace_fields(actor=city_staff, call=call, rows=rows)
    assert list(call.fields.order_by("order").values_list("pk", "key")) == [
        (plan.pk, "plan"),
        (call.fields.get(key="kind").pk, "kind"),
    ]
    assert parse_options(call.fields.get(key="kind").choices) == [
        ("a", "가", "A"),
        ("b", "나", "B"),
    ]
    with pytest.raises(ValidationError):
        services.replace_criteria(actor=city_staff, call=call, rows=[C("하나", 50)])
    assert sorted(call.criteria.values_list("weight", flat=True)) == [25, 30, 45]


def test_applications_lock_fields_and_criteria_and_the_budget(city_staff):
    call = open_call()
    _submitted_application(call)
    with pytest.raises(ValidationError) as refused:
        services.replace_fields(
            actor=city_staff,
            call=call,
            rows=[F("plan", "사업", "long_text", id=call.fields.get(key="plan").pk)],
        )
    assert _codes(refused.value) == {"fields": ["in_use", "in_use"]}
    with pytest.raises(ValidationError) as refused:
        services.replace_criteria(actor=city_staff, call=call, rows=[C("전체", 100)])
    assert _codes(refused.value)["criteria"] == ["in_use"] * 3
    assert call.fields.count() == 3 and call.criteria.count() == 3
    Call.objects.filter(pk=call.pk).update(awarded_total=60 * MILLION)
    with pytest.raises(ValidationError) as refused:
        services.update_call(
            actor=city_staff, call=call, total_budget=50 * MILLION, award_cap=50 * MILLION
        )
    assert _codes(refused.value) == {"total_budget": ["below_awarded"]}
    with pytest.raises(ValidationError) as refused:
        services.unpublish_call(actor=city_staff, call=call)
    assert _codes(refused.value) == {"__all__": ["has_applications"]}


def test_publishing_needs_tracks_criteria_and_a_future_deadline(city_staff):
    call = services.create_call(actor=city_staff, **_fields(), criteria=[C("계획", 100)])
    with pytest.raises(ValidationError) as refused:
        services.publish_call(actor=city_staff, call=call)
    assert _codes(refused.value) == {"tracks": ["required"]}
    past = open_call(published_at=None, closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError) as refused:
        services.publish_call(actor=city_staff, call=past)
    assert _codes(refused.value) == {"closes_at": ["past"]}


# --- who may ------------------------------------------------------------------------------------


def test_only_city_staff_create_calls(user):
    _organization, member = applicant()
    for person in (None, user, member):
        with pytest.raises(PermissionDenied):
            services.create_call(actor=person, **_fields())
    assert not Call.objects.exists()


def test_a_calls_staff_edit_theirs_only(user):
    mine, theirs = open_call(), open_call()
    mine.staff.add(user)
    services.update_call(actor=user, call=mine, title_en="Renamed")
    with pytest.raises(PermissionDenied):
        services.update_call(actor=user, call=theirs, title_en="Taken over")
    for action in (services.publish_call, services.unpublish_call):
        with pytest.raises(PermissionDenied):
            action(actor=user, call=theirs)
    with pytest.raises(PermissionDenied):  # naming staff is city staff's
        services.update_call(actor=user, call=mine, staff=[user, UserFactory(is_city_staff=True)])
    theirs.refresh_from_db()
    assert theirs.title_en.startswith("Sharing")


def test_staff_named_must_be_city_staff(city_staff, user):
    call = open_call()
    with pytest.raises(ValidationError) as refused:
        services.update_call(actor=city_staff, call=call, staff=[user])
    assert _codes(refused.value) == {"staff": ["invalid"]}
    colleague = UserFactory(is_city_staff=True)
    services.update_call(actor=city_staff, call=call, staff=[colleague])
    assert list(call.staff.all()) == [colleague]


def test_documents_are_checked_by_their_content(city_staff, user):
    call = open_call()
    fake = SimpleUploadedFile("guide.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.add_document(actor=city_staff, call=call, file=fake, title_ko="안내")
    assert _codes(refused.value) == {"file": ["content_mismatch"]}
    pdf = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide", content_type="application/pdf")
    with pytest.raises(PermissionDenied):
        services.add_document(actor=user, call=call, file=pdf, title_ko="안내")
    document = services.add_document(actor=city_staff, call=call, file=pdf, title_ko="공고문")
    assert document.original_name == "guide.pdf" and document.content_type == "application/pdf"
    services.delete_document(actor=city_staff, call=call, document_id=document.pk)
    assert not call.documents.exists()


# --- follows, reminders, privacy ----------------------------------------------------------------


def test_followers_are_reminded_once_three_days_before_closing(user, other_user):
    now = timezone.now()
    soon = open_call(closes_at=now + datetime.timedelta(days=2))
    later = open_call(closes_at=now + datetime.timedelta(days=10))
    draft = open_call(published_at=None, closes_at=now + datetime.timedelta(days=1))
    services.follow_call(actor=user, call=soon)
    services.follow_call(actor=user, call=soon)  # twice changes nothing
    services.follow_call(actor=other_user, call=later)
    CallFollow.objects.create(call=draft, user=other_user)
    assert services.send_deadline_reminders(now=now) == 1
    assert services.send_deadline_reminders(now=now) == 0
    notice = Notification.objects.get(kind=DEADLINE_KIND)
    assert notice.user == user and soon.title_ko in notice.title
    assert services.unfollow_call(actor=user, call=soon)


def test_an_unpublished_call_cannot_be_followed(user):
    draft = open_call(published_at=None)
    with pytest.raises(ValidationError):
        services.follow_call(actor=user, call=draft)
    with pytest.raises(PermissionDenied):
        services.follow_call(actor=None, call=open_call())


def test_follows_are_exported_and_erased(user):
    call = open_call()
    services.follow_call(actor=user, call=call)
    assert [row["call"] for row in export_follows(user)] == [call.slug]
    services.erase_follows(user)
    assert not CallFollow.objects.exists()


# --- search --------------------------------------------------------------------------------------


def test_only_published_calls_are_in_the_search_index(city_staff):
    call = services.create_call(actor=city_staff, **_fields(), **_rows())
    kind = ContentType.objects.get_for_model(Call)
    indexed = SearchEntry.objects.filter(content_type=kind, object_id=call.pk)
    assert not indexed.exists()
    services.publish_call(actor=city_staff, call=call)
    assert indexed.exists()
    services.unpublish_call(actor=city_staff, call=call)
    assert not indexed.exists()


def test_the_call_cap_cannot_go_below_a_tracks_own(city_staff):
    call = services.create_call(
        actor=city_staff, **_fields(), tracks=[T("자유공모", "free", award_cap=20 * MILLION)]
    )
    with pytest.raises(ValidationError) as refused:
        services.update_call(actor=city_staff, call=call, award_cap=10 * MILLION)
    assert _codes(refused.value) == {"award_cap": ["below_track"]}
    call.refresh_from_db()
    assert call.award_cap == 30 * MILLION
