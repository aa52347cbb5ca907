"""Moderation decisions: the state machine every public submission goes through (DESIGN §4).

    pending ──publish──► published ──hide──► hidden
       │                    ▲                  │
     reject                 └──── restore ─────┘
       ▼
    rejected ──resubmit (by an author)──► pending

Every function locks the object's row, checks who acts, records an audit entry and tells the
people concerned. Reports are filed on published content and resolved by moderators; hiding an
object resolves its open reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sharehub.core.audit import log_action
from sharehub.notifications.services import notify

from . import signals
from .models import ModerationStatus, Report, ReportReason
from .permissions import can_moderate, can_report, is_author
from .registry import authors_of, is_moderated, url_of

REASON_MAX_LENGTH = 2000
DETAILS_MAX_LENGTH = 2000
RESOLUTION_MAX_LENGTH = 200
# Stored in Report.resolution by the queue's buttons; moderators may also write their own text.
RESOLUTION_DISMISSED = "dismissed"
RESOLUTION_HIDDEN = "hidden"

KIND_DECISION = "moderation.decision"
KIND_REPORT = "moderation.report"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    action: str  # audit action name
    invalid: Promise  # why the transition is refused from any other state
    title: Promise | None = None  # what the authors are told, None for no notification
    body: Promise | None = None


TRANSITIONS: dict[str, Transition] = {
    "publish": Transition(
        frozenset({ModerationStatus.PENDING}),
        ModerationStatus.PUBLISHED,
        "moderation.published",
        _("Only content waiting for review can be published."),
        _("Published: %(title)s"),
        _("Your submission “%(title)s” has been reviewed and published."),
    ),
    "reject": Transition(
        frozenset({ModerationStatus.PENDING}),
        ModerationStatus.REJECTED,
        "moderation.rejected",
        _("Only content waiting for review can be rejected."),
        _("Not accepted: %(title)s"),
        _("Your submission “%(title)s” was not accepted. Reason: %(reason)s"),
    ),
    "hide": Transition(
        frozenset({ModerationStatus.PUBLISHED}),
        ModerationStatus.HIDDEN,
        "moderation.hidden",
        _("Only published content can be hidden."),
        _("Hidden: %(title)s"),
        _("Your content “%(title)s” has been hidden by a moderator. Reason: %(reason)s"),
    ),
    "restore": Transition(
        frozenset({ModerationStatus.HIDDEN}),
        ModerationStatus.PUBLISHED,
        "moderation.restored",
        _("Only hidden content can be restored."),
        _("Visible again: %(title)s"),
        _("Your content “%(title)s” is visible again."),
    ),
    "resubmit": Transition(
        frozenset({ModerationStatus.REJECTED}),
        ModerationStatus.PENDING,
        "moderation.resubmitted",
        _("Only content that was not accepted can be submitted again."),
    ),
}
MODERATION_FIELDS = ["moderation_status", "moderation_reason", "moderated_at", "moderated_by"]


def _lock(obj: models.Model) -> models.Model:
    if not is_moderated(type(obj)):
        raise ValueError(f"{obj._meta.label} is not registered for moderation")
    return type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(
            {"reason": _("Please give a reason: the author will read it.")}, code="required"
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep the reason under %(limit)d characters.")
                % {"limit": REASON_MAX_LENGTH}
            },
            code="max_length",
        )
    return reason


def _require_moderator(actor) -> None:
    if not can_moderate(actor):
        raise PermissionDenied(_("Only moderators can do this."))


def _tell(
    user, *, kind: str, title: Promise, body: Promise, obj: models.Model | None, params: dict
) -> None:
    """Notify one person, with the object's name and link in their own language."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        values = {key: str(value) for key, value in params.items()}
        if obj is not None:
            values.setdefault("title", str(obj))
        url = url_of(obj) if obj is not None else ""
    notify(user=user, kind=kind, title=title, body=body, url=url, params=values)


def _transition(*, actor, obj: models.Model, name: str, reason: str = "") -> models.Model:
    """Apply one transition to the locked row; the caller has checked permission and reason."""
    transition = TRANSITIONS[name]
    locked = _lock(obj)
    previous = locked.moderation_status
    if previous not in transition.sources:
        raise ValidationError(transition.invalid, code="invalid_transition")
    locked.moderation_status = transition.target
    locked.moderation_reason = reason
    if name != "resubmit":  # moderated_* say which moderator took the last decision
        locked.moderated_at = timezone.now()
        locked.moderated_by = actor
    locked.save(update_fields=MODERATION_FIELDS)
    for field in MODERATION_FIELDS:
        setattr(obj, field, getattr(locked, field))
    log_action(
        actor=actor,
        action=transition.action,
        target=locked,
        reason=reason,
        data={"from": previous, "to": transition.target},
    )
    if transition.title is not None:
        for author in authors_of(locked):
            if author.pk != actor.pk:
                _tell(
                    author,
                    kind=KIND_DECISION,
                    title=transition.title,
                    body=transition.body,
                    obj=locked,
                    params={"reason": reason},
                )
    return obj


@transaction.atomic
def publish(*, actor, obj: models.Model) -> models.Model:
    _require_moderator(actor)
    obj = _transition(actor=actor, obj=obj, name="publish")
    signals.published.send(sender=type(obj), obj=obj, actor=actor)
    return obj


@transaction.atomic
def reject(*, actor, obj: models.Model, reason: str) -> models.Model:
    _require_moderator(actor)
    return _transition(
        actor=actor, obj=obj, name="reject", reason=_clean_reason(reason, required=True)
    )


