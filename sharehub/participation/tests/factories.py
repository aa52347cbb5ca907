from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from sharehub.moderation.models import ModerationStatus
from sharehub.participation.models import (
    Committee,
    CommitteeMembership,
    PolicyArea,
    Proposal,
    ProposalState,
)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    slug = factory.Sequence(lambda n: f"committee-{n}")
    name_ko = factory.Sequence(lambda n: f"공유정책 자문위원회 {n}")
    name_en = factory.Sequence(lambda n: f"Sharing Policy Committee {n}")
    remit_ko = "공유 정책을 자문합니다."
    remit_en = "Advises on sharing policy."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMembership

    committee = factory.SubFactory(CommitteeFactory)
    term_start = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    term_end = factory.LazyFunction(lambda: date.today() + timedelta(days=300))


class PolicyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyArea

    slug = factory.Sequence(lambda n: f"area-{n}")
    name_ko = factory.Sequence(lambda n: f"공유 촉진 {n}")
    name_en = factory.Sequence(lambda n: f"Promotion of sharing {n}")
    committee = factory.SubFactory(CommitteeFactory)
    support_threshold = 3
    support_days = 30
    answer_days = 60


class ProposalFactory(factory.django.DjangoModelFactory):
    """A published proposal collecting supports (as moderation's publication leaves it)."""

    class Meta:
        model = Proposal

    title = factory.Sequence(lambda n: f"공구도서관을 늘려 주세요 {n}")
    body = "<p>동네마다 공구도서관이 있으면 좋겠습니다.</p>"
    language = "ko"
    area = factory.SubFactory(PolicyAreaFactory)
    state = ProposalState.COLLECTING
    moderation_status = ModerationStatus.PUBLISHED
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    support_threshold = factory.LazyAttribute(lambda o: o.area.support_threshold)
    support_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=29))
