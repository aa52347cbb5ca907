"""City staff's newsletter pages: campaigns (write, preview, test, send, schedule, follow) and topics."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.editor import language_name
from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate
from sharehub.newsletters import render as mail_render
from sharehub.newsletters import selectors, services
from sharehub.newsletters.forms import CampaignForm, ScheduleForm, TopicForm
from sharehub.newsletters.models import Campaign, Delivery, Topic
from sharehub.newsletters.permissions import can_manage_newsletters


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
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            campaign := run_service(
                form,
                lambda: services.create_campaign(actor=request.user, **form.service_fields()),
            )
        )
    ):
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
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.update_campaign(
                actor=request.user, campaign=campaign, **form.service_fields()
            ),
        )
    ):
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
    status = request.GET.get("status", "")
    status = status if status in Delivery.Status.values else ""
    context.update(
        recipient_count=selectors.recipient_count(campaign),
        topics=campaign.topics.all(),
        districts=campaign.districts.all(),
        deliveries=paginate(
            request,
            selectors.deliveries(campaign, status=status),
            per_page=selectors.DELIVERIES_PER_PAGE,
        ),
        delivery_status=status,
        delivery_statuses=Delivery.Status.choices,
    )
    return render(request, "newsletters/campaign.html", context)


def _versions(campaign: Campaign) -> list[dict]:
    """Per offered language (and any other a subscriber reads): how many receive it, what its
    version lacks and whose text they get instead.

    `missing` (the "partly the Korean version" tag and its warning) is only for a version someone
    in the segment reads: with no reader nobody gets the other language's text, and the page
    names no version for them."""
    counts = selectors.recipients_by_language(campaign)
    languages = services.offered_languages()
    languages += sorted(code for code in counts if code not in languages)
    versions = []
    for code in languages:
        fallback = mail_render.fallback_language(code)
        count = counts.get(code, 0)
        offered = code in services.offered_languages()
        versions.append(
            {
                "code": code,
                "name": language_name(code),
                "count": count,
                "offered": offered,
                "missing": mail_render.missing_parts(campaign, code) if offered and count else [],
                "fallback": fallback,
                "fallback_name": language_name(fallback),
            }
        )
    return versions


@login_required
@require_safe
def campaign_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Before sending or scheduling: who receives it, per language; which versions are missing and
    what their readers get; each version as the mail will look."""
    campaign = selectors.get_campaign_for(request.user, pk)
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        messages.error(request, _("This campaign has already been sent or is being sent."))
        return redirect("newsletters:campaign", pk=pk)
    try:
        services.check_sendable(campaign)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("newsletters:campaign", pk=pk)
    versions = _versions(campaign)
    return render(
        request,
        "newsletters/confirm_send.html",
        {
            "campaign": campaign,
            "versions": versions,
            "total": sum(version["count"] for version in versions),
            "previews": [v for v in versions if v["offered"]],
            "schedule_form": ScheduleForm(),
        },
    )


def _mail_preview_csp() -> dict[str, list[str]]:
    """The mail shown in a frame of the hub's own pages may have its inline styles (a mail has no
    stylesheet) and its images (on the site's address, see render.mail_body), nothing else; no
    script runs, and the frame is sandboxed as well."""
    parts = urlsplit(settings.SHAREHUB_SITE_URL)
    site = [f"{parts.scheme}://{parts.netloc}"] if parts.netloc else []
    return {
        "default-src": [CSP.NONE],
        "style-src": [CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF, "data:", *site],
        "base-uri": [CSP.NONE],
        "form-action": [CSP.NONE],
        "frame-ancestors": [CSP.SELF],
    }


@login_required
@require_safe
@xframe_options_sameorigin
def campaign_mail(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The campaign's HTML mail in one language, rendered by the real mail template (with a
    placeholder token in its links), for the preview frames."""
    campaign = selectors.get_campaign_for(request.user, pk)
    if language not in services.offered_languages():
        raise Http404
    try:
        rendered = mail_render.render_campaign(campaign, language)
    except ValidationError:
        raise Http404 from None
    html, _text, _url = rendered.for_token("preview")

    @csp_override(_mail_preview_csp())
    def answer(request: HttpRequest) -> HttpResponse:
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    return answer(request)


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
            "language_name": language_name(language),
            "missing": mail_render.missing_parts(campaign, language),
            "fallback_name": language_name(mail_render.fallback_language(language)),
            "subject": rendered.subject,
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
        if request.POST.get("from") == "confirm":  # a refused send or schedule: back to the check
            return redirect("newsletters:campaign_confirm", pk=pk)
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
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.save_topic(
                actor=request.user,
                **{name: form.cleaned_data[name] for name in services.TOPIC_FIELDS},
            ),
        )
    ):
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
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.save_topic(
                actor=request.user,
                topic=topic,
                **{name: form.cleaned_data[name] for name in services.TOPIC_FIELDS},
            ),
        )
    ):
        messages.success(request, _("Changes saved."))
        return redirect("newsletters:topics")
    return render(request, "newsletters/topic_form.html", {"form": form, "topic": topic})
