from __future__ import annotations

import factory

from sharehub.accounts.tests.factories import UserFactory
from sharehub.notifications.models import Notification, OutboundEmail


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "moderation.decision"
    title = factory.Sequence(lambda n: f"알림 {n}")
    body = "본문 body"
    url = "/ko/"


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundEmail

    from_email = "ShareHub <noreply@sharehub.localhost>"
    to = factory.Sequence(lambda n: [f"someone{n}@example.org"])
    subject = factory.Sequence(lambda n: f"[공유허브] 메일 {n}")
    body_text = "Hello"
