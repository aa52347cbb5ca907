from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.moderation import services
from sharehub.moderation.models import ModerationStatus, Report, Resolution
from sharehub.moderation.registry import moderated_models, queue_sections

from .factories import make_report

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def ct_of(obj) -> int:
    return ContentType.objects.get_for_model(obj).pk


def test_queue_lists_pending_items_and_open_reports(client, moderator, make_org, user):
    pending = make_org(name="<b>대기</b> Pending")
    published = make_org(status=ModerationStatus.PUBLISHED, name="공개")
    make_report(obj=published, reporter=user, details="광고 글 🙂")
    client.force_login(moderator)
    page = client.get("/ko/moderation/").content.decode()
    assert "&lt;b&gt;대기&lt;/b&gt; Pending" in page  # escaped, kept as text
    assert f"/ko/moderation/decide/{ct_of(pending)}/{pending.pk}/" in page
    assert "광고 글 🙂" in page
    assert published.name_ko in page
    assert "검토 대기열" in page


def test_queue_shows_all_link_when_more_than_a_section(client, moderator, make_org):
    for _ in range(21):
        make_org()
    client.force_login(moderator)
    page = client.get("/en/moderation/").content.decode()
    assert "Show all 21" in page
    full = client.get(f"/en/moderation/?type={ct_of(make_org())}")
    assert full.status_code == 200
    assert "Page 1 of 2" in full.content.decode()


def _fill_queue(make_org, count: int, reporter_for) -> None:
    """`count` pending items and `count` reports, each on its own published item."""
    for index in range(count):
        make_org()
        make_report(obj=make_org(status=ModerationStatus.PUBLISHED), reporter=reporter_for(index))


# Session, user, TOTP check and unread count, then the page's own queries: two per registered
# model (count, first items) on the overview, plus the reports' count, page and targets.
@pytest.mark.parametrize(
    ("url", "own_queries"),
    [
        # Each other app's queue section (registry.register_queue_section) adds a count and a page.
        ("/ko/moderation/", lambda models: 2 * models + 3 + 2 * len(queue_sections())),
        ("/ko/moderation/?section=reports", lambda models: 2 + models),
        ("/ko/moderation/?type={ct}", lambda models: 2),
    ],
)
def test_queue_queries_are_bounded(
    url, own_queries, client, moderator, make_org, django_assert_max_num_queries
):
    client.force_login(moderator)
    # 5: the session, the user, the TOTP check and the header (its workspace and menu entries).
    bound = 5 + own_queries(len(moderated_models()))
    org = make_org()
    url = url.format(ct=ct_of(org))
    reporters = [UserFactory() for _ in range(3)]
    _fill_queue(make_org, 3, lambda index: reporters[index])
    # Warm-up: the content types of the moderated models are looked up once per process (and
    # cached), so the count below does not depend on which tests ran before.
    client.get(url)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200
    _fill_queue(make_org, 30, lambda index: UserFactory())
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="card queue-item"') >= 20


