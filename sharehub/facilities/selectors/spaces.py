"""facilities reads: Staff create and edit spaces: details (ko, en), hours, fee table, refund bands, photos."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor
from sharehub.facilities import rules
from sharehub.facilities.models import Feature, FeatureKind, FeeRate, Space, SpacePhoto
from sharehub.facilities.permissions import is_space_staff


def space_to_manage(actor: Actor, slug: str) -> Space:
    """A space (open for bookings or not) with what its staff pages show; 404 when there is none,
    PermissionDenied for anyone but its staff and city staff."""
    space = (
        Space.objects.select_related("district")
        .defer("district__boundary")
        .prefetch_related("features", "hours", "fee_rates", "refund_bands", "photos", "staff")
        .filter(slug=slug)
        .first()
    )
    if space is None:
        raise Http404
    if not is_space_staff(actor, space):
        raise PermissionDenied
    return space


def may_create_spaces(actor: Actor) -> bool:
    return is_city_staff(actor)


def features_of(kind: str) -> QuerySet[Feature]:
    return Feature.objects.filter(kind=kind).order_by("code")


def amenities() -> QuerySet[Feature]:
    return features_of(FeatureKind.AMENITY)


def accessibility() -> QuerySet[Feature]:
    return features_of(FeatureKind.ACCESSIBILITY)


def photos_of(space: Space) -> list[SpacePhoto]:
    return list(space.photos.order_by("order", "pk"))


def fee_rates_of(space: Space) -> list[FeeRate]:
    return list(space.fee_rates.all())


def public_fee_table(space: Space) -> dict[str, list[rules.TableRow]]:
    """The fee table as the public page shows it (one query; none for a free space)."""
    if space.fee_mode == "free":
        return {}
    return rules.fee_table(space, fee_rates_of(space))
