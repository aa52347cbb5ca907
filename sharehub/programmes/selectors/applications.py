"""Support programmes: the applicant's reads. Every list is one bounded query (pages add a
count); who may see an application is `permissions.py`'s rule, through `get_application_for`."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from sharehub.core.actors import Actor, is_signed_in
from sharehub.organizations.models import Organization
from sharehub.programmes.models import (
    Application,
    ApplicationFile,
    Award,
    Call,
    FormField,
    Track,
)
from sharehub.programmes.permissions import member_organizations

ORG_LIST_LIMIT = 10


def organizations_of(actor: Actor) -> QuerySet[Organization]:
    """The organizations the person belongs to (any role), by name."""
    return (
        member_organizations(actor)
        .select_related("district")
        .defer("district__boundary")
        .order_by("name", "pk")
    )


def applications_of_member(actor: Actor) -> QuerySet[Application]:
    """Every application of the person's organizations, newest first (one query per page)."""
    pk = getattr(actor, "pk", None)
    if not is_signed_in(actor) or pk is None:
        return Application.objects.none()
    return (
        Application.objects.filter(organization__memberships__user_id=pk)
        .select_related("call", "track", "organization")
        .order_by("-created_at", "-pk")
    )


def call_applications_of(actor: Actor, call: Call) -> list[Application]:
    """The person's organizations' applications to one call (withdrawn ones too)."""
    return list(applications_of_member(actor).filter(call=call))


def tracks_of(call: Call) -> QuerySet[Track]:
    return Track.objects.filter(call=call).select_related("call").order_by("order", "pk")


def questions_of(call: Call) -> list[FormField]:
    return list(FormField.objects.filter(call=call).order_by("order", "pk"))


def files_of(application: Application) -> dict[str, ApplicationFile]:
    return {f.key: f for f in ApplicationFile.objects.filter(application=application)}


def file_of(application: Application, key: str) -> ApplicationFile | None:
    return ApplicationFile.objects.filter(application=application, key=key[:40]).first()


def organization_applications(organization: Organization) -> list[Application]:
    """An organization's latest applications (for its members), with their call."""
    return list(
        Application.objects.filter(organization=organization)
        .select_related("call", "track")
        .order_by("-created_at", "-pk")[:ORG_LIST_LIMIT]
    )


def organization_awards(organization: Organization) -> list[Award]:
    """An organization's awards (public: the amount, the call, the date), newest first."""
    return list(
        Award.objects.filter(application__organization=organization)
        .select_related("call", "application")
        .order_by("-awarded_on", "-pk")[:ORG_LIST_LIMIT]
    )


def applications_for_export(user: Actor) -> QuerySet[Application]:
    return (
        Application.objects.filter(Q(created_by=user) | Q(submitted_by=user))
        .select_related("call", "track", "organization")
        .prefetch_related(Prefetch("files", queryset=ApplicationFile.objects.order_by("key")))
        .order_by("pk")
    )
