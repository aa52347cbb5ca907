"""The applicant's pages in Korean: apply, fill in (autosave, Save, Submit), the application's
page and its files, withdraw, "My applications"; and the forbidden paths of each."""

from __future__ import annotations

import datetime
import json
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from sharehub.core.org_sections import render_org_sections
from sharehub.core.user_menu import user_menu_links
from sharehub.programmes.models import (
    Application,
    ApplicationStatus,
    Award,
    Conflict,
    FieldKind,
    FormField,
    ReviewAssignment,
)
from sharehub.programmes.services import applications as services
from sharehub.programmes.views.applications import call_extra

from .factories import MILLION, applicant, open_call
from .test_applications import PDF, fill, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return open_call()


@pytest.fixture
def org_owner():
    return applicant()


@pytest.fixture
def draft(call, org_owner):
    organization, owner = org_owner
    return start(call, organization, owner)


def _form(application, **values):
    data = {"title": application.title, "requested_amount": "10,000,000", "plan": "", "budget": ""}
    data.update(values)
    return data


def test_apply_page_lists_organizations_and_creates_a_draft(client, call, org_owner):
    organization, owner = org_owner
    ineligible, _ = applicant(designated=False)
    from sharehub.organizations.tests.factories import MembershipFactory

    MembershipFactory(organization=ineligible, user=owner)
    client.force_login(owner)
    page = client.get(f"/ko/support/{call.slug}/apply/")
    assert page.status_code == 200
    text = page.content.decode()
    # (The part's Korean strings are in its .po fragment until the lead compiles them.)
    assert '<html lang="ko">' in text and organization.name in text and ineligible.name in text
    assert "designated" in text or "지정" in text  # the ineligible one says why
    response = client.post(
        f"/ko/support/{call.slug}/apply/",
        {
            "organization": organization.pk,
            "track": call.tracks.get(kind="free").pk,
            "title": "공구 도서관",
            "requested_amount": "5,000,000",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response.url.endswith(
        f"/applications/{application.pk}/edit/"
    )
    assert application.requested_amount == 5 * MILLION
    again = client.post(
        f"/ko/support/{call.slug}/apply/",
        {
            "organization": organization.pk,
            "track": call.tracks.get(kind="free").pk,
            "title": "두 번째",
        },
    )
    assert again.status_code == 422 and Application.objects.count() == 1


def test_apply_for_an_ineligible_organization_is_a_field_error(client, call):
    organization, owner = applicant(designated=False)
    client.force_login(owner)
    response = client.post(
        f"/ko/support/{call.slug}/apply/",
        {"organization": organization.pk, "track": call.tracks.first().pk, "title": "x"},
    )
    assert response.status_code == 422 and not Application.objects.exists()


def test_apply_without_an_organization_explains(client, call, user):
    client.force_login(user)
    page = client.get(f"/ko/support/{call.slug}/apply/")
    assert page.status_code == 200 and "/organizations/new/" in page.content.decode()


def test_apply_forbidden_paths(client, call, org_owner, other_user):
    organization, _owner = org_owner
    assert client.get(f"/ko/support/{call.slug}/apply/").status_code == 302  # log in first
    client.force_login(other_user)
    response = client.post(
        f"/ko/support/{call.slug}/apply/",
        {"organization": organization.pk, "track": call.tracks.first().pk, "title": "x"},
    )
    assert response.status_code == 422  # not one of their organizations: not a choice
    assert not Application.objects.exists()


def test_the_edit_page_saves_a_draft_and_shows_the_questions(client, draft, org_owner):
    _organization, owner = org_owner
    client.force_login(owner)
    page = client.get(f"/ko/support/applications/{draft.pk}/edit/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "사업 내용" in text and "총사업비" in text and "예산서" in text
    assert "programmes/autosave.js" in text and "data-autosave-url" in text
    response = client.post(
        f"/ko/support/applications/{draft.pk}/edit/",
        _form(
            draft,
            plan="계획",
            budget="3,000,000",
            budget_sheet=SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf"),
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {"plan": "계획", "budget": 3 * MILLION}
    assert draft.files.get().original_name == "b.pdf"
    bad = client.post(f"/ko/support/applications/{draft.pk}/edit/", _form(draft, budget="많이"))
    assert bad.status_code == 422


def test_the_choice_and_labels_follow_the_page_language(client, call, draft, org_owner):
    _organization, owner = org_owner
    FormField.objects.create(
        call=call,
        key="size",
        label_ko="규모",
        label_en="Size",
        kind=FieldKind.CHOICE,
        choices="small|소규모|Small\nlarge|대규모|Large",
        order=5,
    )
    client.force_login(owner)
    korean = client.get(f"/ko/support/applications/{draft.pk}/edit/").content.decode()
    english = client.get(f"/en/support/applications/{draft.pk}/edit/").content.decode()
    assert "소규모" in korean and "규모" in korean
    assert "Small" in english and "Size" in english and "The project" in english


def test_autosave_saves_and_says_when(client, draft, org_owner):
    _organization, owner = org_owner
    client.force_login(owner)
    response = client.post(
        f"/ko/support/applications/{draft.pk}/autosave/", _form(draft, plan="쓰는 중")
    )
    assert response.status_code == 200
    assert "저장" in response.json()["message"] or "Saved" in response.json()["message"]
    draft.refresh_from_db()
    assert draft.answers == {"plan": "쓰는 중"}
    bad = client.post(f"/ko/support/applications/{draft.pk}/autosave/", _form(draft, budget="x"))
    assert bad.status_code == 422 and "budget" in bad.json()["errors"]


def test_autosave_forbidden_paths(client, draft, other_user, city_staff):
    url = f"/ko/support/applications/{draft.pk}/autosave/"
    assert client.post(url, _form(draft)).status_code == 302  # anonymous: log in
    client.force_login(other_user)
    assert client.post(url, _form(draft, plan="x")).status_code == 404
    client.force_login(city_staff)  # may see it, may not change it
    assert client.post(url, _form(draft, plan="x")).status_code == 403
    draft.refresh_from_db()
    assert draft.answers == {}


def test_submit_from_the_form_saves_then_submits(client, draft, org_owner):
    _organization, owner = org_owner
    client.force_login(owner)
    response = client.post(
        f"/ko/support/applications/{draft.pk}/submit/",
        _form(draft, plan="계획", budget="3,000,000"),
    )
    draft.refresh_from_db()
    assert response.status_code == 302 and response.url.endswith(f"/applications/{draft.pk}/")
    assert draft.status == ApplicationStatus.SUBMITTED and draft.receipt_number
    page = client.get(response.url).content.decode()
    assert draft.receipt_number in page


def test_an_incomplete_submit_shows_errors_by_field_and_keeps_the_draft(client, draft, org_owner):
    _organization, owner = org_owner
    client.force_login(owner)
    response = client.post(
        f"/ko/support/applications/{draft.pk}/submit/", _form(draft, plan="계획만")
    )
    assert response.status_code == 422
    assert 'id="id_budget"' in response.content.decode()
    assert response.context["form"].errors["budget"]
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.receipt_number == ""
    assert draft.answers == {"plan": "계획만"}  # what was typed is kept


def test_a_late_submit_is_refused_whatever_the_client_sent(client, call, draft, org_owner):
    _organization, owner = org_owner
    fill(draft, owner)
    client.force_login(owner)
    late = call.closes_at + datetime.timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=late):
        response = client.post(
            f"/ko/support/applications/{draft.pk}/submit/",
            {"submitted_at": timezone.now().isoformat()},
        )
    assert response.status_code in (302, 422)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.receipt_number == ""


def test_submit_and_withdraw_forbidden_paths(client, draft, org_owner, other_user, city_staff):
    _organization, owner = org_owner
    fill(draft, owner)
    _other_org, other_member = applicant()
    for actor in (other_user, other_member):
        client.force_login(actor)
        assert client.post(f"/ko/support/applications/{draft.pk}/submit/").status_code == 404
        assert (
            client.post(f"/ko/support/applications/{draft.pk}/withdraw/", {"confirm": "on"})
        ).status_code == 404
        assert client.get(f"/ko/support/applications/{draft.pk}/edit/").status_code == 404
    client.force_login(city_staff)
    assert client.post(f"/ko/support/applications/{draft.pk}/submit/").status_code == 403
    assert client.get(f"/ko/support/applications/{draft.pk}/edit/").status_code == 403
    client.logout()
    assert client.post(f"/ko/support/applications/{draft.pk}/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_withdraw_asks_for_confirmation(client, draft, org_owner):
    _organization, owner = org_owner
    client.force_login(owner)
    page = client.get(f"/ko/support/applications/{draft.pk}/withdraw/")
    assert page.status_code == 200
    assert f'action="/ko/support/applications/{draft.pk}/withdraw/"' in page.content.decode()
    unconfirmed = client.post(f"/ko/support/applications/{draft.pk}/withdraw/", {})
    assert unconfirmed.status_code == 422
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    done = client.post(
        f"/ko/support/applications/{draft.pk}/withdraw/", {"confirm": "on", "reason": "사정"}
    )
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN


def test_the_application_page_and_file_who_may_see(
    client, call, draft, org_owner, other_user, city_staff
):
    _organization, owner = org_owner
    services.save_application(
        actor=owner,
        application=draft,
        changes=services.ApplicationChanges(
            uploads={"budget_sheet": SimpleUploadedFile("b.pdf", PDF)}
        ),
    )
    page_url = f"/ko/support/applications/{draft.pk}/"
    file_url = f"/ko/support/applications/{draft.pk}/files/budget_sheet/"
    reviewer, conflicted = (
        other_user.__class__.objects.create_user(email="rev@example.org", password="x"),
        other_user.__class__.objects.create_user(email="conf@example.org", password="x"),
    )
    ReviewAssignment.objects.create(application=draft, reviewer=reviewer, conflict=Conflict.NONE)
    ReviewAssignment.objects.create(
        application=draft, reviewer=conflicted, conflict=Conflict.DECLARED
    )
    _other_org, other_member = applicant()
    assert client.get(page_url).status_code == 302
    for actor in (other_user, other_member, conflicted):
        client.force_login(actor)
        assert client.get(page_url).status_code == 404
        assert client.get(file_url).status_code == 404
    for actor in (owner, city_staff, reviewer):
        client.force_login(actor)
        page = client.get(page_url)
        assert page.status_code == 200
        assert 'aria-current="step"' in page.content.decode()
        download = client.get(file_url)
        assert download.status_code == 200
        assert "no-store" in download["Cache-Control"]
        assert b"".join(download.streaming_content) == PDF
    client.force_login(owner)
    assert client.get(f"/ko/support/applications/{draft.pk}/files/nothing/").status_code == 404


def test_my_applications_is_bounded(client, django_assert_max_num_queries):
    organization, owner = applicant()
    for _ in range(3):
        call = open_call()
        start(call, organization, owner)
    client.force_login(owner)
    with django_assert_max_num_queries(20) as few:
        page = client.get("/ko/support/applications/")
    assert page.status_code == 200
    for _ in range(12):
        start(open_call(), organization, owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/ko/support/applications/")
    assert page.content.decode().count("/support/applications/") >= 15


def test_my_applications_lists_only_my_organizations(client, call, draft, org_owner):
    _organization, owner = org_owner
    other_org, other_owner = applicant()
    theirs = start(call, other_org, other_owner, title="남의 신청")
    client.force_login(owner)
    text = client.get("/ko/support/applications/").content.decode()
    assert draft.title in text and theirs.title not in text


def test_the_user_menu_shows_my_applications_to_members_only(rf, org_owner, user):
    _organization, owner = org_owner
    request = rf.get("/ko/")
    request.user = owner
    assert "programmes.applications" in {link.name for link in user_menu_links(request)}
    request.user = user
    assert "programmes.applications" not in {link.name for link in user_menu_links(request)}


def _call_box(call, user):
    request = RequestFactory().get(f"/ko/support/{call.slug}/")
    request.user = user
    with translation.override("ko"):
        return render_to_string(
            "programmes/partials/call_applications.html",
            {"call": call, **call_extra(request, call)},
            request=request,
        )


def test_the_call_page_box(call, org_owner, user):
    organization, owner = org_owner
    assert f"/support/{call.slug}/apply/" in _call_box(call, owner)
    assert f"/support/{call.slug}/apply/" not in _call_box(call, user)
    application = start(call, organization, owner)
    box = _call_box(call, owner)
    assert application.title in box and f"/support/{call.slug}/apply/" not in box
    _ineligible, member = applicant(designated=False)
    box = _call_box(call, member)
    assert f"/support/{call.slug}/apply/" not in box and "ul" in box


def test_the_organization_page_shows_awards_to_all_and_applications_to_members(
    call, draft, org_owner, user
):
    organization, owner = org_owner
    services.submit_application(actor=owner, application=fill(draft, owner))
    Application.objects.filter(pk=draft.pk).update(status=ApplicationStatus.AWARDED)
    Award.objects.create(
        application=draft, call=call, amount=5 * MILLION, cap=30 * MILLION, identifier="x1"
    )
    request = RequestFactory().get("/ko/")
    request.user = user
    with translation.override("ko"):
        public = "".join(render_org_sections(organization, request))
        request.user = owner
        members = "".join(render_org_sections(organization, request))
    assert "5,000,000" in public and f"/applications/{draft.pk}/" not in public
    assert f"/applications/{draft.pk}/" in members


def test_autosave_js_has_no_inline_script(client, draft, org_owner):
    _organization, owner = org_owner
    client.force_login(owner)
    text = client.get(f"/ko/support/applications/{draft.pk}/edit/").content.decode()
    assert "<script>" not in text and "onclick" not in text
    assert json  # the endpoint answers JSON (tested above)


def test_the_call_page_offers_apply_to_members(client, call, org_owner, user):
    _organization, owner = org_owner
    client.force_login(owner)
    assert (
        f"/ko/support/{call.slug}/apply/"
        in client.get(f"/ko/support/{call.slug}/").content.decode()
    )
    client.force_login(user)
    page = client.get(f"/ko/support/{call.slug}/").content.decode()
    assert f"/ko/support/{call.slug}/apply/" not in page and "/ko/organizations/new/" in page