def test_publish_without_js_redirects_back_with_message(client, moderator, make_org, user):
    org = make_org(author=user)
    client.force_login(moderator)
    response = client.post(
        f"/ko/moderation/decide/{ct_of(org)}/{org.pk}/",
        {"action": "publish", "next": "/ko/moderation/?page=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/ko/moderation/?page=1"
    org.refresh_from_db()
    assert org.moderation_status == ModerationStatus.PUBLISHED
    assert "게시했습니다." in client.get("/ko/moderation/").content.decode()


def test_next_must_stay_on_the_site(client, moderator, make_org):
    org = make_org()
    client.force_login(moderator)
    response = client.post(
        f"/ko/moderation/decide/{ct_of(org)}/{org.pk}/",
        {"action": "publish", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/ko/moderation/"


def test_reject_without_reason_shows_error_and_changes_nothing(client, moderator, make_org):
    org = make_org()
    client.force_login(moderator)
    response = client.post(
        f"/ko/moderation/decide/{ct_of(org)}/{org.pk}/",
        {"action": "reject", "reason": " "},
        follow=True,
    )
    assert "사유를 입력해 주세요" in response.content.decode()
    org.refresh_from_db()
    assert org.moderation_status == ModerationStatus.PENDING


def test_htmx_decision_returns_the_row(client, moderator, make_org, user):
    org = make_org(author=user)
    client.force_login(moderator)
    response = client.post(
        f"/en/moderation/decide/{ct_of(org)}/{org.pk}/",
        {"action": "reject", "reason": "No contact <i>info</i>"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<li class="card queue-item"')
    assert "<html" not in html
    assert "Rejected; the author has been told why." in html
    org.refresh_from_db()
    assert org.moderation_reason == "No contact <i>info</i>"


def test_htmx_invalid_decision_returns_row_with_error(client, moderator, make_org):
    org = make_org(status=ModerationStatus.PUBLISHED)
    client.force_login(moderator)
    response = client.post(
        f"/en/moderation/decide/{ct_of(org)}/{org.pk}/", {"action": "publish"}, **HTMX
    )
    assert response.status_code == 200
    assert "Only content waiting for review can be published." in response.content.decode()


def test_unknown_action_is_an_error(client, moderator, make_org):
    org = make_org()
    client.force_login(moderator)
    response = client.post(
        f"/en/moderation/decide/{ct_of(org)}/{org.pk}/", {"action": "delete"}, **HTMX
    )
    assert "Select a valid choice" in response.content.decode()
    org.refresh_from_db()
    assert org.moderation_status == ModerationStatus.PENDING


def test_hide_from_report_row(client, moderator, make_org, user):
    org = make_org(status=ModerationStatus.PUBLISHED)
    report = make_report(obj=org, reporter=user)
    client.force_login(moderator)
    response = client.post(
        f"/en/moderation/reports/{report.pk}/", {"action": "hide", "reason": "Advertising"}, **HTMX
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert "Hidden; the author has been told why." in row
    # The row shows the content as it is now (it said "Published" until a reload) and closed.
    assert ">Hidden</span>" in row and ">Published</span>" not in row
    assert "Resolved" in row and 'value="hide"' not in row
    org.refresh_from_db()
    report.refresh_from_db()
    assert org.moderation_status == ModerationStatus.HIDDEN
    assert report.resolution == Resolution.HIDDEN


def test_hide_from_report_needs_reason(client, moderator, make_org, user):
    org = make_org(status=ModerationStatus.PUBLISHED)
    report = make_report(obj=org, reporter=user)
    client.force_login(moderator)
    response = client.post(f"/ko/moderation/reports/{report.pk}/", {"action": "hide"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved_at is None


def test_dismiss_report_without_js(client, moderator, make_org, user):
    report = make_report(obj=make_org(status=ModerationStatus.PUBLISHED), reporter=user)
    client.force_login(moderator)
    response = client.post(f"/ko/moderation/reports/{report.pk}/", {"action": "dismiss"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolution == Resolution.DISMISSED


# --- the report form -------------------------------------------------------------------------


def test_report_form_get_and_post(client, user, make_org, moderator):
    org = make_org(status=ModerationStatus.PUBLISHED)
    url = f"/ko/moderation/report/{ct_of(org)}/{org.pk}/"
    client.force_login(user)
    page = client.get(url).content.decode()
    assert "스팸 또는 광고" in page
    assert org.name_ko in page
    response = client.post(
        url, {"reason": "offensive", "details": "욕설이 있어요 <script>alert(1)</script>"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.details == "욕설이 있어요 <script>alert(1)</script>"
    assert report.reporter == user


def test_report_twice_shows_a_clear_error(client, user, make_org):
    org = make_org(status=ModerationStatus.PUBLISHED)
    url = f"/en/moderation/report/{ct_of(org)}/{org.pk}/"
    client.force_login(user)
    client.post(url, {"reason": "spam"})
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == 400
    assert "You have already reported this." in response.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({}, "This field is required."),
        ({"reason": "bogus"}, "Select a valid choice"),
        ({"reason": "spam", "details": "x" * 2001}, "at most 2000"),
    ],
)
def test_report_form_bad_input(data, field_error, client, user, make_org):
    org = make_org(status=ModerationStatus.PUBLISHED)
    client.force_login(user)
    response = client.post(f"/en/moderation/report/{ct_of(org)}/{org.pk}/", data)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not Report.objects.exists()


def test_report_is_rate_limited(client, user, make_org):
    org = make_org(status=ModerationStatus.PUBLISHED)
    url = f"/ko/moderation/report/{ct_of(org)}/{org.pk}/"
    client.force_login(user)
    statuses = [client.post(url, {"reason": "spam"}).status_code for _ in range(21)]
    assert statuses[0] == 302
    assert statuses[-1] == 429
    assert client.get(url).status_code == 200  # reading the form is never limited


# --- the history partial ---------------------------------------------------------------------

HISTORY = Template("{% load moderation %}{% moderation_history object %}")


def render_history(obj, viewer) -> str:
    request = RequestFactory().get("/ko/somewhere/")
    request.user = viewer
    return HISTORY.render(Context({"request": request, "object": obj}))


def test_history_shows_reason_to_author_without_moderator_name(make_org, moderator, user):
    moderator.display_name = "김검토"
    moderator.save()
    org = make_org(author=user)
    services.reject(actor=moderator, obj=org, reason="연락처가 없습니다")
    html = render_history(org, user)
    assert "연락처가 없습니다" in html
    assert "김검토" not in html
    assert "게시물 관리자" in html
    assert f"/moderation/resubmit/{ct_of(org)}/{org.pk}/" in html  # the author can send it back


def test_history_shows_names_to_moderators_and_nothing_to_others(
    make_org, moderator, user, other_user
):
    from django.contrib.auth.models import AnonymousUser

    moderator.display_name = "김검토"
    moderator.save()
    org = make_org(author=user)
    services.reject(actor=moderator, obj=org, reason="연락처가 없습니다")
    assert "김검토" in render_history(org, moderator)
    assert "resubmit" not in render_history(org, moderator)
    assert render_history(org, other_user).strip() == ""
    assert render_history(org, AnonymousUser()).strip() == ""


def test_report_url_tag(make_org):
    template = Template("{% load moderation %}{% report_url object %}")
    published = make_org(status=ModerationStatus.PUBLISHED)
    assert (
        template.render(Context({"object": published}))
        == f"/ko/moderation/report/{ct_of(published)}/{published.pk}/"
    )
    assert template.render(Context({"object": make_org()})) == ""


def test_report_link_tag(make_org):
    template = Template("{% load moderation %}{% report_link object %}")
    published = make_org(status=ModerationStatus.PUBLISHED)
    with translation.override("ko"):
        html = template.render(Context({"object": published}))
    assert f'href="/ko/moderation/report/{ct_of(published)}/{published.pk}/"' in html
    assert "신고" in html
    assert (
        template.render(Context({"object": make_org(status=ModerationStatus.HIDDEN)})).strip() == ""
    )
