"""Reads: the segment of a campaign, progress figures, the archive."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from sharehub.core.actors import Actor
from sharehub.organizations.models import Membership

from .models import Campaign, Delivery, Role, Subscriber, Subscription, Topic
from .permissions import can_manage_newsletters


def active_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(active=True).order_by("order", "pk")


def topics_for_staff() -> QuerySet[Topic]:
    return Topic.objects.annotate(
        subscriber_count=Count(
            "subscriptions", filter=Q(subscriptions__subscriber__status=Subscriber.Status.CONFIRMED)
        )
    ).order_by("order", "pk")


def role_condition(roles: Iterable[str]) -> Q:
    """Subscribers whose account (or lack of one) has one of `roles`."""
    member = Exists(Membership.objects.filter(user_id=OuterRef("user_id")))
    condition = Q(pk__in=[])
    for role in set(roles):
        if role == Role.NONE:
            condition |= Q(user__isnull=True)
        elif role == Role.STAFF:
            condition |= Q(user__is_city_staff=True)
        elif role == Role.MEMBER:
            condition |= Q(user__isnull=False, user__is_city_staff=False) & Q(member)
        elif role == Role.CITIZEN:
            condition |= Q(user__isnull=False, user__is_city_staff=False) & ~Q(member)
    return condition


def segment_subscribers(
    *,
    topic_ids: Iterable[int] = (),
    district_ids: Iterable[int] = (),
    languages: Iterable[str] = (),
    roles: Iterable[str] = (),
) -> QuerySet[Subscriber]:
    """Confirmed subscribers in the segment: any of the topics × any of the districts × any of the
    languages × any of the roles; an empty axis means everyone on it."""
    queryset = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
    topic_ids, district_ids, languages, roles = (
        list(topic_ids),
        list(district_ids),
        list(languages),
        list(roles),
    )
    if topic_ids:
        queryset = queryset.filter(
            Exists(
                Subscription.objects.filter(subscriber_id=OuterRef("pk"), topic_id__in=topic_ids)
            )
        )
    if district_ids:
        queryset = queryset.filter(district_id__in=district_ids)
    if languages:
        queryset = queryset.filter(language__in=languages)
    if roles:
        queryset = queryset.filter(role_condition(roles))
    return queryset


def campaign_segment(campaign: Campaign) -> QuerySet[Subscriber]:
    return segment_subscribers(
        topic_ids=campaign.topics.values_list("pk", flat=True),
        district_ids=campaign.districts.values_list("pk", flat=True),
        languages=campaign.languages,
        roles=campaign.roles,
    )


def recipient_count(campaign: Campaign) -> int:
    """Who would receive it now (before sending), or who was listed (once sending started)."""
    if campaign.recipients_ready:
        return campaign.total_count
    return campaign_segment(campaign).count()


def recipients_by_language(campaign: Campaign) -> dict[str, int]:
    """Who would receive it now, by the language they read: the segment `list_recipients` turns
    into deliveries, counted in one query."""
    rows = (
        campaign_segment(campaign)
        .order_by()
        .values_list("language")
        .annotate(n=Count("pk"))
        .values_list("language", "n")
    )
    return dict(rows)


DELIVERIES_PER_PAGE = 50


def deliveries(campaign: Campaign, *, status: str = "") -> QuerySet[Delivery]:
    """The campaign's deliveries for its staff page: the recipient's address and language and
    the engine's columns, never a body; by id (a status filter follows the claim index)."""
    queryset = (
        Delivery.objects.filter(campaign=campaign)
        .select_related("subscriber")
        .only(
            "pk",
            "status",
            "attempts",
            "sent_at",
            "last_error",
            "subscriber__email",
            "subscriber__language",
        )
        .order_by("pk")
    )
    if status in Delivery.Status.values:
        queryset = queryset.filter(status=status)
    return queryset


def progress(campaign: Campaign) -> dict:
    """Figures from the delivery rows, one query: sent, failed, skipped, remaining, total."""
    counts = dict(
        Delivery.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    figures = {
        "sent": counts.get(Delivery.Status.SENT, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0),
        "skipped": counts.get(Delivery.Status.SKIPPED, 0),
        "remaining": counts.get(Delivery.Status.QUEUED, 0) + counts.get(Delivery.Status.SENDING, 0),
    }
    figures["total"] = sum(figures.values())
    figures["percent"] = (
        round(100 * (figures["total"] - figures["remaining"]) / figures["total"])
        if figures["total"]
        else 0
    )
    return figures


def campaigns_for_staff(actor: Actor) -> QuerySet[Campaign]:
    if not can_manage_newsletters(actor):
        return Campaign.objects.none()
    return Campaign.objects.select_related("created_by").order_by("-created_at", "-pk")


def get_campaign_for(actor: Actor, pk: int) -> Campaign:
    """The campaign, or 404 whether it is missing or the actor is not city staff (services lock
    it themselves: `core.locking.lock`)."""
    if not can_manage_newsletters(actor):
        raise Http404
    campaign = Campaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def archive() -> QuerySet[Campaign]:
    return Campaign.objects.filter(status=Campaign.Status.SENT).order_by("-finished_at", "-pk")


def archived_campaign(pk: int) -> Campaign:
    campaign = archive().filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def subscriber_of(user: Actor) -> Subscriber | None:
    """The newsletter subscription tied to the person's account (set when they subscribed with
    its address), with its topics; None when they have none."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Subscriber.objects.filter(user_id=user.pk)
        .prefetch_related("topics")
        .order_by("-created_at", "-pk")
        .first()
    )


def campaigns_in_progress_count() -> int:
    """Campaigns scheduled, sending, paused or failed: the ones staff still have to follow."""
    return Campaign.objects.filter(
        status__in=[
            Campaign.Status.SCHEDULED,
            Campaign.Status.SENDING,
            Campaign.Status.PAUSED,
            Campaign.Status.FAILED,
        ]
    ).count()
