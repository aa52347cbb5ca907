"""A campaign's mail is built from a template prepared once per language (`sending.MailTemplate`:
the base64 of each part encoded once up to the recipient's token, the token signed with one-shot
hashlib calls). Its bytes must be those of the straightforward build (`sending.build_message`),
for every recipient, and what reaches the SMTP server must be those bytes."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import signing
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sharehub.newsletters import render, sending, tokens
from sharehub.newsletters.models import Campaign, Subscriber
from sharehub.newsletters.sending import CampaignSender, MailTemplate, Recipient, build_message

from .factories import CampaignFactory
from .test_pipelining import announce_pipelining

pytestmark = pytest.mark.django_db


@hypothesis_settings(max_examples=200, deadline=None)
@given(pk=st.integers(min_value=1, max_value=10**12), secret=st.text(max_size=40))
def test_the_manage_token_is_djangos_signature(pk, secret):
    expected = signing.Signer(salt=f"{tokens.MANAGE_SALT}:{secret}").sign(str(pk))
    assert tokens.manage_token(pk, secret) == expected


def test_a_manage_token_is_read_back(db):
    subscriber = Subscriber.objects.create(email="reader@example.org", status="confirmed")
    token = tokens.manage_token(subscriber.pk, subscriber.secret)
    assert tokens.read_manage_token(token) == subscriber
    with pytest.raises(tokens.BadToken):
        tokens.read_manage_token(token[:-1] + ("A" if token[-1] != "A" else "B"))


class FixedUuids:
    """uuid4 as a sequence, the same for both builds (the boundary and the Message-ID's part)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> uuid.UUID:
        self.n += 1
        return uuid.UUID(int=self.n * 7919)


def recipients() -> list[Recipient]:
    return [
        Recipient(1, 1, "a@example.org", "ko", "s" * 32, "confirmed"),
        Recipient(42, 987, "reader.name+news@example.co.kr", "ko", "x9" * 16, "confirmed"),
        Recipient(123456, 7654321, "b@example.org", "en", "0" * 32, "confirmed"),
    ]


def prepared(template: MailTemplate):
    def build(_rendered, recipient, **kwargs):
        return template.build(recipient, **kwargs)

    return build


# Bodies of many lengths, so that the part encoded once ends anywhere in a 57-byte block, and
# Korean text whose UTF-8 characters straddle the blocks.
BODIES = [
    ("", ""),
    ("<p>짧은 글</p>", "짧은 글"),
    ("<p>" + "공유도시 소식입니다. " * 37 + "</p>", "공유 " * 113),
    ("<p>" + "a" * 56 + "</p>", "b" * 57),
    ("<p>" + "ShareHub news, line. " * 50 + "</p><p>.dot</p>", ".dot first\n" + "x" * 1000),
]


@pytest.mark.parametrize("mailto", ["", "unsubscribe@example.org"])
@pytest.mark.parametrize("body", BODIES)
def test_the_prepared_mail_has_the_bytes_of_the_plain_build(settings, monkeypatch, body, mailto):
    settings.SHAREHUB_NEWSLETTER_UNSUBSCRIBE_MAILTO = mailto
    html, text = body
    campaign = CampaignFactory(
        body_html_ko=html,
        body_html_en=html.replace("소식", "news"),
        body_text_ko=text,
        body_text_en=text,
    )
    for language in ("ko", "en"):
        rendered = render.render_campaign(campaign, language)
        template = MailTemplate(rendered)
        for recipient in recipients():
            built = {}
            for name, build in (("plain", build_message), ("prepared", prepared(template))):
                monkeypatch.setattr(sending.uuid, "uuid4", FixedUuids())
                built[name] = build(
                    rendered,
                    recipient,
                    campaign_id=campaign.pk,
                    domain="example.org",
                    date="Fri, 04 Dec 2026 17:00:00 -0000",
                )
            assert built["prepared"] == built["plain"], (language, recipient)
            token = tokens.manage_token(recipient.subscriber_id, recipient.secret)
            assert (
                render.list_unsubscribe_header(
                    rendered.unsubscribe_url.replace(render.TOKEN, token), token
                ).replace(", <", ",\r\n <")
                in built["prepared"].decode()
            )


@pytest.mark.parametrize(
    "language,name,encoded",
    [("ko", "공유허브", "=?utf-8?b?6rO17Jyg7ZeI67iM?="), ("en", "ShareHub", "ShareHub")],
)
def test_the_campaigns_sender_is_the_hub_in_its_language(language, name, encoded):
    rendered = render.render_campaign(CampaignFactory(), language)
    assert f"\r\nFrom: {encoded} <noreply@sharehub.localhost>\r\n" in (
        "\r\n" + rendered.headers_block.decode("ascii")
    )
    test_send = render.as_email_message(rendered, to="a@example.org", token="token")
    assert test_send.from_email == f"{name} <noreply@sharehub.localhost>"


def raw_collector(smtp_server) -> list[bytes]:
    """What the server received of each mail, as bytes (the "." unstuffed by aiosmtpd)."""
    raw: list[bytes] = []
    collect = smtp_server.handle_DATA

    async def handle_DATA(server, session, envelope):
        raw.append(envelope.original_content)
        return await collect(server, session, envelope)

    smtp_server.handle_DATA = handle_DATA
    return raw


def normalised(mail: bytes) -> bytes:
    """The mail with its random boundary and Message-ID part, and its Date, made constant."""
    boundary = re.search(rb'boundary="([^"]+)"', mail).group(1)
    mail = mail.replace(boundary, b"BOUNDARY")
    mail = re.sub(rb"Message-ID: <(nl\.\d+\.\d+)\.[0-9a-f]+@", rb"Message-ID: <\1.ID@", mail)
    return re.sub(rb"Date: [^\r]+\r\n", b"Date: DATE\r\n", mail)


@pytest.mark.parametrize("pipelined", [False, True], ids=["one by one", "pipelined"])
def test_the_mails_on_the_wire_are_the_plain_builds(smtp_server, fast_sending, settings, pipelined):
    settings.SHAREHUB_NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@example.org"
    if pipelined:
        announce_pipelining(smtp_server)
    raw = raw_collector(smtp_server)
    for n in range(12):
        Subscriber.objects.create(
            email=f"reader{n}@example.org",
            language="en" if n % 3 == 0 else "ko",
            status="confirmed",
        )
    campaign = CampaignFactory(
        status=Campaign.Status.SENDING,
        body_html_ko="<p>" + "공유도시 소식입니다. " * 40 + "</p><p>.마침표</p>",
        body_text_ko="공유도시 소식\n.마침표로 시작하는 줄\n" * 20,
    )
    report = CampaignSender(campaign.pk).run()
    assert report.sent == 12 and len(raw) == 12
    sender = CampaignSender(campaign.pk)
    ids = set()
    for mail in raw:
        assert b"\n" not in mail.replace(b"\r\n", b"") and b"\r" not in mail.replace(b"\r\n", b"")
        assert all(len(line) <= 998 for line in mail.split(b"\r\n"))
        head = mail.split(b"\r\n\r\n", 1)[0].decode("ascii")  # encoded words only
        ids.add(re.search(r"Message-ID: (<[^>]+>)", head).group(1))
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in head
        to = re.search(r"To: (\S+)", head).group(1)
        subscriber = Subscriber.objects.get(email=to)
        recipient = Recipient(
            int(re.search(r"Message-ID: <nl\.\d+\.(\d+)\.", head).group(1)),
            subscriber.pk,
            subscriber.email,
            subscriber.language,
            subscriber.secret,
            "confirmed",
        )
        expected = build_message(
            sender.rendered_for(subscriber.language),
            recipient,
            campaign_id=campaign.pk,
            domain=sender.domain,
            date="now",
        )
        assert normalised(mail) == normalised(expected)
    assert len(ids) == 12  # a Message-ID of its own for each mail
