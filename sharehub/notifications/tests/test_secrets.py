"""Nobody reads a secret meant for someone else.

Staff see a mail's metadata (recipient, subject, kind, status, attempts, error), never its body:
sign-up confirmations, password resets, invitations and newsletter confirmations carry links that
take over an account or a subscription. In demo mode only, the demo mailbox shows a browser the mail
it asked for itself and, once signed in, the mail of its own account; nobody else's.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import translation

from sharehub.accounts.tests.factories import REQUIRED_CONSENTS, UserFactory, give_totp
from sharehub.notifications.kinds import label_of
from sharehub.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

MAILBOX = "/ko/notifications/demo-mailbox/"


def secret_links(mail: OutboundEmail) -> list[str]:
    """The links of a mail that carry a token (everything after the host)."""
    links = re.findall(r"https?://[^/\s]+(/[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+)", mail.body_text)
    return [
        link
        for link in links
        if re.search(r"/(key|confirm-email|invitations|confirm|preferences)/\S{8,}", link)
    ]


def signup(client: Client, email: str) -> None:
    data = {
        "email": email,
        "password1": "a-long-pass-phrase-42",
        "password2": "a-long-pass-phrase-42",
        "display_name": "새 회원",
        "preferred_language": "ko",
        **REQUIRED_CONSENTS,
    }
    assert client.post("/ko/accounts/signup/", data).status_code == 302


@pytest.fixture
def secret_mails(user, django_capture_on_commit_callbacks) -> dict[str, OutboundEmail]:
    """One real mail of each kind that carries a secret, made by the real flows."""
    from sharehub.newsletters import services as newsletters
    from sharehub.newsletters.tests.factories import TopicFactory
    from sharehub.organizations import services as organizations
    from sharehub.organizations.tests.factories import organization_owned_by

    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            browser.post("/ko/accounts/password/reset/", {"email": user.email}).status_code == 302
        )
        signup(Client(), "newcomer@example.org")
        organization = organization_owned_by(UserFactory())
        owner = organization.memberships.get().user
        organizations.invite_member(
            actor=owner, organization=organization, email="invitee@example.org"
        )
        newsletters.subscribe(
            email="reader@example.org", topic_ids=[TopicFactory().pk], language="ko"
        )
    mails = {
        "reset": OutboundEmail.objects.get(kind="password_reset_key"),
        "confirmation": OutboundEmail.objects.get(kind="email_confirmation_signup"),
        "invitation": OutboundEmail.objects.get(kind="organizations.invitation"),
        "newsletter": OutboundEmail.objects.get(kind="newsletters.confirm"),
    }
    for kind, mail in mails.items():
        assert secret_links(mail), (
            kind
        )  # the test is only worth something if there is a secret to leak
    return mails


def test_staff_read_metadata_but_no_secret_at_the_outbox(client, city_staff, secret_mails):
    administrator = give_totp(UserFactory(is_superuser=True, is_staff=True, is_city_staff=True))
    for reader in (city_staff, administrator):
        client.force_login(reader)
        listing = client.get("/ko/notifications/outbox/").content.decode()
        for kind, mail in secret_mails.items():
            with translation.override("ko"):
                label = str(label_of(mail.kind))
            assert label != mail.kind, kind  # staff read a label, not a template name
            assert mail.to[0] in listing and label in listing
            detail = client.get(f"/ko/notifications/outbox/{mail.pk}/")
            assert detail.status_code == 200
            page = listing + detail.content.decode()
            assert mail.to[0] in page and mail.subject in page and label in page
            for link in secret_links(mail):
                assert link not in page, (reader, kind)
                token = link.rstrip("/").rsplit("/", 1)[-1]
                assert token not in page, (reader, kind)


def test_staff_see_attempts_and_last_error(client, city_staff):
    from .factories import OutboundEmailFactory

    mail = OutboundEmailFactory(
        attempts=3, last_error="SMTPRecipientsRefused: 550 no such user", kind="events.registration"
    )
    client.force_login(city_staff)
    page = client.get(f"/en/notifications/outbox/{mail.pk}/").content.decode()
    assert (
        "3 attempts" in page
        and "550 no such user" in page
        and "Your event registrations and the waitlist" in page
    )


def test_no_other_staff_tool_shows_mail_bodies(client):
    """The administration site has no page for outgoing mail (its bodies carry the secrets)."""
    assert not admin.site.is_registered(OutboundEmail)
    administrator = give_totp(UserFactory(is_superuser=True, is_staff=True))
    client.force_login(administrator)
    index = client.get("/ko/admin/").content.decode()
    assert "outboundemail" not in index.lower()


# --- the demo mailbox ------------------------------------------------------------------------


def test_demo_mailbox_is_off_by_default(client, user, secret_mails):
    mail = secret_mails["reset"]
    for person in (None, user):
        if person:
            client.force_login(person)
        assert client.get(MAILBOX).status_code == 404
        assert client.get(f"{MAILBOX}{mail.pk}/").status_code == 404
        assert "demo-mailbox" not in client.get("/ko/").content.decode()
    assert not OutboundEmail.objects.exclude(demo_reader="").exists()  # nothing tagged when off


@pytest.fixture
def demo(settings):
    settings.SHAREHUB_DEMO_MAILBOX = True


def test_demo_mailbox_shows_a_browser_the_reset_it_asked_for_and_nobody_else(
    demo, user, other_user, city_staff, django_capture_on_commit_callbacks
):
    asking = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = asking.post("/ko/accounts/password/reset/", {"email": user.email}, follow=True)
    # The "we sent you a mail" page says where the demo's mail is.
    assert f'href="{MAILBOX}"' in response.content.decode()
    mail = OutboundEmail.objects.get(kind="password_reset_key")
    link = secret_links(mail)[0]

    listing = asking.get(MAILBOX).content.decode()
    assert mail.subject in listing and "데모" in listing
    detail = asking.get(f"{MAILBOX}{mail.pk}/").content.decode()
    assert re.search(
        rf'<a href="https?://[^/"]+{re.escape(link)}" rel="nofollow">', detail
    )  # clickable

    another_browser = Client()
    another_browser.get("/ko/")
    signed_in_others = []
    for person in (other_user, city_staff):
        browser = Client()
        browser.force_login(person)
        signed_in_others.append(browser)
    for browser in (another_browser, *signed_in_others):
        page = browser.get(MAILBOX)
        assert page.status_code == 200 and mail.subject not in page.content.decode()
        assert browser.get(f"{MAILBOX}{mail.pk}/").status_code == 404
    assert link not in Client().get(f"{MAILBOX}{mail.pk}/").content.decode()

    # The recipient, signed in anywhere, reads the mail of their own (verified) address.
    recipient = Client()
    recipient.force_login(user)
    assert recipient.get(f"{MAILBOX}{mail.pk}/").status_code == 200


def test_demo_mailbox_sign_up_confirmation_reaches_only_its_browser(
    demo, django_capture_on_commit_callbacks
):
    browser, other = Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        signup(browser, "demo.person@example.org")
        signup(other, "someone.else@example.org")
    mine = OutboundEmail.objects.get(to=["demo.person@example.org"])
    theirs = OutboundEmail.objects.get(to=["someone.else@example.org"])
    assert browser.get(f"{MAILBOX}{mine.pk}/").status_code == 200
    assert browser.get(f"{MAILBOX}{theirs.pk}/").status_code == 404
    assert other.get(f"{MAILBOX}{mine.pk}/").status_code == 404
    listing = browser.get(MAILBOX).content.decode()
    assert "demo.person@example.org" in listing and "someone.else@example.org" not in listing
    # The link in the mail confirms the address from the same browser.
    link = secret_links(mine)[0]
    assert browser.post(link).status_code == 302
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(email="demo.person@example.org").verified


def test_demo_mailbox_does_not_show_the_mail_a_session_sends_to_someone_else(
    demo, user, django_capture_on_commit_callbacks
):
    """An owner who invites someone, like staff whose decision notifies someone, does not read that mail."""
    from sharehub.organizations.tests.factories import organization_owned_by

    organization = organization_owned_by(user)
    browser = Client()
    browser.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/api/v1/organizations/{organization.slug}/invitations",
            {"email": "invitee@example.org"},
            content_type="application/json",
        )
    assert response.status_code == 201
    invitation = OutboundEmail.objects.get(kind="organizations.invitation")
    assert invitation.demo_reader == ""
    assert browser.get(f"{MAILBOX}{invitation.pk}/").status_code == 404
    assert "invitee@example.org" not in browser.get(MAILBOX).content.decode()


def test_demo_mailbox_shows_a_signed_in_user_their_own_notification_mail(demo, user, other_user):
    from .factories import OutboundEmailFactory

    mine = OutboundEmailFactory(user=user, to=[user.email], subject="내 알림")
    theirs = OutboundEmailFactory(user=other_user, to=[other_user.email], subject="남의 알림")
    near_miss = OutboundEmailFactory(to=["x" + user.email], subject="비슷한 주소")
    browser = Client()
    browser.force_login(user)
    listing = browser.get(MAILBOX).content.decode()
    assert "내 알림" in listing and "남의 알림" not in listing and "비슷한 주소" not in listing
    assert browser.get(f"{MAILBOX}{mine.pk}/").status_code == 200
    assert browser.get(f"{MAILBOX}{theirs.pk}/").status_code == 404
    assert browser.get(f"{MAILBOX}{near_miss.pk}/").status_code == 404
    # In-app notifications are read as before.
    assert browser.get("/ko/notifications/").status_code == 200
