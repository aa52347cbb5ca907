"""Every write to newsletters (DESIGN §4): one durable transaction each, permission checked
inside; mail rows are stored inside the transaction (the outbox enqueues their sending on
commit), and so is the enqueueing of a campaign's sending (on commit).

Writes no person asks for (a hard bounce, a campaign failing, scheduled campaigns starting,
unconfirmed addresses purged) are the worker's and the periodic jobs': `upkeep`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.i18n import hub_name
from sharehub.core.locking import lock, lock_pk
from sharehub.core.ratelimit import RateLimited, hit
from sharehub.core.sanitize import check_rich_text, clean_html
from sharehub.notifications.mail import queue_message, sender
from sharehub.places.models import District

from . import conf, render, tokens
from .consent import CONSENT_VERSION, consent_text
from .models import (
    Campaign,
    ConsentRecord,
    Delivery,
    Role,
    Subscriber,
    Subscription,
    Topic,
    new_secret,
)
from .permissions import can_manage_newsletters
from .tasks import send_campaign
from .upkeep import normalize_email

# Throw-away mailbox services: a sign-up from one of them is refused (the usual spam pattern).
DISPOSABLE_DOMAINS = frozenset(
    {
        "mailinator.com",
        "guerrillamail.com",
        "10minutemail.com",
        "tempmail.com",
        "temp-mail.org",
        "yopmail.com",
        "trashmail.com",
        "sharklasers.com",
        "getnada.com",
        "dispostable.com",
        "maildrop.cc",
        "throwawaymail.com",
    }
)


def offered_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# --- subscribers ----------------------------------------------------------------------------


def _check_choices(
    *, email: str, topic_ids: Iterable[int], language: str, district_id: int | None
) -> tuple[list[int], District | None]:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    else:
        if email.rpartition("@")[2].lower() in DISPOSABLE_DOMAINS:
            errors["email"] = [_("Please use a permanent e-mail address, not a disposable one.")]
    topic_ids = sorted({int(pk) for pk in topic_ids})
    if not topic_ids:
        errors["topics"] = [_("Choose at least one topic.")]
    elif Topic.objects.filter(pk__in=topic_ids, active=True).count() != len(topic_ids):
        errors["topics"] = [_("Select a valid choice.")]
    if language not in offered_languages():
        errors["language"] = [_("Select a valid choice.")]
    district = None
    if district_id is not None:
        district = District.objects.filter(pk=district_id).first()
        if district is None:
            errors["district"] = [_("Select a valid choice.")]
    if errors:
        raise ValidationError(errors)
    return topic_ids, district


def _set_topics(subscriber: Subscriber, topic_ids: list[int]) -> None:
    Subscription.objects.filter(subscriber=subscriber).exclude(topic_id__in=topic_ids).delete()
    existing = set(
        Subscription.objects.filter(subscriber=subscriber).values_list("topic_id", flat=True)
    )
    Subscription.objects.bulk_create(
        [Subscription(subscriber=subscriber, topic_id=pk) for pk in topic_ids if pk not in existing]
    )


def _consent(subscriber: Subscriber, action: str, ip: str | None) -> None:
    ConsentRecord.objects.create(
        subscriber=subscriber,
        action=action,
        text_version=CONSENT_VERSION,
        text=consent_text(subscriber.language)
        if action in (ConsentRecord.Action.SUBSCRIBE, ConsentRecord.Action.CONFIRM)
        else "",
        ip=ip or None,
    )


def _queue_mail(subscriber: Subscriber, template: str, context: dict[str, Any]) -> None:
    with translation.override(subscriber.language):
        context = {"hub_name": hub_name(subscriber.language), **context}
        title = render_to_string(f"newsletters/email/{template}_subject.txt", context)
        # The hub's prefix, as on its account and notification mails; on one line (a header).
        subject = " ".join(f"[{context['hub_name']}] {title}".split())
        text = render_to_string(f"newsletters/email/{template}.txt", context)
        html = render_to_string(f"newsletters/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender(subscriber.language, conf.from_email()),
        to=[subscriber.email],
    )
    message.attach_alternative(html, "text/html")
    queue_message(message, kind=f"newsletters.{template}", user=subscriber.user)


def _send_confirmation(subscriber: Subscriber) -> None:
    with translation.override(subscriber.language):
        url = render.site_url(
            reverse("newsletters:confirm", kwargs={"token": tokens.confirm_token(subscriber)})
        )
    _queue_mail(
        subscriber, "confirm", {"confirm_url": url, "days": conf.confirm_max_age() // 86400}
    )


def _send_already_subscribed(subscriber: Subscriber) -> None:
    token = tokens.manage_token(subscriber.pk, subscriber.secret)
    _queue_mail(
        subscriber,
        "already",
        {"preferences_url": render.preferences_url(subscriber.language, token)},
    )


def subscribe(
    *,
    email: str,
    topic_ids: Iterable[int],
    language: str,
    district_id: int | None = None,
    ip: str | None = None,
) -> Subscriber:
    """Anyone subscribes; a confirmation mail goes out (double opt-in) and nothing else until confirmed.
    Takes the subscriber's row lock when the address is known.

    The answer is the same whatever the address's state, so the form reveals nobody's subscription:
    a new, pending, unsubscribed or bounced address gets (again) a confirmation link and the
    choices made now; a confirmed one keeps its choices and gets its preferences link instead.
    """
    email = normalize_email(email)
    topic_ids, district = _check_choices(
        email=email, topic_ids=topic_ids, language=language, district_id=district_id
    )
    if not hit("newsletters.address", email.lower(), conf.subscribe_rate_address()):
        raise RateLimited("newsletters.address")
    user = get_user_model().objects.filter(email__iexact=email).first()
    try:
        with transaction.atomic(durable=True):
            existing = (
                Subscriber.objects.annotate(email_ci=Lower("email"))
                .filter(email_ci=email.lower())
                .values_list("pk", flat=True)
                .first()
            )
            subscriber = lock_pk(Subscriber, existing) if existing else Subscriber(email=email)
            if subscriber.status == Subscriber.Status.CONFIRMED:
                _send_already_subscribed(subscriber)
                return subscriber
            subscriber.language = language
            subscriber.district = district
            subscriber.status = Subscriber.Status.PENDING
            subscriber.user = subscriber.user or user
            subscriber.full_clean(exclude=["secret"], validate_constraints=False)
            subscriber.save()
            _set_topics(subscriber, topic_ids)
            _consent(subscriber, ConsentRecord.Action.SUBSCRIBE, ip)
            _send_confirmation(subscriber)
    except IntegrityError:  # the same address signed up in parallel: that request wins
        return Subscriber.objects.annotate(email_ci=Lower("email")).get(email_ci=email.lower())
    return subscriber


@transaction.atomic(durable=True)
def confirm(*, token: str, ip: str | None = None) -> Subscriber:
    """Double opt-in: the signed, expiring link from the mail. Confirming twice is harmless.
    Takes the subscriber's row lock."""
    subscriber = lock(tokens.read_confirm_token(token))
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber
    if subscriber.status != Subscriber.Status.PENDING:
        # Unsubscribed (or bounced) after this link was sent: an old link does not bring it back.
        raise tokens.BadToken
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.bounced_at = None
    subscriber.bounce_reason = ""
    subscriber.save(
        update_fields=[
            "status",
            "confirmed_at",
            "unsubscribed_at",
            "bounced_at",
            "bounce_reason",
        ]
    )
    _consent(subscriber, ConsentRecord.Action.CONFIRM, ip)
    return subscriber


