"""Reads of the support programmes, one module per part (as services). Shared here: what the
public may see of calls, and the one way to fetch an application for someone (404 unless they
may see it, so a stranger cannot even learn that it exists)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sharehub.core.actors import Actor
from sharehub.programmes.models import Application, Call
from sharehub.programmes.permissions import is_call_staff, visible_applications_q


def public_calls() -> QuerySet[Call]:
    """Published calls (their phase follows their times)."""
    return Call.objects.filter(published_at__isnull=False, published_at__lte=timezone.now())


def get_call_for(actor: Actor, slug: str) -> Call:
    """A published call, or an unpublished one for its staff; 404 for anyone else."""
    call = Call.objects.filter(slug=slug[:80]).first()
    if call is None:
        raise Http404
    unpublished = call.published_at is None or call.published_at > timezone.now()
    if unpublished and not is_call_staff(actor, call):
        raise Http404
    return call


def applications_visible_to(actor: Actor) -> QuerySet[Application]:
    return Application.objects.filter(visible_applications_q(actor)).select_related(
        "call", "track", "organization"
    )


def get_application_for(actor: Actor, pk: int) -> Application:
    found = applications_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