@transaction.atomic
def hide(*, actor, obj: models.Model, reason: str) -> models.Model:
    """Hide published content and close its open reports: hiding is what they asked for."""
    _require_moderator(actor)
    obj = _transition(
        actor=actor, obj=obj, name="hide", reason=_clean_reason(reason, required=True)
    )
    content_type = ContentType.objects.get_for_model(obj)
    reports = Report.objects.select_for_update(of=("self",)).filter(
        content_type=content_type, object_id=str(obj.pk), resolved_at__isnull=True
    )
    for open_report in reports.select_related("reporter"):
        _close_report(actor=actor, report=open_report, resolution=RESOLUTION_HIDDEN, target=obj)
    return obj


@transaction.atomic
def restore(*, actor, obj: models.Model) -> models.Model:
    _require_moderator(actor)
    return _transition(actor=actor, obj=obj, name="restore")


@transaction.atomic
def resubmit(*, actor, obj: models.Model) -> models.Model:
    """An author sends rejected content back to the queue (after editing it, usually)."""
    if not (
        actor is not None and actor.is_authenticated and actor.is_active and is_author(actor, obj)
    ):
        raise PermissionDenied(_("Only its author can submit this again."))
    return _transition(actor=actor, obj=obj, name="resubmit")


def _moderators():
    return get_user_model().objects.filter(is_active=True, is_moderator=True).order_by("pk")


@transaction.atomic
def report(*, actor, obj: models.Model, reason: str, details: str = "") -> Report:
    """File a report on published content; moderators are notified. One open report per person."""
    if not can_report(actor):
        raise PermissionDenied(_("Log in to report content."))
    locked = _lock(obj)
    if locked.moderation_status != ModerationStatus.PUBLISHED:
        raise ValidationError(_("Only published content can be reported."), code="not_published")
    details = (details or "").strip()
    if len(details) > DETAILS_MAX_LENGTH:
        raise ValidationError(
            {
                "details": _("Keep the details under %(limit)d characters.")
                % {"limit": DETAILS_MAX_LENGTH}
            },
            code="max_length",
        )
    content_type = ContentType.objects.get_for_model(locked)
    duplicate = ValidationError(
        _("You have already reported this. A moderator will look at your report soon."),
        code="duplicate",
    )
    open_reports = Report.objects.filter(
        content_type=content_type, object_id=str(locked.pk), resolved_at__isnull=True
    )
    if open_reports.filter(reporter=actor).exists():
        raise duplicate
    new_report = Report(
        content_type=content_type,
        object_id=str(locked.pk),
        reporter=actor,
        reason=reason,
        details=details,
    )
    new_report.full_clean(
        validate_constraints=False
    )  # the constraint is checked above with a clear message
    try:
        with transaction.atomic():
            new_report.save()
    except IntegrityError:  # a double click racing the check above
        raise duplicate from None
    log_action(actor=actor, action="moderation.reported", target=new_report, reason=reason)
    for moderator in _moderators().exclude(pk=actor.pk):
        with translation.override(moderator.preferred_language or settings.LANGUAGE_CODE):
            params = {"reason": str(ReportReason(reason).label), "title": str(locked)}
            url = reverse("moderation:queue") + "?section=reports"
        notify(
            user=moderator,
            kind=KIND_REPORT,
            title=_("Reported: %(title)s"),
            body=_("Someone reported “%(title)s”. Reason: %(reason)s"),
            url=url,
            params=params,
        )
    return new_report


def _close_report(*, actor, report: Report, resolution: str, target: models.Model | None) -> Report:
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.resolution = resolution
    report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    log_action(actor=actor, action="moderation.report_resolved", target=report, reason=resolution)
    reporter = report.reporter
    if reporter is not None and reporter.is_active and reporter.pk != actor.pk:
        params = {} if target is not None else {"title": "—"}
        _tell(
            reporter,
            kind=KIND_DECISION,
            title=_("Your report has been reviewed"),
            body=_("Thank you. A moderator has reviewed your report about “%(title)s”."),
            obj=target,
            params=params,
        )
    return report


@transaction.atomic
def resolve_report(*, actor, report: Report, resolution: str) -> Report:
    """Close an open report with a note on what was done (the reporter is told it was reviewed)."""
    _require_moderator(actor)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError(
            {"resolution": _("Say how the report was resolved.")}, code="required"
        )
    if len(resolution) > RESOLUTION_MAX_LENGTH:
        raise ValidationError(
            {
                "resolution": _("Keep the resolution under %(limit)d characters.")
                % {"limit": RESOLUTION_MAX_LENGTH}
            },
            code="max_length",
        )
    locked = (
        Report.objects.select_for_update(of=("self",)).select_related("reporter").get(pk=report.pk)
    )
    if locked.resolved_at is not None:
        raise ValidationError(_("This report has already been resolved."), code="resolved")
    _close_report(actor=actor, report=locked, resolution=resolution, target=_target_of(locked))
    for field in ("resolved_at", "resolved_by", "resolution"):
        setattr(report, field, getattr(locked, field))
    return report


def _target_of(report: Report) -> models.Model | None:
    model = report.content_type.model_class()
    return model._default_manager.filter(pk=report.object_id).first() if model is not None else None


def dismiss_report(*, actor, report: Report) -> Report:
    """The content is fine: close the report without touching the object."""
    return resolve_report(actor=actor, report=report, resolution=RESOLUTION_DISMISSED)
