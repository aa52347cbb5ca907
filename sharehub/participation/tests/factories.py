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


# --- Recommendations (committee review), the city's answers and results ----------------------
# Models named by label so this block needs no import of its own (appended by two parts).


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A published recommendation awaiting the city's answer (due in 30 days)."""

    class Meta:
        model = "participation.Recommendation"

    committee = factory.SubFactory(CommitteeFactory)
    title = factory.Sequence(lambda n: f"공유 정책 권고 {n}")
    body = "<p>위원회는 다음과 같이 권고합니다.</p>"
    language = "ko"
    state = "published"
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    answer_due = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class RecommendationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.RecommendationItem"

    recommendation = factory.SubFactory(RecommendationFactory)
    proposal = factory.SubFactory(
        ProposalFactory, state=ProposalState.RECOMMENDED, support_deadline=None
    )
    verdict = "recommend"
    reasons = "시민 수요가 높고 예산 부담이 적습니다."


class AnswerTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.AnswerTemplate"

    name_ko = factory.Sequence(lambda n: f"수용 답변 {n}")
    name_en = factory.Sequence(lambda n: f"Accepted answer {n}")
    status = "accepted"
    reasons_ko = "권고를 수용하여 추진하겠습니다."
    reasons_en = "The city accepts the recommendation and will carry it out."
    department = "사회혁신담당관"


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.Answer"

    recommendation = factory.SubFactory(RecommendationFactory)
    status = "accepted"
    reasons = "권고를 수용합니다."
    department = "사회혁신담당관"


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.Result"

    answer = factory.SubFactory(AnswerFactory)
    title_ko = factory.Sequence(lambda n: f"공구도서관 확대 {n}")
    title_en = factory.Sequence(lambda n: f"More tool libraries {n}")
    description_ko = "자치구마다 공구도서관을 엽니다."
    progress = 0


# --- Comments and follows ----------------------------------------------------------------------


class CommentFactory(factory.django.DjangoModelFactory):
    """A published comment (counts are not moved: use services.comments.create_comment for that)."""

    class Meta:
        model = "participation.Comment"

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory("sharehub.accounts.tests.factories.UserFactory")
    body = factory.Sequence(lambda n: f"좋은 제안입니다. 의견 {n}")
    stance = "for"
    moderation_status = ModerationStatus.PUBLISHED


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participation.Follow"

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory("sharehub.accounts.tests.factories.UserFactory")