@transaction.atomic(durable=True)
def update_preferences(
    *,
    subscriber: Subscriber,
    topic_ids: Iterable[int],
    language: str,
    district_id: int | None = None,
    ip: str | None = None,
) -> Subscriber:
    """From the preferences link (the token is the permission). Takes the subscriber's row lock."""
    topic_ids, district = _check_choices(
        email=subscriber.email, topic_ids=topic_ids, language=language, district_id=district_id
    )
    subscriber = lock(subscriber)
    subscriber.language = language
    subscriber.district = district
    subscriber.save(update_fields=["language", "district"])
    _set_topics(subscriber, list(topic_ids))
    _consent(subscriber, ConsentRecord.Action.PREFERENCES, ip)
    return subscriber


@transaction.atomic(durable=True)
def unsubscribe(*, subscriber: Subscriber, ip: str | None = None) -> bool:
    """One-click unsubscribe (RFC 8058): idempotent; True when this call unsubscribed."""
    changed = Subscriber.objects.filter(
        pk=subscriber.pk, status__in=[Subscriber.Status.PENDING, Subscriber.Status.CONFIRMED]
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    if changed:
        _consent(subscriber, ConsentRecord.Action.UNSUBSCRIBE, ip)
    return bool(changed)


@transaction.atomic(durable=True)
def reset_links(*, subscriber: Subscriber) -> None:
    """Invalidate every link sent to this address so far."""
    Subscriber.objects.filter(pk=subscriber.pk).update(secret=new_secret())


# --- topics ---------------------------------------------------------------------------------


class TopicChanges(TypedDict, total=False):
    slug: str
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    order: int
    active: bool


TOPIC_FIELDS = tuple(TopicChanges.__annotations__)


def _require_staff(actor: Actor) -> None:
    if not can_manage_newsletters(actor):
        raise PermissionDenied(_("Only city staff can manage newsletters."))


def _stripped(_name: str, value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@transaction.atomic(durable=True)
def save_topic(
    *, actor: Actor, topic: Topic | None = None, **changes: Unpack[TopicChanges]
) -> Topic:
    """Create or change a topic (city staff; takes the topic's row lock). Topics are never
    deleted, only made inactive, so subscriptions and past segments keep their meaning."""
    _require_staff(actor)
    topic = lock(topic) if topic else Topic()
    apply_changes(topic, fields=TOPIC_FIELDS, data=changes, clean=_stripped)
    topic.full_clean()
    topic.save()
    log_action(actor=actor, action="newsletters.topic.save", target=topic)
    return topic


# --- campaigns ------------------------------------------------------------------------------


class CampaignTexts(TypedDict, total=False):
    subject_ko: str
    subject_en: str
    body_html_ko: str
    body_html_en: str
    body_text_ko: str
    body_text_en: str


CAMPAIGN_TEXT_FIELDS = tuple(CampaignTexts.__annotations__)


def _check_segment(
    *, languages: Iterable[str], roles: Iterable[str]
) -> tuple[list[str], list[str]]:
    languages, roles = sorted(set(languages)), sorted(set(roles))
    errors = {}
    if any(code not in offered_languages() for code in languages):
        errors["languages"] = [_("Select a valid choice.")]
    if any(role not in Role.values for role in roles):
        errors["roles"] = [_("Select a valid choice.")]
    if errors:
        raise ValidationError(errors)
    return languages, roles


def _clean_text(name: str, value: Any) -> str:
    value = (value or "").strip()
    return clean_html(value) if name.startswith("body_html") else value


def _apply_campaign(
    campaign: Campaign,
    *,
    texts: CampaignTexts,
    topic_ids: Iterable[int],
    district_ids: Iterable[int],
    languages: Iterable[str],
    roles: Iterable[str],
) -> Campaign:
    check_rich_text(texts, ("body_html_ko", "body_html_en"))
    apply_changes(campaign, fields=CAMPAIGN_TEXT_FIELDS, data=texts, clean=_clean_text)
    campaign.languages, campaign.roles = _check_segment(languages=languages, roles=roles)
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    topic_ids, district_ids = list(topic_ids), list(district_ids)
    if Topic.objects.filter(pk__in=topic_ids).count() != len(set(topic_ids)):
        raise ValidationError({"topics": [_("Select a valid choice.")]})
    if District.objects.filter(pk__in=district_ids).count() != len(set(district_ids)):
        raise ValidationError({"districts": [_("Select a valid choice.")]})
    campaign.topics.set(topic_ids)
    campaign.districts.set(district_ids)
    return campaign


@transaction.atomic(durable=True)
def create_campaign(
    *,
    actor: Actor,
    topic_ids: Iterable[int] = (),
    district_ids: Iterable[int] = (),
    languages: Iterable[str] = (),
    roles: Iterable[str] = (),
    **texts: Unpack[CampaignTexts],
) -> Campaign:
    _require_staff(actor)
    campaign = _apply_campaign(
        # Staff (checked above): a signed-in User, not the anonymous half of `Actor`.
        Campaign(created_by=actor),  # type: ignore[misc]
        texts=texts,
        topic_ids=topic_ids,
        district_ids=district_ids,
        languages=languages,
        roles=roles,
    )
    log_action(actor=actor, action="newsletters.campaign.create", target=campaign)
    return campaign


@transaction.atomic(durable=True)
def update_campaign(
    *,
    actor: Actor,
    campaign: Campaign,
    topic_ids: Iterable[int] = (),
    district_ids: Iterable[int] = (),
    languages: Iterable[str] = (),
    roles: Iterable[str] = (),
    **texts: Unpack[CampaignTexts],
) -> Campaign:
    """Change a draft, scheduled or failed campaign (takes the campaign's row lock)."""
    _require_staff(actor)
    campaign = lock(campaign)
    if not campaign.is_editable:
        raise ValidationError(_("A campaign can no longer be changed once it is being sent."))
    campaign = _apply_campaign(
        campaign,
        texts=texts,
        topic_ids=topic_ids,
        district_ids=district_ids,
        languages=languages,
        roles=roles,
    )
    log_action(actor=actor, action="newsletters.campaign.update", target=campaign)
    return campaign


@transaction.atomic(durable=True)
def send_test(
    *, actor: Actor, campaign: Campaign, languages: Iterable[str] | None = None
) -> list[str]:
    """Send the campaign to the staff member themselves, in each language (through the outbox)."""
    _require_staff(actor)
    languages = list(languages or offered_languages())
    for language in languages:
        rendered = render.render_campaign(campaign, language)
        message = render.as_email_message(rendered, to=actor.email, token="test")  # type: ignore[union-attr]  # staff: a signed-in user
        with translation.override(language):  # the mail's language, not the page's
            test = _("Test")
        message.subject = f"[{test}] {message.subject}"
        queue_message(message, kind="newsletters.test", user=actor)  # type: ignore[arg-type]  # staff: a signed-in user
    log_action(
        actor=actor,
        action="newsletters.campaign.test",
        target=campaign,
        data={"languages": languages},
    )
    return languages


def _enqueue_sending(campaign_id: int) -> None:
    # On commit, robust: a queue out of reach (Redis restarting) is logged, and the scheduler's
    # `run_due_campaigns` resumes a sending campaign no worker has moved.
    send_campaign.enqueue(campaign_id)


@transaction.atomic(durable=True)
def start_sending(*, actor: Actor, campaign: Campaign, when: datetime | None = None) -> Campaign:
    """Send now (when=None) or schedule; the background worker does the sending. Takes the
    campaign's row lock."""
    _require_staff(actor)
    campaign = lock(campaign)
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        raise ValidationError(_("This campaign has already been sent or is being sent."))
    check_sendable(campaign)
    if when is not None and when > timezone.now():
        campaign.status = Campaign.Status.SCHEDULED
        campaign.scheduled_at = when
        campaign.save(update_fields=["status", "scheduled_at", "updated_at"])
        log_action(
            actor=actor,
            action="newsletters.campaign.schedule",
            target=campaign,
            data={"at": when.isoformat()},
        )
        return campaign
    campaign.status = Campaign.Status.SENDING
    campaign.started_at = timezone.now()
    campaign.save(update_fields=["status", "started_at", "updated_at"])
    log_action(actor=actor, action="newsletters.campaign.send", target=campaign)
    transaction.on_commit(partial(_enqueue_sending, campaign.pk), robust=True)
    return campaign


def check_sendable(campaign: Campaign) -> None:
    """Every language version can be built as a mail (field errors otherwise)."""
    for language in offered_languages():
        render.render_campaign(campaign, language)


@transaction.atomic(durable=True)
def retry(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Send a failed campaign again. What was sent stays sent (the delivery rows): only the rest
    goes. When nothing had gone yet, the recipients are listed anew, so a corrected segment counts.
    Takes the campaign's row lock."""
    _require_staff(actor)
    campaign = lock(campaign)
    if campaign.status != Campaign.Status.FAILED:
        raise ValidationError(_("Only a failed campaign can be retried."))
    check_sendable(campaign)
    deliveries = Delivery.objects.filter(campaign=campaign)
    if not deliveries.exclude(
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    ).exists():
        deliveries.delete()
        campaign.recipients_ready = False
        campaign.total_count = 0
    campaign.status = Campaign.Status.SENDING
    campaign.failure_reason = ""
    campaign.last_batch_at = None
    campaign.started_at = campaign.started_at or timezone.now()
    campaign.save(
        update_fields=[
            "status",
            "failure_reason",
            "last_batch_at",
            "started_at",
            "recipients_ready",
            "total_count",
            "updated_at",
        ]
    )
    log_action(actor=actor, action="newsletters.campaign.retry", target=campaign)
    transaction.on_commit(partial(_enqueue_sending, campaign.pk), robust=True)
    return campaign


def _move(
    actor: Actor,
    campaign: Campaign,
    *,
    action: str,
    allowed: Iterable[str],
    error: str,
    **updates: Any,
) -> Campaign:
    """One conditional transition of a campaign's state, logged; `error` when it is in none of
    the `allowed` states."""
    _require_staff(actor)
    if not Campaign.objects.filter(pk=campaign.pk, status__in=list(allowed)).update(**updates):
        raise ValidationError(error)
    log_action(actor=actor, action=f"newsletters.campaign.{action}", target=campaign)
    return Campaign.objects.get(pk=campaign.pk)


@transaction.atomic(durable=True)
def unschedule(*, actor: Actor, campaign: Campaign) -> Campaign:
    return _move(
        actor,
        campaign,
        action="unschedule",
        allowed=[Campaign.Status.SCHEDULED],
        error=_("This campaign is not scheduled."),
        status=Campaign.Status.DRAFT,
        scheduled_at=None,
    )


@transaction.atomic(durable=True)
def pause(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Workers stop after their current batch; resuming continues where they stopped."""
    return _move(
        actor,
        campaign,
        action="pause",
        allowed=[Campaign.Status.SENDING],
        error=_("Only a campaign being sent can be paused."),
        status=Campaign.Status.PAUSED,
    )


@transaction.atomic(durable=True)
def resume(*, actor: Actor, campaign: Campaign) -> Campaign:
    campaign = _move(
        actor,
        campaign,
        action="resume",
        allowed=[Campaign.Status.PAUSED],
        error=_("Only a paused campaign can be resumed."),
        status=Campaign.Status.SENDING,
    )
    transaction.on_commit(partial(_enqueue_sending, campaign.pk), robust=True)
    return campaign


@transaction.atomic(durable=True)
def cancel(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Stop for good; whatever was not sent is not sent."""
    return _move(
        actor,
        campaign,
        action="cancel",
        allowed=[
            Campaign.Status.SCHEDULED,
            Campaign.Status.SENDING,
            Campaign.Status.PAUSED,
            Campaign.Status.DRAFT,
            Campaign.Status.FAILED,
        ],
        error=_("This campaign has already been sent."),
        status=Campaign.Status.CANCELLED,
        finished_at=timezone.now(),
    )
