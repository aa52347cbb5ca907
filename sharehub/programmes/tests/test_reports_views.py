"""Reports' pages and API: the members' form, the staff's review and list, the private file,
the application page's partial; forbidden paths answer 404/403, never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.programmes.models import ReportStatus
from sharehub.programmes.views.reports import application_extra

from .factories import applicant
from .test_reports import PDF, awarded, interim, submit

pytestmark = pytest.mark.django_db

JSON = "application/json"


def url(name: str, **kw) -> str:
    with translation.override("ko"):
        return reverse(f"programmes:{name}", kwargs=kw)


def test_member_sends_a_report_with_a_file(client):
    _call, _application, award, owner = awarded()
    report = interim(award)
    client.force_login(owner)
    page = client.get(url("report", pk=report.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="ko"' in html and 'name="body"' in html and 'name="spent"' in html
    upload = SimpleUploadedFile("영수증.pdf", PDF, "application/pdf")
    sent = client.post(
        url("report", pk=report.pk),
        {"body": "운영을 시작했습니다.", "spent": "1000", "file": upload},
    )
    assert sent.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.spent == 1000
    download = client.get(url("report_file", pk=report.pk))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_bad_input_is_shown_on_the_form(client):
    _call, _application, award, owner = awarded()
    report = interim(award)
    client.force_login(owner)
    fake = SimpleUploadedFile("a.pdf", b"not a pdf at all", "application/pdf")
    page = client.post(url("report", pk=report.pk), {"body": "", "spent": "-5", "file": fake})
    assert page.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE
    page = client.post(url("report", pk=report.pk), {"body": "x", "spent": "1", "file": fake})
    assert page.status_code == 400 and "has-error" in page.content.decode()


def test_strangers_get_404(client, user):
    _call, _application, award, owner = awarded()
    report = submit(owner, interim(award), upload=SimpleUploadedFile("r.pdf", PDF))
    _org, other_owner = applicant()
    anonymous = client.get(url("report", pk=report.pk))
    assert anonymous.status_code == 302  # to the login page
    for person in (user, other_owner):
        client.force_login(person)
        assert client.get(url("report", pk=report.pk)).status_code == 404
        assert client.get(url("report_file", pk=report.pk)).status_code == 404
        assert (
            client.post(url("report", pk=report.pk), {"body": "x", "spent": 1}).status_code == 404
        )
        review = client.post(url("report_review", pk=report.pk), {"decision": "accept"})
        assert review.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_member_cannot_review_and_staff_review(client, city_staff):
    _call, _application, award, owner = awarded()
    report = submit(owner, interim(award))
    client.force_login(owner)
    assert (
        client.post(url("report_review", pk=report.pk), {"decision": "accept"}).status_code == 403
    )
    client.force_login(city_staff)
    page = client.get(url("report", pk=report.pk))
    assert page.status_code == 200 and 'name="decision"' in page.content.decode()
    missing_reason = client.post(url("report_review", pk=report.pk), {"decision": "changes"})
    assert missing_reason.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    back = client.post(
        url("report_review", pk=report.pk), {"decision": "changes", "note": "영수증을 붙여 주세요."}
    )
    assert back.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CHANGES_REQUESTED
    assert client.get(url("report_review", pk=report.pk)).status_code == 405


def test_staff_list_flags_overdue_with_bounded_queries(
    client, city_staff, django_assert_max_num_queries
):
    today = timezone.localdate()
    call, _application, award, owner = awarded(
        interim_report_due=today - datetime.timedelta(days=2)
    )
    submit(owner, interim(award))
    for _ in range(3):
        awarded(call=call)  # overdue interim reports of the same call
    client.force_login(city_staff)
    with django_assert_max_num_queries(14):
        page = client.get(url("reports"))
    assert page.status_code == 200 and "동네 공구도서관" in page.content.decode()
    with django_assert_max_num_queries(14):
        overdue = client.get(url("reports") + "?state=overdue")
    assert overdue.content.decode().count('class="tag warning"') >= 3
    for _ in range(5):
        awarded(call=call)
    with django_assert_max_num_queries(14):
        client.get(url("reports") + "?state=overdue")
    assert client.get(url("reports") + "?state=nonsense").status_code == 200


def test_staff_list_refused_to_others(client, user):
    _call, _application, _award, owner = awarded()
    client.force_login(owner)
    assert client.get(url("reports")).status_code == 403
    client.force_login(user)
    assert client.get(url("reports")).status_code == 403
    client.logout()
    assert client.get(url("reports")).status_code == 302


def test_call_staff_sees_only_their_calls_reports(client):
    call, _application, award, owner = awarded()
    _other_call, _other_app, other_award, other_owner = awarded()
    submit(owner, interim(award))
    submit(other_owner, interim(other_award))
    runner = UserFactory()
    call.staff.add(runner)
    client.force_login(runner)
    page = client.get(url("reports")).content.decode()
    assert url("report", pk=interim(award).pk) in page
    assert url("report", pk=interim(other_award).pk) not in page
    assert client.get(url("report", pk=interim(other_award).pk)).status_code == 404


def test_application_partial_context(user, city_staff):
    _call, application, _award, owner = awarded()
    request = RequestFactory().get("/")
    request.user = owner
    rows = application_extra(request, application)["application_reports"]["reports"]
    assert [row["submit"] for row in rows] == [True, True]
    request.user = city_staff
    assert application_extra(request, application)["application_reports"]
    request.user = user
    assert application_extra(request, application) == {}


# --- API -------------------------------------------------------------------------------------


def test_api_member_flow(client, city_staff):
    _call, _application, award, owner = awarded()
    report = interim(award)
    base = f"/api/v1/programmes/reports/{report.pk}"
    assert client.get("/api/v1/programmes/reports").status_code == 401
    assert (
        client.post(f"{base}/submit", {"body": "x", "spent": 1}, content_type=JSON).status_code
        == 401
    )
    client.force_login(owner)
    listed = client.get("/api/v1/programmes/reports")
    assert listed.status_code == 200 and listed.json()["count"] == 2
    assert client.get(base).json()["status"] == "due"
    bad = client.post(f"{base}/submit", {"body": "", "spent": -1}, content_type=JSON)
    assert bad.status_code == 422 and "spent" in bad.json()["errors"]
    empty = client.post(f"{base}/submit", {"body": " ", "spent": 1}, content_type=JSON)
    assert empty.status_code == 422 and "body" in empty.json()["errors"]
    sent = client.post(f"{base}/submit", {"body": "운영 중", "spent": 100}, content_type=JSON)
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    assert client.post(f"{base}/accept", {}, content_type=JSON).status_code == 403
    client.force_login(city_staff)
    to_review = client.get("/api/v1/programmes/reports").json()
    assert [r["id"] for r in to_review["results"]] == [report.pk]
    no_reason = client.post(f"{base}/request-changes", {"reason": ""}, content_type=JSON)
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    accepted = client.post(f"{base}/accept", {"note": "확인"}, content_type=JSON)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = client.post(f"{base}/accept", {}, content_type=JSON)
    assert again.status_code == 422 and "status" in again.json()["errors"]


def test_api_hides_reports_from_strangers(client, user):
    _call, _application, award, _owner = awarded()
    report = interim(award)
    client.force_login(user)
    assert client.get("/api/v1/programmes/reports").json()["count"] == 0
    base = f"/api/v1/programmes/reports/{report.pk}"
    assert client.get(base).status_code == 404
    assert (
        client.post(f"{base}/submit", {"body": "x", "spent": 1}, content_type=JSON).status_code
        == 404
    )
    assert client.post(f"{base}/accept", {}, content_type=JSON).status_code == 404
    assert client.get("/api/v1/programmes/reports/0").status_code == 422
    assert client.get(f"/api/v1/programmes/reports/{2**63}").status_code == 422


def test_api_list_bounded(client, city_staff, django_assert_max_num_queries):
    call, _application, award, owner = awarded()
    submit(owner, interim(award))
    client.force_login(city_staff)
    with django_assert_max_num_queries(10):
        first = client.get("/api/v1/programmes/reports?state=overdue")
    assert first.status_code == 200
    for _ in range(4):
        _c, _a, more, more_owner = awarded(call=call)
        submit(more_owner, interim(more))
    with django_assert_max_num_queries(10):
        listed = client.get("/api/v1/programmes/reports")
    assert listed.json()["count"] == 5
