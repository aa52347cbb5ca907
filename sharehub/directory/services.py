"""Every write to the directory (DESIGN §3, §4): one transaction each, permission checked inside.

Writes to a listing take the organization's row lock first (as organizations.services does), so a
listing edit and a member change are serialised; then they refresh the search entry in the same
transaction, so the index never describes a listing that was rolled back.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sharehub.core.audit import log_action
from sharehub.core.images import prepare_image
from sharehub.organizations.models import Organization

from .models import Category, Listing, ListingAddress, ListingLink, ListingPhoto, Service
from .permissions import can_edit_listing, can_manage_directory
from .search_index import reindex_listing

LISTING_FIELDS = (
    "summary_ko",
    "summary_en",
    "description_ko",
    "description_en",
    "opening_hours_ko",
    "opening_hours_en",
    "phone",
    "email",
)
SERVICE_FIELDS = (
    "name_ko",
    "name_en",
    "description_ko",
    "description_en",
    "category",
    "price_type",
    "how_to_use_ko",
    "how_to_use_en",
    "link",
    "order",
)
ADDRESS_FIELDS = ("label", "address", "latitude", "longitude", "district")
PHOTO_FIELDS = ("alt_ko", "alt_en", "order")
CATEGORY_FIELDS = (
    "slug",
    "name_ko",
    "name_en",
    "description_ko",
    "description_en",
    "order",
    "active",
)
MAX_LINKS = 10
MAX_ADDRESSES = 20
MAX_PHOTOS = 12
MAX_SERVICES = 50
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
# Text fields stored as "" rather than NULL when a caller passes None.
_NULLABLE = {"district", "category", "latitude", "longitude", "order"}


def _require_signed_in(actor: Any) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Please log in first."))


def _clean(name: str, value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if value is None and name not in _NULLABLE:
        return ""
    return value


def _check_fields(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")


def _lock_organization(organization: Organization) -> Organization:
    return Organization.objects.select_for_update(of=("self",)).get(pk=organization.pk)


def _authorize(actor: Any, organization: Organization) -> Organization:
    """Lock the organization and check the actor may edit its listing. Expects a transaction."""
    _require_signed_in(actor)
    organization = _lock_organization(organization)
    if not can_edit_listing(actor, organization):
        raise PermissionDenied(_("Only the organization's members may edit its listing."))
    return organization


def _merge(errors: dict[str, list], error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _full_clean(
    obj: Any, *, exclude: list[str] | None = None, extra: ValidationError | None = None
) -> None:
    errors: dict[str, list] = {}
    if extra is not None:
        _merge(errors, extra)
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        _merge(errors, error)
    if errors:
        raise ValidationError(errors)


def _listing_of(organization: Organization) -> Listing:
    listing, _created = Listing.objects.get_or_create(organization=organization)
    return listing


@transaction.atomic
def ensure_listing(*, actor: Any, organization: Organization) -> Listing:
    """The organization's listing, created empty the first time a member opens it for editing."""
    organization = _authorize(actor, organization)
    return _listing_of(organization)


def _validated_links(links: list[dict]) -> list[ListingLink]:
    if len(links) > MAX_LINKS:
        raise ValidationError(
            {"links": [_("Give at most %(limit)d links.") % {"limit": MAX_LINKS}]}
        )
    built, errors = [], []
    for position, item in enumerate(links):
        if not isinstance(item, dict):
            errors.append(
                _("Link %(number)d: give a label and an address.") % {"number": position + 1}
            )
            continue
        link = ListingLink(
            label=_clean("label", item.get("label")),
            url=_clean("url", item.get("url")),
            order=position,
        )
        try:
            link.full_clean(exclude=["listing"])
        except ValidationError as error:
            for messages in error.message_dict.values():
                errors += [
                    _("Link %(number)d: %(error)s") % {"number": position + 1, "error": m}
                    for m in messages
                ]
        built.append(link)
    if errors:
        raise ValidationError({"links": errors})
    return built


@transaction.atomic
def update_listing(
    *,
    actor: Any,
    organization: Organization,
    categories: list[Category] | None = None,
    districts_served: list | None = None,
    links: list[dict] | None = None,
    **changes: Any,
) -> Listing:
    """Members (and city staff) edit the listing directly; only what is passed changes."""
    _check_fields(changes, LISTING_FIELDS)
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    for name, value in changes.items():
        setattr(listing, name, _clean(name, value))
    link_error = None
    new_links = None
    if links is not None:
        try:
            new_links = _validated_links(links)
        except ValidationError as error:
            link_error = error
    _full_clean(
        listing, exclude=["organization", "categories", "districts_served"], extra=link_error
    )
    listing.save()
    if categories is not None:
        listing.categories.set(categories)
    if districts_served is not None:
        listing.districts_served.set(districts_served)
    if new_links is not None:
        listing.links.all().delete()
        for link in new_links:
            link.listing = listing
        ListingLink.objects.bulk_create(new_links)
    changed = sorted(changes) + [
        name
        for name, value in (
            ("categories", categories),
            ("districts_served", districts_served),
            ("links", links),
        )
        if value is not None
    ]
    log_action(
        actor=actor, action="directory.listing_updated", target=listing, data={"fields": changed}
    )
    reindex_listing(listing)
    return listing


