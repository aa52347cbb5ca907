"""Every write to the directory (DESIGN §3, §4): one transaction each, permission checked inside.

Writes to a listing take the organization's row lock first (as organizations.services does), so a
listing edit and a member change are serialised; then they refresh the search entry in the same
transaction, so the index never describes a listing that was rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.accounts.roles import is_city_staff, signed_in_user
from sharehub.core.actors import Actor, require_signed_in
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.images import prepare_image
from sharehub.core.locking import lock, lock_rows
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization
from sharehub.places.models import District

from .models import Category, Listing, ListingAddress, ListingLink, ListingPhoto, Service
from .permissions import can_edit_listing, can_manage_directory
from .search_index import reindex_listing


class ListingChanges(TypedDict, total=False):
    """The listing's own fields a member edits (only those passed change)."""

    summary_ko: str
    summary_en: str
    description_ko: str
    description_en: str
    opening_hours_ko: str
    opening_hours_en: str
    phone: str
    email: str


class ServiceChanges(TypedDict, total=False):
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    category: Category | None
    price_type: str
    how_to_use_ko: str
    how_to_use_en: str
    link: str
    order: int | None


class AddressChanges(TypedDict, total=False):
    label_ko: str
    label_en: str
    address: str
    latitude: float | None
    longitude: float | None
    district: District | None


class PhotoChanges(TypedDict, total=False):
    alt_ko: str
    alt_en: str
    order: int | None


class CategoryChanges(TypedDict, total=False):
    slug: str
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    order: int | None
    active: bool


class LinkIn(TypedDict):
    label: str
    url: str


# The editable fields, declared once by the TypedDicts above (forms and the API use them too).
LISTING_FIELDS = tuple(ListingChanges.__annotations__)
SERVICE_FIELDS = tuple(ServiceChanges.__annotations__)
ADDRESS_FIELDS = tuple(AddressChanges.__annotations__)
PHOTO_FIELDS = tuple(PhotoChanges.__annotations__)
CATEGORY_FIELDS = tuple(CategoryChanges.__annotations__)
MAX_LINKS = 10
MAX_ADDRESSES = 20
MAX_PHOTOS = 12
MAX_SERVICES = 50
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
# Text fields stored as "" rather than NULL when a caller passes None.
_NULLABLE = {"district", "category", "latitude", "longitude", "order"}


