"""Reads of designations and applications; each list is a bounded, prefetched query."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.core.audit import history_for
from sharehub.core.models import AuditEntry

from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Designation,
    DesignationStatus,
    ReviewComment,
)
from .permissions import APPLICANT_ROLES, can_view_application, is_applicant_for

HISTORY_LIMIT = 100


def current_designation_filter(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(status=DesignationStatus.ACTIVE, designated_on__lte=today, valid_until__gte=today)


def designated_q(prefix: str = "") -> Q:
    """Rows whose organization (reached through `prefix`, e.g. "organization__") has a
    currently valid designation: active, not suspended or revoked, today within validity."""
    current = Designation.objects.filter(
        current_designation_filter(), organization=OuterRef(f"{prefix}pk")
    )
    return Q(Exists(current))


def current_designations(organization_ids: Iterable[int]) -> dict[int, Designation]:
    """organization id → its current designation, in one query (for badges on list pages)."""
    ids = [pk for pk in organization_ids if pk is not None]
    if not ids:
        return {}
    rows = Designation.objects.filter(
        current_designation_filter(), organization_id__in=ids
    ).order_by("-designated_on")
    found: dict[int, Designation] = {}
    for designation in rows:
        found.setdefault(designation.organization_id, designation)
    return found


def current_designation_of(organization: Any) -> Designation | None:
    return Designation.objects.filter(
        current_designation_filter(), organization=organization
    ).first()


def designated_organizations() -> QuerySet[Designation]:
    """The public register: current designations with their organization, by number."""
    return (
        Designation.objects.filter(current_designation_filter())
        .select_related("organization", "organization__district")
        .order_by("number")
    )


def public_designations(*, status: str = "") -> QuerySet[Designation]:
    """Every designation, for the API's list (its status is public once decided)."""
    queryset = Designation.objects.select_related("organization").order_by("-designated_on", "-pk")
    if status == DesignationStatus.EXPIRED:
        today = timezone.localdate()
        return queryset.filter(
            Q(status=DesignationStatus.EXPIRED)
            | Q(status=DesignationStatus.ACTIVE, valid_until__lt=today)
        )
    if status == DesignationStatus.ACTIVE:
        return queryset.filter(current_designation_filter())
    if status:
        return queryset.filter(status=status)
    return queryset


def get_designation(number: str) -> Designation:
    designation = (
        Designation.objects.select_related(
            "organization", "application", "renewed_by", "decided_by"
        )
        .filter(number=number)
        .first()
    )
    if designation is None:
        raise Http404
    return designation


def applications_base() -> QuerySet[Application]:
    return Application.objects.select_related("organization", "submitted_by", "renews")


def review_queue(*, status: str = "") -> QuerySet[Application]:
    """Staff's queue: drafts are the applicant's own business and are left out."""
    queryset = applications_base().exclude(status=ApplicationStatus.DRAFT)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("submitted_at", "pk")


def applications_for(*, actor: Actor, status: str = "") -> QuerySet[Application]:
    """Staff see every submitted application; members see their organizations' ones."""
    if is_city_staff(actor):
        return review_queue(status=status).order_by("-submitted_at", "-pk")
    if not is_signed_in(actor):
        return Application.objects.none()
    queryset = applications_base().filter(
        organization__memberships__user=cast(User, actor),
        organization__memberships__role__in=APPLICANT_ROLES,
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def get_application_for(actor: Actor, pk: int) -> Application:
    """The application if the actor may see it; 404 whether it is missing or not theirs."""
    application = Application.objects.select_related("organization", "renews").filter(pk=pk).first()
    if application is None or not can_view_application(actor, application):
        raise Http404
    return application


def get_document_for(actor: Actor, pk: int) -> ApplicationDocument:
    document = ApplicationDocument.objects.select_related("application").filter(pk=pk).first()
    if document is None or not (
        is_city_staff(actor) or is_applicant_for(actor, document.application.organization_id)
    ):
        raise Http404
    return document


def open_application_of(organization: Any) -> Application | None:
    return Application.objects.filter(organization=organization, status__in=OPEN_STATUSES).first()


def comments_for(*, actor: Actor, application: Application) -> QuerySet[ReviewComment]:
    comments = application.comments.select_related("author")
    if not is_city_staff(actor):
        comments = comments.filter(internal=False)
    return comments


def history(target: Any, *, limit: int = HISTORY_LIMIT) -> list[AuditEntry]:
    return list(history_for(target)[:limit])


def designations_of(organization: Any) -> QuerySet[Designation]:
    return Designation.objects.filter(organization=organization).order_by("-designated_on", "-pk")