def _category_or_none(value: Any) -> Category | None:
    return value if isinstance(value, Category) or value is None else None


@transaction.atomic
def create_service(*, actor: Any, organization: Organization, **fields: Any) -> Service:
    _check_fields(fields, SERVICE_FIELDS)
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    if listing.services.count() >= MAX_SERVICES:
        raise ValidationError(
            _("A listing can have at most %(limit)d services.") % {"limit": MAX_SERVICES}
        )
    service = Service(
        listing=listing, **{name: _clean(name, value) for name, value in fields.items()}
    )
    _full_clean(service, exclude=["listing"])
    service.save()
    log_action(
        actor=actor,
        action="directory.service_created",
        target=listing,
        data={"service_id": service.pk},
    )
    reindex_listing(listing)
    return service


def _own_service(listing: Listing, service_id: int) -> Service:
    service = (
        Service.objects.select_for_update(of=("self",))
        .filter(listing=listing, pk=service_id)
        .first()
    )
    if service is None:
        raise ValidationError({"service": [_("This service does not belong to the listing.")]})
    return service


@transaction.atomic
def update_service(
    *, actor: Any, organization: Organization, service_id: int, **changes: Any
) -> Service:
    _check_fields(changes, SERVICE_FIELDS)
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    service = _own_service(listing, service_id)
    for name, value in changes.items():
        setattr(service, name, _clean(name, value))
    _full_clean(service, exclude=["listing"])
    service.save()
    log_action(
        actor=actor,
        action="directory.service_updated",
        target=listing,
        data={"service_id": service.pk, "fields": sorted(changes)},
    )
    reindex_listing(listing)
    return service


@transaction.atomic
def delete_service(*, actor: Any, organization: Organization, service_id: int) -> None:
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    service = _own_service(listing, service_id)
    service.delete()
    log_action(
        actor=actor,
        action="directory.service_deleted",
        target=listing,
        data={"service_id": service_id},
    )
    reindex_listing(listing)


@transaction.atomic
def add_address(*, actor: Any, organization: Organization, **fields: Any) -> ListingAddress:
    _check_fields(fields, ADDRESS_FIELDS)
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    if listing.addresses.count() >= MAX_ADDRESSES:
        raise ValidationError(
            _("A listing can have at most %(limit)d addresses.") % {"limit": MAX_ADDRESSES}
        )
    address = ListingAddress(
        listing=listing, **{name: _clean(name, value) for name, value in fields.items()}
    )
    _full_clean(address, exclude=["listing"], extra=_coordinates_error(address))
    address.save()
    log_action(
        actor=actor,
        action="directory.address_added",
        target=listing,
        data={"address_id": address.pk},
    )
    return address


def _own_address(listing: Listing, address_id: int) -> ListingAddress:
    address = (
        ListingAddress.objects.select_for_update(of=("self",))
        .filter(listing=listing, pk=address_id)
        .first()
    )
    if address is None:
        raise ValidationError({"address": [_("This address does not belong to the listing.")]})
    return address


def _coordinates_error(address: ListingAddress) -> ValidationError | None:
    if (address.latitude is None) != (address.longitude is None):
        return ValidationError({"longitude": [_("Give both latitude and longitude, or neither.")]})
    return None


@transaction.atomic
def update_address(
    *, actor: Any, organization: Organization, address_id: int, **changes: Any
) -> ListingAddress:
    _check_fields(changes, ADDRESS_FIELDS)
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    address = _own_address(listing, address_id)
    for name, value in changes.items():
        setattr(address, name, _clean(name, value))
    _full_clean(address, exclude=["listing"], extra=_coordinates_error(address))
    address.save()
    log_action(
        actor=actor,
        action="directory.address_updated",
        target=listing,
        data={"address_id": address.pk, "fields": sorted(changes)},
    )
    return address


