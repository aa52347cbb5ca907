"""The demo mailbox lists each mail's attachments (an event's .ics, a committee meeting's
invitation) with a download link, for whoever may read the mail there and nobody else; the staff
outbox still shows none (metadata only)."""

from __future__ import annotations

import base64

import pytest

from sharehub.notifications.outbox import stored_attachment
from sharehub.notifications.tests.factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def mail(user):
    return OutboundEmailFactory(
        user=user,
        attachments=[
            stored_attachment(("event.ics", ICS, "text/calendar; method=PUBLISH; charset=utf-8")),
            {"filename": "broken.bin", "mimetype": "x", "content": "not base64!"},
        ],
    )


def _url(mail) -> str:
    return f"/ko/notifications/demo-mailbox/{mail.pk}/"


def test_the_reader_sees_the_attachment_with_a_download_link(client, user, mail, settings):
    settings.SHAREHUB_DEMO_MAILBOX = True
    client.force_login(user)
    html = client.get(_url(mail)).content.decode()
    content = base64.b64encode(ICS.encode()).decode()
    assert f'href="data:text/calendar;base64,{content}" download="event.ics"' in html
    assert "event.ics" in html and "broken.bin" not in html  # undecodable: not offered


def test_a_mail_without_attachments_has_no_section(client, user, settings):
    settings.SHAREHUB_DEMO_MAILBOX = True
    plain = OutboundEmailFactory(user=user)
    client.force_login(user)
    assert 'id="attachments-heading"' not in client.get(_url(plain)).content.decode()


def test_nobody_else_reaches_the_attachment(client, other_user, mail, settings):
    settings.SHAREHUB_DEMO_MAILBOX = True
    assert client.get(_url(mail)).status_code == 404
    client.force_login(other_user)
    assert client.get(_url(mail)).status_code == 404


def test_mailbox_off_is_404(client, user, mail, settings):
    settings.SHAREHUB_DEMO_MAILBOX = False
    client.force_login(user)
    assert client.get(_url(mail)).status_code == 404
