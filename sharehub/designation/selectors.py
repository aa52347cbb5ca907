"""Reads of designations and applications; each list is a bounded, prefetched query."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.core.audit import history_for
from sharehub.core.models import AuditEntry
from sharehub.moderation.models import ModerationStatus
from sharehub.participation.models import Committee, CommitteeMembership

from .defaults import COMMITTEE_SLUG
from .models import (
    OPEN_STATUSES,
    REVIEW_STATUSES,
    AnnualReport,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    CommitteeDecision,
    Designation,
    DesignationStatus,
    ReportStatus,
    ReviewComment,
    ReviewStage,
    Score,
    ScoreCriterion,
    ScoreSection,
    normalize_verification_code,
)
from .permissions import (
    APPLICANT_ROLES,
    can_see_designation_internals,
    can_view_application,
    is_applicant_for,
)
from .rules import RENEWAL_WINDOW_DAYS

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
    """organization id → its current designation, in one query, with what a badge shows
    (templatetags.designation.badge_html) and nothing else: a list page's badges."""
    ids = [pk for pk in organization_ids if pk is not None]
    if not ids:
        return {}
    rows = (
        Designation.objects.filter(current_designation_filter(), organization_id__in=ids)
        .order_by("-designated_on")
        .only("organization_id", "number", "kind", "valid_until")
    )
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
        .defer("organization__district__boundary")
        .order_by("number")
    )