@transaction.atomic
def delete_address(*, actor: Any, organization: Organization, address_id: int) -> None:
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    deleted, _rows = ListingAddress.objects.filter(listing=listing, pk=address_id).delete()
    if not deleted:
        raise ValidationError({"address": [_("This address does not belong to the listing.")]})
    log_action(
        actor=actor,
        action="directory.address_deleted",
        target=listing,
        data={"address_id": address_id},
    )


@transaction.atomic
def add_photo(
    *, actor: Any, organization: Organization, image: Any, alt_ko: str, alt_en: str = ""
) -> ListingPhoto:
    """The upload is checked and re-encoded (sharehub.core.images); alt text in Korean is required."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    if listing.photos.count() >= MAX_PHOTOS:
        raise ValidationError(
            _("A listing can have at most %(limit)d photos.") % {"limit": MAX_PHOTOS}
        )
    photo = ListingPhoto(
        listing=listing, alt_ko=_clean("alt_ko", alt_ko), alt_en=_clean("alt_en", alt_en)
    )
    image_error = None
    if image is None:
        image_error = ValidationError({"image": [_("Choose a photo to upload.")]})
    else:
        try:
            photo.image = prepare_image(
                image,
                actor=actor,
                field="image",
                max_bytes=PHOTO_MAX_BYTES,
                max_side=PHOTO_MAX_SIDE,
            )
        except ValidationError as error:
            image_error = error
    _full_clean(
        photo, exclude=["listing", "alt"] + (["image"] if image_error else []), extra=image_error
    )
    photo.save()
    log_action(
        actor=actor, action="directory.photo_added", target=listing, data={"photo_id": photo.pk}
    )
    return photo


@transaction.atomic
def update_photo(
    *, actor: Any, organization: Organization, photo_id: int, **changes: Any
) -> ListingPhoto:
    """Its text alternatives and order; a different picture is a new photo (delete, then add)."""
    _check_fields(changes, PHOTO_FIELDS)
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    photo = (
        ListingPhoto.objects.select_for_update(of=("self",))
        .filter(listing=listing, pk=photo_id)
        .first()
    )
    if photo is None:
        raise ValidationError({"photo": [_("This photo does not belong to the listing.")]})
    for name, value in changes.items():
        setattr(photo, name, _clean(name, value))
    _full_clean(photo, exclude=["listing", "alt", "image"])
    photo.save()
    log_action(
        actor=actor,
        action="directory.photo_updated",
        target=listing,
        data={"photo_id": photo.pk, "fields": sorted(changes)},
    )
    return photo


@transaction.atomic
def delete_photo(*, actor: Any, organization: Organization, photo_id: int) -> None:
    organization = _authorize(actor, organization)
    listing = _listing_of(organization)
    photo = ListingPhoto.objects.filter(listing=listing, pk=photo_id).first()
    if photo is None:
        raise ValidationError({"photo": [_("This photo does not belong to the listing.")]})
    name, storage = photo.image.name, photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
    log_action(
        actor=actor, action="directory.photo_deleted", target=listing, data={"photo_id": photo_id}
    )


def _require_city_staff(actor: Any) -> None:
    _require_signed_in(actor)
    if not can_manage_directory(actor):
        raise PermissionDenied(_("Only city staff manage the directory's categories."))


@transaction.atomic
def create_category(*, actor: Any, **fields: Any) -> Category:
    _check_fields(fields, CATEGORY_FIELDS)
    _require_city_staff(actor)
    category = Category(**{name: _clean(name, value) for name, value in fields.items()})
    _full_clean(category, exclude=["name", "description"])
    category.save()
    log_action(
        actor=actor,
        action="directory.category_created",
        target=category,
        data={"slug": category.slug},
    )
    return category


@transaction.atomic
def update_category(*, actor: Any, category: Category, **changes: Any) -> Category:
    _check_fields(changes, CATEGORY_FIELDS)
    _require_city_staff(actor)
    category = Category.objects.select_for_update(of=("self",)).get(pk=category.pk)
    for name, value in changes.items():
        setattr(category, name, _clean(name, value))
    _full_clean(category, exclude=["name", "description"])
    category.save()
    log_action(
        actor=actor,
        action="directory.category_updated",
        target=category,
        data={"fields": sorted(changes)},
    )
    for listing in Listing.objects.filter(categories=category).select_related("organization"):
        reindex_listing(listing)
    return category


def on_public_facts_changed(
    sender: type, *, organization: Organization, fields: list[str], **kwargs: Any
) -> None:
    """Receiver of organizations.signals.public_facts_changed: the listing's search entry carries
    the organization's name and description, so it is refreshed in the same transaction."""
    listing = (
        Listing.objects.filter(organization=organization).select_related("organization").first()
    )
    if listing is not None:
        reindex_listing(listing)
