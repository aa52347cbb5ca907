from __future__ import annotations

import pytest

from sharehub.notifications.kinds import all_kinds
from sharehub.notifications.models import Notification, NotificationPreference, OutboundEmail

from .factories import NotificationFactory, OutboundEmailFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_list_highlights_unread_and_links_to_object(client, user):
    NotificationFactory(user=user, title="읽은 알림", read_at="2026-01-01T00:00:00Z")
    NotificationFactory(user=user, title="새 <b>알림</b> 🙂", url="/ko/organizations/a/")
    NotificationFactory(title="someone else's")
    client.force_login(user)
    page = client.get("/ko/notifications/").content.decode()
    assert 'class="card notification unread"' in page
    assert '<a href="/ko/organizations/a/">새 &lt;b&gt;알림&lt;/b&gt; 🙂</a>' in page
    assert "읽은 알림" in page
    assert "someone else" not in page
    assert 'data-testid="count-notifications">1<' in page


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_foreign_links_are_not_rendered(url, client, user):
    NotificationFactory(user=user, url=url, title="link test")
    client.force_login(user)
    page = client.get("/ko/notifications/").content.decode()
    assert "<strong>link test</strong>" in page
    assert "evil.example" not in page and "javascript:" not in page


def test_mark_one_read_without_js(client, user):
    notification = NotificationFactory(user=user)
    client.force_login(user)
    response = client.post(
        f"/ko/notifications/{notification.pk}/read/", {"next": "/ko/notifications/?page=1"}
    )
    assert response["Location"] == "/ko/notifications/?page=1"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_read_with_htmx_returns_item_and_updates_badge(client, user):
    first, second = NotificationFactory.create_batch(2, user=user)
    client.force_login(user)
    html = client.post(f"/en/notifications/{first.pk}/read/", **HTMX).content.decode()
    assert html.startswith(f'<li class="card notification" id="notification-{first.pk}"')
    assert 'data-hx-swap-oob="outerHTML:.menu-count .badge">1<' in html
    html = client.post(f"/en/notifications/{second.pk}/read/", **HTMX).content.decode()
    assert 'data-hx-swap-oob="delete:.menu-count"' in html


def test_mark_all_read(client, user):
    NotificationFactory.create_batch(3, user=user)
    client.force_login(user)
    response = client.post("/ko/notifications/read-all/", follow=True)
    assert "모든 알림을 읽음으로 표시했습니다." in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_list_queries_are_bounded(client, user, django_assert_max_num_queries):
    client.force_login(user)
    NotificationFactory.create_batch(3, user=user)
    with django_assert_max_num_queries(8):
        assert client.get("/ko/notifications/").status_code == 200
    NotificationFactory.create_batch(30, user=user)
    with django_assert_max_num_queries(8):
        response = client.get("/ko/notifications/?page=2")
    assert response.content.decode().count('class="card notification') == 13  # 33 in pages of 20


def test_preferences_list_every_kind_and_save(client, user):
    client.force_login(user)
    page = client.get("/en/notifications/preferences/").content.decode()
    for kind in all_kinds():
        assert f'name="{kind.code}"' in page
    assert "Moderation decisions on my contributions and reports" in page
    response = client.post("/en/notifications/preferences/", {"moderation.report": "on"})
    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    assert saved["moderation.decision"] is False
    assert saved["moderation.report"] is True
    page = client.get("/en/notifications/preferences/").content.decode()
    assert 'name="moderation.decision" id="id_moderation.decision"' in page and "checked" in page


def test_preferences_all_unchecked_is_saved(client, user):
    client.force_login(user)
    client.post("/en/notifications/preferences/", {})
    assert set(
        NotificationPreference.objects.filter(user=user).values_list("email", flat=True)
    ) == {False}


# --- outbox ----------------------------------------------------------------------------------


def test_outbox_lists_mail_in_seoul_time(client, city_staff):
    outbound = OutboundEmailFactory(to=["minji@example.org"], subject="[공유허브] 이메일 주소 확인")
    OutboundEmail.objects.filter(pk=outbound.pk).update(created_at="2026-03-01T15:30:00Z")
    client.force_login(city_staff)
    page = client.get("/ko/notifications/outbox/").content.decode()
    assert "minji@example.org" in page
    assert "[공유허브] 이메일 주소 확인" in page
    assert "2026-03-02 00:30" in page  # 15:30 UTC is 00:30 the next day in Seoul
    assert "대기 중" in page


def test_outbox_search(client, city_staff):
    OutboundEmailFactory(to=["minji@example.org"], subject="verify")
    OutboundEmailFactory(to=["other@example.org"], subject="hello")
    client.force_login(city_staff)
    page = client.get("/ko/notifications/outbox/?q=MINJI").content.decode()
    assert "minji@example.org" in page and "other@example.org" not in page


def test_outbox_detail_shows_metadata_not_the_body(client, city_staff):
    outbound = OutboundEmailFactory(
        body_text="확인 링크:\nhttp://127.0.0.1:8000/ko/accounts/confirm-email/Mg:1v/",
        kind="email_confirmation",
    )
    client.force_login(city_staff)
    page = client.get(f"/ko/notifications/outbox/{outbound.pk}/").content.decode()
    assert (
        outbound.subject in page and "이메일 주소 확인" in page and "email_confirmation" not in page
    )
    assert "confirm-email" not in page and "확인 링크" not in page


def test_demo_mailbox_detail_makes_links_clickable_and_escapes_text(client, user, settings):
    settings.SHAREHUB_DEMO_MAILBOX = True
    outbound = OutboundEmailFactory(
        user=user,
        body_text="확인 링크:\nhttp://127.0.0.1:8000/ko/accounts/confirm-email/Mg:1v/\n<script>alert(1)</script> & 🙂",
    )
    client.force_login(user)
    page = client.get(f"/ko/notifications/demo-mailbox/{outbound.pk}/").content.decode()
    assert (
        '<a href="http://127.0.0.1:8000/ko/accounts/confirm-email/Mg:1v/" rel="nofollow">' in page
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 🙂" in page
    assert "<script>alert(1)" not in page


def test_outbox_queries_are_bounded(client, city_staff, django_assert_max_num_queries):
    client.force_login(city_staff)
    OutboundEmailFactory.create_batch(3)
    with django_assert_max_num_queries(7):
        assert client.get("/ko/notifications/outbox/").status_code == 200
    OutboundEmailFactory.create_batch(30)
    with django_assert_max_num_queries(7):
        assert client.get("/ko/notifications/outbox/?page=2").status_code == 200


def test_the_kept_unread_count_moves_with_each_notification_and_each_read(client, user):
    """The header's count is kept between writes to the notifications (pagecache.kept_value):
    a new one, or one read, shows at the next page."""
    client.force_login(user)
    for _ in range(2):  # counted, then kept
        assert 'data-testid="count-notifications"' not in client.get("/ko/events/").content.decode()
    first = NotificationFactory(user=user)
    assert 'data-testid="count-notifications">1<' in client.get("/ko/events/").content.decode()
    NotificationFactory(user=user)
    NotificationFactory()  # someone else's
    assert 'data-testid="count-notifications">2<' in client.get("/ko/events/").content.decode()
    Notification.objects.filter(pk=first.pk).update(read_at="2026-01-01T00:00:00Z")
    assert 'data-testid="count-notifications">1<' in client.get("/ko/events/").content.decode()