def public_designations(*, status: str = "", q: str = "", kind: str = "") -> QuerySet[Designation]:
    """The public register: every designation of a published organization (its status is public
    once decided), newest first; `q` finds a number or a name in either language."""
    queryset = (
        Designation.objects.filter(organization__moderation_status=ModerationStatus.PUBLISHED)
        .select_related("organization")
        .order_by("-designated_on", "-number")
    )
    if q := (q or "").strip():
        queryset = queryset.filter(
            Q(number__icontains=q)
            | Q(organization__name_ko__icontains=q)
            | Q(organization__name_en__icontains=q)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
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


def get_designation_for_certificate(actor: Actor, number: str) -> Designation:
    """The designation whose certificate the actor may download (a member of the organization or
    city staff); 404 otherwise, as for a missing number."""
    designation = get_designation(number)
    if not can_see_designation_internals(actor, designation.organization_id):
        raise Http404
    return designation


def applications_base() -> QuerySet[Application]:
    return Application.objects.select_related("organization", "submitted_by", "renews", "stage")


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
    application = (
        Application.objects.select_related("organization", "renews", "stage").filter(pk=pk).first()
    )
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


# Steps of the city's own review that the applicant's pages leave out.
STAFF_ONLY_ACTIONS = ("designation.scored", "designation.settings_changed")


def history(target: Any, *, limit: int = HISTORY_LIMIT, staff: bool = True) -> list[AuditEntry]:
    entries = history_for(target)
    if not staff:
        entries = entries.exclude(action__in=STAFF_ONLY_ACTIONS)
    return list(entries[:limit])


def designations_of(organization: Any) -> QuerySet[Designation]:
    return Designation.objects.filter(organization=organization).order_by("-designated_on", "-pk")


# --- the register's CSV and the certificate's verification ----------------------------------


def register_csv_rows(designations: QuerySet[Designation], *, site_url: str) -> Any:
    """The public fields of each designation, as CSV rows after a header (lazily: streamed)."""
    yield [
        _("Designation number"),
        _("Organization"),
        _("Name in English"),
        _("Designated as"),
        _("Designated on"),
        _("Valid until"),
        _("Status"),
        _("Page"),
    ]
    for designation in designations.iterator(chunk_size=500):
        organization = designation.organization
        yield [
            designation.number,
            organization.name_ko,
            organization.name_en or "",
            designation.get_kind_display(),
            designation.designated_on.isoformat(),
            designation.valid_until.isoformat(),
            designation.get_effective_status_display(),
            f"{site_url}{designation.get_absolute_url()}",
        ]


def verify_code(code: str) -> Designation | None:
    """The designation whose certificate carries `code` (as typed), or None."""
    normalized = normalize_verification_code(code)
    if not normalized:
        return None
    return (
        Designation.objects.select_related("organization")
        .filter(verification_code=normalized)
        .first()
    )


def renewal_due(designation: Designation | None, today: datetime.date | None = None) -> bool:
    """A current designation may be renewed in its last months (from the first reminder)."""
    if designation is None:
        return False
    today = today or timezone.localdate()
    return (designation.valid_until - today).days <= RENEWAL_WINDOW_DAYS


# --- review: stages, score sheet, committee --------------------------------------------------


def review_stages(*, active_only: bool = True) -> list[ReviewStage]:
    stages = ReviewStage.objects.order_by("order", "pk")
    return list(stages.filter(active=True) if active_only else stages)


def stage_progress(application: Application) -> list[tuple[ReviewStage, str]]:
    """Each stage in use with "done", "current" or "next" for the application."""
    current = application.stage
    progress = []
    for stage in review_stages():
        if current is None:
            state = "next"
        elif stage.pk == current.pk:
            state = "current"
        elif (stage.order, stage.pk) < (current.order, current.pk):
            state = "done"
        else:
            state = "next"
        progress.append((stage, state))
    return progress


def score_sheet(application: Application) -> dict[str, Any]:
    """The criteria in use with the application's points, and the totals per section and
    overall summed by the database. Three queries."""
    scores = {s.criterion_id: s for s in Score.objects.filter(application=application)}
    criteria = list(ScoreCriterion.objects.filter(active=True).order_by("section", "order", "pk"))
    sections: list[dict[str, Any]] = []
    for value, label in ScoreSection.choices:
        rows = [(c, scores.get(c.pk)) for c in criteria if c.section == value]
        if rows:
            sections.append(
                {
                    "code": value,
                    "label": label,
                    "rows": rows,
                    "maximum": sum(c.max_points for c in criteria if c.section == value),
                }
            )
    totals = {
        row["criterion__section"]: row["points"]
        for row in Score.objects.filter(application=application)
        .values("criterion__section")
        .annotate(points=Sum("points"))
        .order_by()
    }
    for section in sections:
        section["points"] = totals.get(section["code"], 0)
    return {
        "sections": sections,
        "points": sum(totals.values()),
        "maximum": sum(c.max_points for c in criteria),
        "complete": all(c.pk in scores for c in criteria),
    }


def score_total(application: Application) -> int:
    """The application's total points, summed by the database."""
    return (
        Score.objects.filter(application=application).aggregate(total=Sum("points"))["total"] or 0
    )


def committee_decisions(application: Application) -> QuerySet[CommitteeDecision]:
    return application.committee_decisions.select_related("committee").order_by(
        "-meeting_on", "-pk"
    )


def the_committee() -> Committee | None:
    """The participation committee that votes on designations (`defaults.COMMITTEE_SLUG`)."""
    return Committee.objects.filter(slug=COMMITTEE_SLUG).first()


def committee_seats(committee: Committee, on: datetime.date | None = None) -> int:
    """The members counted for the quorum (재적위원): the committee's seats, or when the city left
    them empty, the members whose term runs on the day (`on`, today by default), each once."""
    if committee.seats:
        return committee.seats
    day = on or timezone.localdate()
    return (
        CommitteeMembership.objects.filter(committee=committee, term_start__lte=day)
        .exclude(term_end__lt=day)
        .values("user_id")
        .distinct()
        .count()
    )


def score_criteria(*, active_only: bool = False) -> QuerySet[ScoreCriterion]:
    criteria = ScoreCriterion.objects.order_by("section", "order", "pk")
    return criteria.filter(active=True) if active_only else criteria


def overdue_applications(today: datetime.date | None = None) -> QuerySet[Application]:
    """Applications with the city past their processing deadline (for the workspace)."""
    today = today or timezone.localdate()
    return applications_base().filter(status__in=REVIEW_STATUSES, due_on__lt=today)


def waiting_for_staff() -> QuerySet[Application]:
    """Applications in the city's hands: submitted, resubmitted or under review."""
    return applications_base().filter(status__in=REVIEW_STATUSES)


# --- annual activity reports ------------------------------------------------------------------


def reports_of(designation: Designation) -> QuerySet[AnnualReport]:
    return designation.reports.order_by("year")


def get_report_for(actor: Actor, number: str, year: int) -> AnnualReport:
    """The report if the actor is a member of the organization or city staff; 404 otherwise."""
    report = (
        AnnualReport.objects.select_related("designation__organization")
        .filter(designation__number=number, year=year)
        .first()
    )
    if report is None or not can_see_designation_internals(
        actor, report.designation.organization_id
    ):
        raise Http404
    return report


def get_report_by_id_for(actor: Actor, pk: int) -> AnnualReport:
    report = AnnualReport.objects.select_related("designation__organization").filter(pk=pk).first()
    if report is None or not can_see_designation_internals(
        actor, report.designation.organization_id
    ):
        raise Http404
    return report


def reports_to_review() -> QuerySet[AnnualReport]:
    """Submitted reports waiting for staff, oldest first."""
    return (
        AnnualReport.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("designation__organization")
        .order_by("submitted_at", "pk")
    )


def overdue_reports(today: datetime.date | None = None) -> QuerySet[AnnualReport]:
    today = today or timezone.localdate()
    return (
        AnnualReport.objects.filter(
            status__in=(ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED),
            due_on__lt=today,
            designation__status=DesignationStatus.ACTIVE,
        )
        .select_related("designation__organization")
        .order_by("due_on", "pk")
    )


def stage_counts() -> dict[int, int]:
    """Open applications per stage (the settings page shows which stages hold some)."""
    rows = (
        Application.objects.filter(status__in=OPEN_STATUSES, stage__isnull=False)
        .values("stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["stage"]: row["n"] for row in rows}
