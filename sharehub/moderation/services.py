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
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_moderator, moderators
from sharehub.core.actors import Actor, is_signed_in, require_signed_in
from sharehub.core.audit import log_action
from sharehub.core.locking import lock, lock_rows
from sharehub.notifications.services import notify

from .models import Decision, Moderated, ModerationStatus, Report, ReportReason, Resolution
from .permissions import is_author
from .registry import authors_of, is_moderated, url_of
from .signals import MODERATION_FIELDS, moderation_changed

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as LazyText

REASON_MAX_LENGTH = 2000
DETAILS_MAX_LENGTH = 2000
RESOLUTION_MAX_LENGTH = 200

KIND_DECISION = "moderation.decision"
KIND_REPORT = "moderation.report"


@dataclass(frozen=True)
class Transition:
    """One move of the state machine and what the authors are told about it (its notice texts)."""

    sources: frozenset[ModerationStatus]
    target: ModerationStatus
    action: str  # audit action name
    invalid: LazyText  # why the transition is refused from any other state
    title: LazyText | None = None  # what the authors are told, None for no notification
    body: LazyText | None = None


TRANSITIONS: dict[Decision, Transition] = {
    Decision.PUBLISH: Transition(
        frozenset({ModerationStatus.PENDING}),
        ModerationStatus.PUBLISHED,
        "moderation.published",
        _("Only content waiting for review can be published."),
        _("Published: %(title)s"),
        _("Your submission “%(title)s” has been reviewed and published."),
    ),
    Decision.REJECT: Transition(
        frozenset({ModerationStatus.PENDING}),
        ModerationStatus.REJECTED,
        "moderation.rejected",
        _("Only content waiting for review can be rejected."),
        _("Not accepted: %(title)s"),
        _("Your submission “%(title)s” was not accepted. Reason: %(reason)s"),
    ),
    Decision.HIDE: Transition(
        frozenset({ModerationStatus.PUBLISHED}),
        ModerationStatus.HIDDEN,
        "moderation.hidden",
        _("Only published content can be hidden."),
        _("Hidden: %(title)s"),
        _("Your content “%(title)s” has been hidden by a moderator. Reason: %(reason)s"),
    ),
    Decision.RESTORE: Transition(
        frozenset({ModerationStatus.HIDDEN}),
        ModerationStatus.PUBLISHED,
        "moderation.restored",
        _("Only hidden content can be restored."),
        _("Visible again: %(title)s"),
        _("Your content “%(title)s” is visible again."),
    ),
    Decision.RESUBMIT: Transition(
        frozenset({ModerationStatus.REJECTED}),
        ModerationStatus.PENDING,
        "moderation.resubmitted",
        _("Only content that was not accepted can be submitted again."),
    ),
}


def _lock_moderated[M: Moderated](obj: M) -> M:
    """The object's row, locked (the caller is inside the decision's transaction)."""
    if not is_moderated(type(obj)):
        raise ValueError(f"{obj._meta.label} is not registered for moderation")
    return lock(obj)


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


def _require_moderator(actor: Actor) -> User:
    if not is_moderator(actor):
        raise PermissionDenied(_("Only moderators can do this."))
    assert isinstance(actor, User)
    return actor


def _tell(
    user: User,
    *,
    kind: str,
    title: LazyText,
    body: LazyText | None,
    obj: models.Model | None,
    params: dict,
) -> None:
    """Notify one person, with the object's name and link in their own language."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        values = {key: str(value) for key, value in params.items()}
        if obj is not None:
            values.setdefault("title", str(obj))
        url = url_of(obj) if obj is not None else ""
    notify(user=user, kind=kind, title=title, body=body or "", url=url, params=values)


def _transition[M: Moderated](*, actor: User, obj: M, decision: Decision, reason: str = "") -> M:
    """Apply one transition to the locked row; the caller has checked permission and reason.

    Locks the object's row. Inside the caller's transaction: the audit row, the authors' notices
    (one table of texts, `TRANSITIONS`) and `moderation_changed`, whose receivers may refuse.
    """
    transition = TRANSITIONS[decision]
    locked = _lock_moderated(obj)
    previous = ModerationStatus(locked.moderation_status)
    if previous not in transition.sources:
        raise ValidationError(transition.invalid, code="invalid_transition")
    locked.moderation_status = transition.target
    locked.moderation_reason = reason
    if decision != Decision.RESUBMIT:  # moderated_* say which moderator took the last decision
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
    moderation_changed.send(
        sender=type(obj),
        obj=obj,
        previous=previous,
        status=transition.target,
        actor=actor,
        reason=reason,
    )
    return obj


# Not durable: the demo loader publishes inside its own transaction.
@transaction.atomic
def publish[M: Moderated](*, actor: Actor, obj: M) -> M:
    """Publish pending content. Locks the object's row."""
    moderator = _require_moderator(actor)
    return _transition(actor=moderator, obj=obj, decision=Decision.PUBLISH)


