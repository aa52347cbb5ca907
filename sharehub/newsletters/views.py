"""Newsletter pages: subscribe, confirm, preferences and unsubscribe (reached from mails without
logging in: the signed token is the permission), the archive, and city staff's campaign pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.forms import apply_errors
from sharehub.core.pagination import paginate
from sharehub.core.ratelimit import RateLimited, check

from . import conf, selectors, services, tokens
from . import render as mail_render
from .consent import CONSENT_VERSION, consent_text
from .forms import CampaignForm, PreferencesForm, ScheduleForm, SubscribeForm, TopicForm
from .models import Campaign, Subscriber, Topic
from .permissions import can_manage_newsletters


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": _("Too many requests"), "message": _("Please wait a moment and try again.")},
        status=429,
    )


def _bad_link(request: HttpRequest, error: tokens.BadToken) -> HttpResponse:
    if error.expired:
        message = _("This link has expired. Please subscribe again to get a new confirmation link.")
    else:
        message = _(
            "This link is not valid. It may be incomplete, or it was replaced by a newer one."
        )
    return render(
        request,
        "newsletters/bad_link.html",
        {"message": message, "expired": error.expired},
        status=400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe_page(request: HttpRequest) -> HttpResponse:
    initial = {"language": request.LANGUAGE_CODE}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            check(request, "newsletters.subscribe", conf.subscribe_rate_ip())
        except RateLimited:
            return _too_many(request)
        if form.is_valid():
            try:
                services.subscribe(
                    **form.service_fields(), ip=client_ip(request), actor=request.user
                )
            except RateLimited:
                return _too_many(request)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return render(
                    request,
                    "newsletters/check_inbox.html",
                    {"email": services.normalize_email(form.cleaned_data["email"])},
                )
    return render(
        request,
        "newsletters/subscribe.html",
        {
            "form": form,
            "consent_text": consent_text(),
            "consent_version": CONSENT_VERSION,
            "recent": selectors.archive()[:3],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links), POST confirms."""
    try:
        subscriber = tokens.read_confirm_token(token)
        if request.method == "POST":
            subscriber = services.confirm(token=token, ip=client_ip(request))
    except tokens.BadToken as error:
        return _bad_link(request, error)
    manage = tokens.manage_token(subscriber.pk, subscriber.secret)
    return render(
        request,
        "newsletters/confirm.html",
        {
            "subscriber": subscriber,
            "confirmed": subscriber.status == Subscriber.Status.CONFIRMED,
            "manage_token": manage,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def preferences_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = tokens.read_manage_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    initial = {
        "topics": list(subscriber.topics.values_list("pk", flat=True)),
        "language": subscriber.language,
        "district": subscriber.district_id,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    active = subscriber.status == Subscriber.Status.CONFIRMED
    if request.method == "POST" and active and form.is_valid():
        try:
            services.update_preferences(
                subscriber=subscriber, **form.service_fields(), ip=client_ip(request)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("newsletters:preferences", token=token)
    return render(
        request,
        "newsletters/preferences.html",
        {"form": form, "subscriber": subscriber, "token": token, "active": active},
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click: a POST with no cookie, session or CSRF token unsubscribes (idempotent,
    200 again for an address already unsubscribed); GET only shows the button, since mail scanners
    open every link. CSRF is moot here: the secret is the signed token in the address."""
    try:
        subscriber = tokens.read_manage_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    if request.method == "POST":
        services.unsubscribe(subscriber=subscriber, ip=client_ip(request))
        subscriber.refresh_from_db(fields=["status"])
    return render(
        request,
        "newsletters/unsubscribe.html",
        {
            "subscriber": subscriber,
            "token": token,
            "done": subscriber.status
            in (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED),
        },
    )


@require_safe
def archive_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.archive())
    return render(request, "newsletters/archive.html", {"page": page})


@require_safe
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.archived_campaign(pk)
    language = request.LANGUAGE_CODE
    return render(
        request,
        "newsletters/archive_detail.html",
        {
            "campaign": campaign,
            "subject": mail_render.localized(campaign, "subject", language),
            "body_html": mail_render.safe_body(campaign, language),
        },
    )


# --- city staff -------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not can_manage_newsletters(request.user):
        raise PermissionDenied


@login_required
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    page = paginate(request, selectors.campaigns_for_staff(request.user))
    return render(request, "newsletters/manage.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(actor=request.user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The campaign is saved as a draft."))
            return redirect("newsletters:campaign", pk=campaign.pk)
    return render(request, "newsletters/campaign_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk)
    if not campaign.is_editable:
        messages.error(request, _("A campaign can no longer be changed once it is being sent."))
        return redirect("newsletters:campaign", pk=pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(actor=request.user, campaign=campaign, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("newsletters:campaign", pk=pk)
    return render(request, "newsletters/campaign_form.html", {"form": form, "campaign": campaign})


def _campaign_context(campaign: Campaign) -> dict:
    return {
        "campaign": campaign,
        "progress": selectors.progress(campaign),
        "polling": campaign.status == Campaign.Status.SENDING,
    }


@login_required
@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk)
    context = _campaign_context(campaign)
    context.update(
        recipient_count=selectors.recipient_count(campaign),
        schedule_form=ScheduleForm(),
        topics=campaign.topics.all(),
        districts=campaign.districts.all(),
    )
    return render(request, "newsletters/campaign.html", context)


@login_required
@require_safe
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment, polled by htmx while the campaign is being sent."""
    campaign = selectors.get_campaign_for(request.user, pk)
    response = render(request, "newsletters/partials/progress.html", _campaign_context(campaign))
    if campaign.status != Campaign.Status.SENDING:
        response["HX-Refresh"] = "true"  # the final figures come with the page's other parts
    return response


@login_required
@require_safe
def campaign_preview(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk)
    if language not in services.offered_languages():
        raise Http404
    try:
        rendered = mail_render.render_campaign(campaign, language)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("newsletters:campaign", pk=pk)
    _html, text, _url = rendered.for_token("preview")
    return render(
        request,
        "newsletters/preview.html",
        {
            "campaign": campaign,
            "language": language,
            "subject": rendered.subject,
            "body_html": mail_render.safe_body(campaign, language),
            "text": text,
        },
    )


ACTIONS = {"test", "send", "schedule", "unschedule", "pause", "resume", "cancel", "retry"}


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    campaign = selectors.get_campaign_for(request.user, pk)
    try:
        if action == "test":
            languages = services.send_test(actor=request.user, campaign=campaign)
            messages.success(
                request,
                _("A test was sent to %(email)s (%(count)d languages).")
                % {"email": request.user.email, "count": len(languages)},
            )
        elif action in ("send", "retry"):
            if action == "send":
                services.start_sending(actor=request.user, campaign=campaign)
            else:
                services.retry(actor=request.user, campaign=campaign)
            messages.success(request, _("Sending has started."))
        elif action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["scheduled_at"])
            services.start_sending(
                actor=request.user, campaign=campaign, when=form.cleaned_data["scheduled_at"]
            )
            messages.success(request, _("The campaign is scheduled."))
        else:
            getattr(services, action)(actor=request.user, campaign=campaign)
            messages.success(request, _("Done."))
    except ValidationError as error:
        _error_messages(request, error)
    return redirect("newsletters:campaign", pk=pk)


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    """Field errors (a subject that cannot be a mail header) name the field they belong to."""
    if hasattr(error, "error_dict"):
        labels = {"subject_ko": _("Subject (Korean)"), "subject_en": _("Subject (English)")}
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                messages.error(
                    request, f"{labels[field]}: {message}" if field in labels else message
                )
    else:
        for message in error.messages:
            messages.error(request, message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_topic(
                actor=request.user,
                fields={name: form.cleaned_data[name] for name in services.TOPIC_FIELDS},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The topic is created."))
            return redirect("newsletters:topics")
    return render(
        request, "newsletters/topics.html", {"form": form, "topics": selectors.topics_for_staff()}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    topic = Topic.objects.filter(pk=pk).first()
    if topic is None:
        raise Http404
    form = TopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_topic(
                actor=request.user,
                topic=topic,
                fields={name: form.cleaned_data[name] for name in services.TOPIC_FIELDS},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("newsletters:topics")
    return render(request, "newsletters/topic_form.html", {"form": form, "topic": topic})
