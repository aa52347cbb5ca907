"""Support programmes: the reports part's reads. A report is private: the awarded organization's
members and the call's staff see it; anyone else gets a 404."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor, is_signed_in
from sharehub.organizations.models import Membership
from sharehub.programmes.models import Application, Call, Report, ReportStatus
from sharehub.programmes.permissions import is_call_staff, is_member

OWED = (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED)
RELATED = ("award__call", "award__application__organization", "award__application__track")


def _pk(actor: Actor) -> int:
    return int(getattr(actor, "pk", None) or 0)


def _staff_q(actor: Actor) -> Q:
    """Reports of the calls the actor runs (every call for city staff)."""
    if not is_signed_in(actor):
        return Q(pk__in=[])
    if is_city_staff(actor):
        return Q()
    staff = Call.objects.filter(pk=OuterRef("award__call_id"), staff__id=_pk(actor))
    return Q(Exists(staff))


def _member_q(actor: Actor) -> Q:
    if not is_signed_in(actor):
        return Q(pk__in=[])
    member = Membership.objects.filter(
        organization=OuterRef("award__application__organization_id"), user_id=_pk(actor)
    )
    return Q(Exists(member))


def reports_visible_to(actor: Actor) -> QuerySet[Report]:
    reports = Report.objects.select_related(*RELATED)
    if is_signed_in(actor) and is_city_staff(actor):
        return reports  # (an empty Q would vanish from an OR: `Q(x) | Q()` is `Q(x)`)
    return reports.filter(_member_q(actor) | _staff_q(actor))


def get_report_for(actor: Actor, pk: int) -> Report:
    """The report, for its organization's members and its call's staff; 404 for anyone else."""
    report = reports_visible_to(actor).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def reports_of_members(actor: Actor) -> QuerySet[Report]:
    """The reports the actor's organizations owe or sent, by due date."""
    return Report.objects.filter(_member_q(actor)).select_related(*RELATED).order_by("due_on", "pk")


def reports_to_review(actor: Actor) -> QuerySet[Report]:
    """Submitted reports of the calls the actor runs, oldest first."""
    return (
        Report.objects.filter(_staff_q(actor), status=ReportStatus.SUBMITTED)
        .select_related(*RELATED)
        .order_by("submitted_at", "pk")
    )


def overdue_reports(actor: Actor) -> QuerySet[Report]:
    """Reports of the calls the actor runs still owed after their due date, oldest first."""
    return (
        Report.objects.filter(_staff_q(actor), status__in=OWED, due_on__lt=timezone.localdate())
        .select_related(*RELATED)
        .order_by("due_on", "pk")
    )


def staff_reports(actor: Actor, *, state: str = "") -> QuerySet[Report]:
    """The staff's list: `review` (submitted), `overdue`, `accepted`, or every report."""
    if state == "review":
        return reports_to_review(actor)
    if state == "overdue":
        return overdue_reports(actor)
    reports = Report.objects.filter(_staff_q(actor)).select_related(*RELATED)
    if state == "accepted":
        reports = reports.filter(status=ReportStatus.ACCEPTED)
    return reports.order_by("due_on", "pk")


def to_review_count(actor: Actor) -> int:
    return reports_to_review(actor).count()


def overdue_count(actor: Actor) -> int:
    return overdue_reports(actor).count()


def reports_of_application(application: Application) -> list[Report]:
    """The award's reports, by due date (none before the award)."""
    return list(Report.objects.filter(award__application=application).order_by("due_on", "pk"))


def can_submit(actor: Actor, report: Report) -> bool:
    return report.status in OWED and is_member(actor, report.award.application.organization)


def can_review(actor: Actor, report: Report) -> bool:
    return report.status == ReportStatus.SUBMITTED and is_call_staff(actor, report.award.call)


def is_overdue(report: Report) -> bool:
    return report.status in OWED and report.due_on < timezone.localdate()