@transaction.atomic(durable=True)
def reject[M: Moderated](*, actor: Actor, obj: M, reason: str) -> M:
    """Refuse pending content, telling its authors why. Locks the object's row."""
    moderator = _require_moderator(actor)
    reason = _clean_reason(reason, required=True)
    return _transition(actor=moderator, obj=obj, decision=Decision.REJECT, reason=reason)


@transaction.atomic(durable=True)
def hide[M: Moderated](*, actor: Actor, obj: M, reason: str) -> M:
    """Hide published content and close its open reports: hiding is what they asked for.

    Locks the object's row, then its open reports' rows.
    """
    moderator = _require_moderator(actor)
    reason = _clean_reason(reason, required=True)
    obj = _transition(actor=moderator, obj=obj, decision=Decision.HIDE, reason=reason)
    content_type = ContentType.objects.get_for_model(obj)
    open_ids = Report.objects.filter(
        content_type=content_type, object_id=str(obj.pk), resolved_at__isnull=True
    ).values_list("pk", flat=True)
    for open_report in lock_rows(Report, open_ids).values():
        if open_report.resolved_at is not None:  # resolved meanwhile, before the lock
            continue
        _close_report(actor=moderator, report=open_report, resolution=Resolution.HIDDEN, target=obj)
    return obj


@transaction.atomic(durable=True)
def restore[M: Moderated](*, actor: Actor, obj: M) -> M:
    """Make hidden content visible again. Locks the object's row."""
    moderator = _require_moderator(actor)
    return _transition(actor=moderator, obj=obj, decision=Decision.RESTORE)


@transaction.atomic(durable=True)
def resubmit[M: Moderated](*, actor: Actor, obj: M) -> M:
    """An author sends rejected content back to the queue (after editing it, usually).

    Locks the object's row.
    """
    if not (is_signed_in(actor) and is_author(actor, obj)):
        raise PermissionDenied(_("Only its author can submit this again."))
    assert isinstance(actor, User)
    return _transition(actor=actor, obj=obj, decision=Decision.RESUBMIT)


def _clean_details(details: str) -> str:
    details = (details or "").strip()
    if len(details) > DETAILS_MAX_LENGTH:
        raise ValidationError(
            {
                "details": _("Keep the details under %(limit)d characters.")
                % {"limit": DETAILS_MAX_LENGTH}
            },
            code="max_length",
        )
    return details


@transaction.atomic(durable=True)
def report(*, actor: Actor, obj: Moderated, reason: str, details: str = "") -> Report:
    """File a report on published content; moderators are notified. One open report per person.

    Locks the reported object's row.
    """
    try:
        require_signed_in(actor)
    except PermissionDenied:
        raise PermissionDenied(_("Log in to report content.")) from None
    assert isinstance(actor, User)
    locked = _lock_moderated(obj)
    if locked.moderation_status != ModerationStatus.PUBLISHED:
        raise ValidationError(_("Only published content can be reported."), code="not_published")
    details = _clean_details(details)
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
    # The one-open-report constraint is checked above with a clear message.
    new_report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            new_report.save()
    except IntegrityError:  # a double click racing the check above
        raise duplicate from None
    log_action(actor=actor, action="moderation.reported", target=new_report, reason=reason)
    for moderator in moderators().exclude(pk=actor.pk):
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


def _close_report(
    *, actor: User, report: Report, resolution: str, target: models.Model | None
) -> Report:
    """Close a locked report and tell its reporter it was reviewed."""
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


def _clean_resolution(resolution: str) -> str:
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
    return resolution


def _resolve(*, actor: Actor, report: Report, resolution: str) -> Report:
    moderator = _require_moderator(actor)
    resolution = _clean_resolution(resolution)
    locked = lock(report)
    if locked.resolved_at is not None:
        raise ValidationError(_("This report has already been resolved."), code="resolved")
    _close_report(actor=moderator, report=locked, resolution=resolution, target=_target_of(locked))
    for field in ("resolved_at", "resolved_by", "resolution"):
        setattr(report, field, getattr(locked, field))
    return report


@transaction.atomic(durable=True)
def resolve_report(*, actor: Actor, report: Report, resolution: str) -> Report:
    """Close an open report with a note on what was done (the reporter is told it was reviewed).

    Locks the report's row.
    """
    return _resolve(actor=actor, report=report, resolution=resolution)


def _target_of(report: Report) -> models.Model | None:
    model = report.content_type.model_class()
    return model._default_manager.filter(pk=report.object_id).first() if model is not None else None


@transaction.atomic(durable=True)
def dismiss_report(*, actor: Actor, report: Report) -> Report:
    """The content is fine: close the report without touching the object. Locks the report's row."""
    return _resolve(actor=actor, report=report, resolution=Resolution.DISMISSED)