def _clean(name: str, value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if value is None and name not in _NULLABLE:
        return ""
    return value


def _authorize(actor: Actor, organization: Organization) -> Organization:
    """Lock the organization and check the actor may edit its listing. Expects a transaction."""
    require_signed_in(actor)
    organization = lock(organization)
    if not can_edit_listing(actor, organization):
        raise PermissionDenied(_("Only the organization's members may edit its listing."))
    return organization


def _merge(errors: dict[str, list[Any]], error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _full_clean(
    obj: Any, *, exclude: list[str] | None = None, extra: ValidationError | None = None
) -> None:
    errors: dict[str, list[Any]] = {}
    if extra is not None:
        _merge(errors, extra)
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        _merge(errors, error)
    if errors:
        raise ValidationError(errors)


def _listing_of(organization: Organization, actor: Actor) -> Listing:
    """The organization's listing, created on first use. Expects the organization locked."""
    listing = Listing.objects.filter(organization=organization).first()
    return listing if listing is not None else _create_listing(organization, actor)


def _create_listing(organization: Organization, actor: Actor) -> Listing:
    """City staff's listing is public at once; a member's first listing waits for a moderator, as
    their organization did (the moderation queue lists it; its members are told the decision)."""
    listing = Listing(organization=organization)
    if is_city_staff(actor):
        listing.moderation_status = ModerationStatus.PUBLISHED
        listing.moderated_by = signed_in_user(actor)
        listing.moderated_at = timezone.now()
    else:
        listing.moderation_status = ModerationStatus.PENDING
    listing.save()
    log_action(
        actor=actor,
        action="directory.listing_created",
        target=listing,
        data={"status": listing.moderation_status},
    )
    reindex_listing(listing)
    return listing


def _not_ours(model: type[Service | ListingAddress | ListingPhoto]) -> ValidationError:
    field, message = {
        Service: ("service", _("This service does not belong to the listing.")),
        ListingAddress: ("address", _("This address does not belong to the listing.")),
        ListingPhoto: ("photo", _("This photo does not belong to the listing.")),
    }[model]
    return ValidationError({field: [message]})


def _own_part[P: (Service, ListingAddress, ListingPhoto)](
    model: type[P], listing: Listing, pk: int
) -> P:
    """One of the listing's parts, locked (after its organization)."""
    part = lock_rows(model, [pk]).get(pk)
    if part is None or part.listing_id != listing.pk:
        raise _not_ours(model)
    return part


@transaction.atomic(durable=True)
def ensure_listing(*, actor: Actor, organization: Organization) -> Listing:
    """The organization's listing, created empty the first time a member opens it for editing.
    Locks the organization."""
    organization = _authorize(actor, organization)
    return _listing_of(organization, actor)


def _validated_links(links: Sequence[LinkIn]) -> list[ListingLink]:
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
    actor: Actor,
    organization: Organization,
    categories: Sequence[Category] | None = None,
    districts_served: Sequence[District] | None = None,
    links: Sequence[LinkIn] | None = None,
    **changes: Unpack[ListingChanges],
) -> Listing:
    """Members (and city staff) edit the listing directly; only what is passed changes.

    Locks the organization. Not durable: the CSV import writes each row with it, in its own
    transaction.
    """
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    apply_changes(listing, fields=LISTING_FIELDS, data=changes, clean=_clean)
    if listing.moderation_status == ModerationStatus.REJECTED:
        # Edited after a refusal: back to the moderators' queue, as an organization goes.
        listing.moderation_status = ModerationStatus.PENDING
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


@transaction.atomic(durable=True)
def create_service(
    *, actor: Actor, organization: Organization, **fields: Unpack[ServiceChanges]
) -> Service:
    """Locks the organization."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    if listing.services.count() >= MAX_SERVICES:
        raise ValidationError(
            _("A listing can have at most %(limit)d services.") % {"limit": MAX_SERVICES}
        )
    service = Service(listing=listing)
    apply_changes(service, fields=SERVICE_FIELDS, data=fields, clean=_clean)
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


@transaction.atomic(durable=True)
def update_service(
    *,
    actor: Actor,
    organization: Organization,
    service_id: int,
    **changes: Unpack[ServiceChanges],
) -> Service:
    """Locks the organization, then the service."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    service = _own_part(Service, listing, service_id)
    apply_changes(service, fields=SERVICE_FIELDS, data=changes, clean=_clean)
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


@transaction.atomic(durable=True)
def delete_service(*, actor: Actor, organization: Organization, service_id: int) -> None:
    """Locks the organization, then the service."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    service = _own_part(Service, listing, service_id)
    service.delete()
    log_action(
        actor=actor,
        action="directory.service_deleted",
        target=listing,
        data={"service_id": service_id},
    )
    reindex_listing(listing)


def _coordinates_error(address: ListingAddress) -> ValidationError | None:
    if (address.latitude is None) != (address.longitude is None):
        return ValidationError({"longitude": [_("Give both latitude and longitude, or neither.")]})
    return None


@transaction.atomic
def add_address(
    *, actor: Actor, organization: Organization, **fields: Unpack[AddressChanges]
) -> ListingAddress:
    """Locks the organization. Not durable: the CSV import calls it inside its transaction."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    if listing.addresses.count() >= MAX_ADDRESSES:
        raise ValidationError(
            _("A listing can have at most %(limit)d addresses.") % {"limit": MAX_ADDRESSES}
        )
    address = ListingAddress(listing=listing)
    apply_changes(address, fields=ADDRESS_FIELDS, data=fields, clean=_clean)
    _full_clean(address, exclude=["listing"], extra=_coordinates_error(address))
    address.save()
    log_action(
        actor=actor,
        action="directory.address_added",
        target=listing,
        data={"address_id": address.pk},
    )
    return address


@transaction.atomic
def update_address(
    *,
    actor: Actor,
    organization: Organization,
    address_id: int,
    **changes: Unpack[AddressChanges],
) -> ListingAddress:
    """Locks the organization, then the address. Not durable: the CSV import calls it inside its
    transaction."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    address = _own_part(ListingAddress, listing, address_id)
    apply_changes(address, fields=ADDRESS_FIELDS, data=changes, clean=_clean)
    _full_clean(address, exclude=["listing"], extra=_coordinates_error(address))
    address.save()
    log_action(
        actor=actor,
        action="directory.address_updated",
        target=listing,
        data={"address_id": address.pk, "fields": sorted(changes)},
    )
    return address


@transaction.atomic(durable=True)
def delete_address(*, actor: Actor, organization: Organization, address_id: int) -> None:
    """Locks the organization."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    deleted, _rows = ListingAddress.objects.filter(listing=listing, pk=address_id).delete()
    if not deleted:
        raise _not_ours(ListingAddress)
    log_action(
        actor=actor,
        action="directory.address_deleted",
        target=listing,
        data={"address_id": address_id},
    )


@transaction.atomic(durable=True)
def add_photo(
    *,
    actor: Actor,
    organization: Organization,
    image: UploadedFile | None,
    alt_ko: str,
    alt_en: str = "",
) -> ListingPhoto:
    """The upload is checked and re-encoded (sharehub.core.images); alt text in Korean is required.
    Locks the organization."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
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


@transaction.atomic(durable=True)
def update_photo(
    *,
    actor: Actor,
    organization: Organization,
    photo_id: int,
    **changes: Unpack[PhotoChanges],
) -> ListingPhoto:
    """Its text alternatives and order; a different picture is a new photo (delete, then add).
    Locks the organization, then the photo."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    photo = _own_part(ListingPhoto, listing, photo_id)
    apply_changes(photo, fields=PHOTO_FIELDS, data=changes, clean=_clean)
    _full_clean(photo, exclude=["listing", "alt", "image"])
    photo.save()
    log_action(
        actor=actor,
        action="directory.photo_updated",
        target=listing,
        data={"photo_id": photo.pk, "fields": sorted(changes)},
    )
    return photo


@transaction.atomic(durable=True)
def delete_photo(*, actor: Actor, organization: Organization, photo_id: int) -> None:
    """Locks the organization, then the photo; the file goes once the deletion has committed."""
    organization = _authorize(actor, organization)
    listing = _listing_of(organization, actor)
    photo = _own_part(ListingPhoto, listing, photo_id)
    name, storage = photo.image.name, photo.image.storage
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    log_action(
        actor=actor, action="directory.photo_deleted", target=listing, data={"photo_id": photo_id}
    )


def _require_directory_manager(actor: Actor) -> None:
    require_signed_in(actor)
    if not can_manage_directory(actor):
        raise PermissionDenied(_("Only city staff manage the directory's categories."))


@transaction.atomic(durable=True)
def create_category(*, actor: Actor, **fields: Unpack[CategoryChanges]) -> Category:
    _require_directory_manager(actor)
    category = Category()
    apply_changes(category, fields=CATEGORY_FIELDS, data=fields, clean=_clean)
    _full_clean(category, exclude=["name", "description"])
    category.save()
    log_action(
        actor=actor,
        action="directory.category_created",
        target=category,
        data={"slug": category.slug},
    )
    return category


@transaction.atomic(durable=True)
def update_category(
    *, actor: Actor, category: Category, **changes: Unpack[CategoryChanges]
) -> Category:
    """Locks the category; the search entries of its listings follow in the same transaction."""
    _require_directory_manager(actor)
    category = lock(category)
    apply_changes(category, fields=CATEGORY_FIELDS, data=changes, clean=_clean)
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
