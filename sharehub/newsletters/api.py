"""/api/v1/newsletters: topics, subscribe / confirm / unsubscribe (public, rate-limited),
campaigns (city staff), and the bounce webhook (shared secret).

Errors follow sharehub/api.py: 401, 403, 404, 422 with field errors, 429 when rate-limited.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import CityDateTime, HeaderText, Id, page_query
from sharehub.core.pagination import ApiPage, api_page
from sharehub.core.ratelimit import check

from . import conf, selectors, services, tokens, upkeep
from .models import Campaign, Role
from .permissions import can_manage_newsletters

router = Router(tags=["newsletters"])


class TopicOut(Schema):
    id: int
    slug: str
    name: str
    name_ko: str
    name_en: str | None
    description: str


class SubscribeIn(Schema):
    email: str
    topics: list[Id]
    language: str = "ko"
    district: Id | None = None


class TokenIn(Schema):
    token: str


class MessageOut(Schema):
    detail: str


class SubscriberOut(Schema):
    email: str
    status: str
    language: str
    district: int | None
    topics: list[int]


class CampaignIn(Schema):
    subject_ko: HeaderText
    subject_en: HeaderText = ""
    body_html_ko: str
    body_html_en: str = ""
    body_text_ko: str
    body_text_en: str = ""
    topics: list[Id] = []
    districts: list[Id] = []
    languages: list[str] = []
    roles: list[Role] = []


class ProgressOut(Schema):
    sent: int
    failed: int
    skipped: int
    remaining: int
    total: int


class CampaignOut(Schema):
    id: int
    subject_ko: str
    subject_en: str | None
    status: str
    failure_reason: str
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    topics: list[int]
    districts: list[int]
    languages: list[str]
    roles: list[str]
    recipient_count: int
    progress: ProgressOut


class SendIn(Schema):
    scheduled_at: CityDateTime | None = None


class BounceIn(Schema):
    email: str
    type: Literal["hard", "soft"] = "hard"


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _token_error(error: tokens.BadToken) -> ValidationError:
    message = _("This link has expired.") if error.expired else _("This link is not valid.")
    return ValidationError({"token": [message]})


def _campaign_out(campaign: Campaign) -> dict:
    progress = selectors.progress(campaign)
    return {
        "id": campaign.pk,
        "subject_ko": campaign.subject_ko,
        "subject_en": campaign.subject_en,
        "status": campaign.status,
        "failure_reason": campaign.failure_reason,
        "scheduled_at": campaign.scheduled_at,
        "started_at": campaign.started_at,
        "finished_at": campaign.finished_at,
        "topics": [topic.pk for topic in campaign.topics.all()],
        "districts": [district.pk for district in campaign.districts.all()],
        "languages": campaign.languages,
        "roles": campaign.roles,
        "recipient_count": selectors.recipient_count(campaign),
        "progress": {
            key: progress[key] for key in ("sent", "failed", "skipped", "remaining", "total")
        },
    }


def _staff(request: HttpRequest):
    if not can_manage_newsletters(request.auth):
        raise PermissionDenied(_("Only city staff can manage newsletters."))
    return request.auth


@router.get("/topics", response=list[TopicOut], auth=None, summary="Topics one can subscribe to")
def list_topics(request: HttpRequest):
    return list(selectors.active_topics())


@router.post(
    "/subscribe",
    response={202: MessageOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Subscribe an address (a confirmation mail is sent: double opt-in)",
)
def subscribe(request: HttpRequest, payload: SubscribeIn):
    check(request, "newsletters.subscribe", conf.subscribe_rate_ip())
    services.subscribe(
        email=payload.email,
        topic_ids=payload.topics,
        language=payload.language,
        district_id=payload.district,
        ip=_ip(request),
    )
    return Status(
        202,
        {
            "detail": _(
                "Check your inbox: open the link in the message to confirm your subscription."
            )
        },
    )


@router.post(
    "/confirm",
    response={200: SubscriberOut, 422: ErrorOut},
    auth=None,
    summary="Confirm with the token from the mail",
)
def confirm(request: HttpRequest, payload: TokenIn):
    try:
        subscriber = services.confirm(token=payload.token, ip=_ip(request))
    except tokens.BadToken as error:
        raise _token_error(error) from None
    return {
        "email": subscriber.email,
        "status": subscriber.status,
        "language": subscriber.language,
        "district": subscriber.district_id,
        "topics": list(subscriber.topics.values_list("pk", flat=True)),
    }


@router.post(
    "/unsubscribe",
    response={200: MessageOut, 422: ErrorOut},
    auth=None,
    summary="Unsubscribe (idempotent)",
)
def unsubscribe(request: HttpRequest, payload: TokenIn):
    try:
        subscriber = tokens.read_manage_token(payload.token)
    except tokens.BadToken as error:
        raise _token_error(error) from None
    services.unsubscribe(subscriber=subscriber, ip=_ip(request))
    return {"detail": _("You are unsubscribed.")}


@router.post(
    "/bounces",
    response={200: MessageOut, 403: ErrorOut},
    auth=None,
    summary="Bounce webhook (X-Bounce-Secret header)",
)
def bounce(request: HttpRequest, payload: BounceIn):
    secret = conf.bounce_secret()
    given = request.headers.get("X-Bounce-Secret", "")
    if not secret or not hmac.compare_digest(secret.encode(), given.encode()):
        raise PermissionDenied(_("Wrong or missing secret."))
    if payload.type == "hard":
        upkeep.mark_bounced(email=payload.email, reason="webhook")
    return {"detail": "ok"}


@router.get(
    "/campaigns", response={200: ApiPage[CampaignOut], **ERRORS}, summary="Campaigns (city staff)"
)
def list_campaigns(request: HttpRequest, page: int = page_query()):
    actor = _staff(request)
    queryset = selectors.campaigns_for_staff(actor).prefetch_related("topics", "districts")
    return api_page(request, queryset, page, item=_campaign_out)


@router.post(
    "/campaigns", response={201: CampaignOut, **ERRORS}, summary="Write a campaign (draft)"
)
def create_campaign(request: HttpRequest, payload: CampaignIn):
    actor = _staff(request)
    data = payload.dict()
    campaign = services.create_campaign(
        actor=actor,
        **{name: data[name] for name in services.CAMPAIGN_TEXT_FIELDS},
        topic_ids=data["topics"],
        district_ids=data["districts"],
        languages=data["languages"],
        roles=[str(role) for role in data["roles"]],
    )
    return Status(201, _campaign_out(campaign))


@router.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignOut, **ERRORS},
    summary="A campaign with its progress",
)
def get_campaign(request: HttpRequest, campaign_id: Id):
    return _campaign_out(selectors.get_campaign_for(request.auth, campaign_id))


@router.post(
    "/campaigns/{campaign_id}/send",
    response={200: CampaignOut, **ERRORS},
    summary="Send now, or schedule",
)
def send_campaign(request: HttpRequest, campaign_id: Id, payload: SendIn):
    campaign = selectors.get_campaign_for(request.auth, campaign_id)
    services.start_sending(actor=request.auth, campaign=campaign, when=payload.scheduled_at)
    campaign.refresh_from_db()
    return _campaign_out(campaign)


@router.post(
    "/campaigns/{campaign_id}/retry",
    response={200: CampaignOut, **ERRORS},
    summary="Retry a failed campaign",
    description="A campaign whose sending stopped on an error (`status` failed, `failure_reason`) is sent again; "
    "recipients who already received it do not get it twice.",
)
def retry_campaign(request: HttpRequest, campaign_id: Id):
    campaign = selectors.get_campaign_for(request.auth, campaign_id)
    campaign = services.retry(actor=request.auth, campaign=campaign)
    campaign.refresh_from_db()
    return _campaign_out(campaign)


@router.post(
    "/campaigns/{campaign_id}/test",
    response={200: MessageOut, **ERRORS},
    summary="Send a test to myself",
)
def test_campaign(request: HttpRequest, campaign_id: Id):
    campaign = selectors.get_campaign_for(request.auth, campaign_id)
    services.send_test(actor=request.auth, campaign=campaign)
    return {"detail": _("A test was sent to %(email)s.") % {"email": request.auth.email}}
