"""Suggestions from the public: a missing organization, a missing service, or a correction.

A suggestion is validated when it is submitted (field errors go back to the submitter) and again
when a moderator publishes it: the `published` signal of the moderation app arrives inside the
publishing transaction, so a suggestion that no longer fits (say the listing changed meanwhile)
makes the publication fail as a whole, with the reason shown to the moderator; nothing is
half-applied.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.core.actors import Actor, require_signed_in
from sharehub.core.audit import log_action
from sharehub.core.locking import lock, lock_pk
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization, OrganizationKind
from sharehub.organizations.services import save_with_unique_slug
from sharehub.places.models import District

from .models import Category, Listing, ListingAddress, Service, Suggestion, SuggestionKind
from .search_index import reindex_listing

NEW_LISTING_FIELDS = (
    "name_ko",
    "name_en",
    "website",
    "summary_ko",
    "summary_en",
    "category",
    "district",
    "address",
)
NEW_SERVICE_FIELDS = (
    "name_ko",
    "name_en",
    "description_ko",
    "description_en",
    "category",
    "price_type",
    "how_to_use_ko",
    "how_to_use_en",
    "link",
)
CORRECTION_FIELDS = (
    "summary_ko",
    "summary_en",
    "description_ko",
    "description_en",
    "opening_hours_ko",
    "opening_hours_en",
    "phone",
    "email",
)
FIELDS_BY_KIND = {
    SuggestionKind.NEW_LISTING: NEW_LISTING_FIELDS,
    SuggestionKind.NEW_SERVICE: NEW_SERVICE_FIELDS,
    SuggestionKind.CORRECTION: CORRECTION_FIELDS,
}
MESSAGE_MAX = 2000


def _category(slug: str) -> Category | None:
    if not slug:
        return None
    category = Category.objects.filter(slug=slug, active=True).first()
    if category is None:
        raise ValidationError({"category": [_("There is no category with this address name.")]})
    return category


def _district(slug: str) -> District | None:
    if not slug:
        return None
    district = District.objects.filter(slug=slug).first()
    if district is None:
        raise ValidationError({"district": [_("There is no district with this address name.")]})
    return district


def _payload(kind: str, values: dict) -> dict:
    """Keep the known fields of the kind as stripped text; anything else is refused."""
    allowed = FIELDS_BY_KIND[kind]
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(
            {name: [_("This field cannot be suggested.")] for name in sorted(unknown)}
        )
    payload = {}
    for name, value in values.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValidationError({name: [_("Enter text.")]})
        if value.strip():
            payload[name] = value.strip()
    return payload


def _merged(errors: dict, error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _build_organization(
    payload: dict,
) -> tuple[Organization, Listing, ListingAddress | None, Category | None]:
    """The objects a new-listing suggestion would create, validated but unsaved."""
    errors: dict[str, list] = {}
    category = district = None
    try:
        category = _category(payload.get("category", ""))
    except ValidationError as error:
        _merged(errors, error)
    try:
        district = _district(payload.get("district", ""))
    except ValidationError as error:
        _merged(errors, error)
    organization = Organization(
        name_ko=payload.get("name_ko", ""),
        name_en=payload.get("name_en", ""),
        kind=OrganizationKind.ENTERPRISE,
        website=payload.get("website", ""),
        district=district,
        address=payload.get("address", ""),
        description_ko="",
        description_en="",
    )
    try:
        organization.full_clean(exclude=["slug", "name", "moderation_status"])
    except ValidationError as error:
        _merged(errors, error)
    listing = Listing(
        summary_ko=payload.get("summary_ko", ""), summary_en=payload.get("summary_en", "")
    )
    try:
        listing.full_clean(exclude=["organization", "summary", "description", "opening_hours"])
    except ValidationError as error:
        _merged(errors, error)
    address = None
    if payload.get("address"):
        address = ListingAddress(address=payload["address"], district=district)
    if errors:
        raise ValidationError(errors)
    return organization, listing, address, category


def _build_service(listing: Listing, payload: dict) -> Service:
    errors: dict[str, list] = {}
    values = {k: v for k, v in payload.items() if k != "category"}
    try:
        values["category"] = _category(payload.get("category", ""))
    except ValidationError as error:
        _merged(errors, error)
    service = Service(listing=listing, **values)
    try:
        service.full_clean(exclude=["listing", "name", "description", "how_to_use"])
    except ValidationError as error:
        _merged(errors, error)
    if errors:
        raise ValidationError(errors)
    return service


def _validate_correction(listing: Listing, payload: dict) -> Listing:
    if not payload:
        raise ValidationError({"__all__": [_("Propose at least one change.")]})
    corrected = Listing.objects.get(pk=listing.pk)
    for name, value in payload.items():
        setattr(corrected, name, value)
    corrected.full_clean(
        exclude=[
            "organization",
            "categories",
            "districts_served",
            "summary",
            "description",
            "opening_hours",
        ]
    )
    return corrected


def validate_suggestion(kind: str, listing: Listing | None, payload: dict) -> None:
    if kind == SuggestionKind.NEW_LISTING:
        _build_organization(payload)
    elif kind == SuggestionKind.NEW_SERVICE:
        _build_service(listing, payload)
    else:
        _validate_correction(listing, payload)


@transaction.atomic(durable=True)
def submit_suggestion(
    *,
    actor: Actor,
    kind: str,
    listing: Listing | None = None,
    values: dict[str, Any],
    message: str = "",
) -> Suggestion:
    """Any signed-in person proposes; it waits in the moderation queue."""
    require_signed_in(actor)
    if kind not in SuggestionKind.values:
        raise ValidationError({"kind": [_("Select a valid choice.")]})
    if kind != SuggestionKind.NEW_LISTING and listing is None:
        raise ValidationError({"listing": [_("Choose the listing this is about.")]})
    if kind == SuggestionKind.NEW_LISTING:
        listing = None
    message = (message or "").strip()
    errors: dict[str, list] = {}
    payload: dict = {}
    try:
        payload = _payload(kind, values)
        validate_suggestion(kind, listing, payload)
    except ValidationError as error:
        _merged(errors, error)
    if len(message) > MESSAGE_MAX:
        errors.setdefault("message", []).append(
            _("Keep the message under %(limit)d characters.") % {"limit": MESSAGE_MAX}
        )
    if errors:
        raise ValidationError(errors)
    suggestion = Suggestion.objects.create(
        kind=kind,
        listing=listing,
        payload=payload,
        message=message,
        created_by=actor,
        moderation_status=ModerationStatus.PENDING,
    )
    log_action(actor=actor, action="directory.suggested", target=suggestion, data={"kind": kind})
    return suggestion


def _new_listing(payload: dict, *, actor: Actor) -> Listing:
    organization, listing, address, category = _build_organization(payload)
    organization.moderation_status = ModerationStatus.PUBLISHED
    organization.moderated_by = actor
    organization.moderated_at = timezone.now()
    organization.source = _("Suggested by the public and reviewed by a moderator.")
    save_with_unique_slug(organization)
    listing.organization = organization
    listing.save()
    if category is not None:
        listing.categories.add(category)
    if address is not None:
        address.listing = listing
        address.save()
    log_action(
        actor=actor,
        action="organizations.created",
        target=organization,
        data={"from": "directory.suggestion"},
    )
    return listing


def apply_suggestion(*, actor: Actor, suggestion: Suggestion) -> Listing:
    """Apply a suggestion a moderator has just published. Runs inside the publish transaction:
    locks the suggestion, then (for a service or a correction) the listing's organization."""
    suggestion = lock(suggestion)
    if suggestion.applied_at is not None:
        return suggestion.listing
    kind, payload = suggestion.kind, suggestion.payload
    if kind == SuggestionKind.NEW_LISTING:
        listing = _new_listing(payload, actor=actor)
        suggestion.listing = listing
    else:
        lock_pk(Organization, suggestion.listing.organization_id)
        listing = suggestion.listing
        if kind == SuggestionKind.NEW_SERVICE:
            _build_service(listing, payload).save()
        else:
            _validate_correction(listing, payload).save()
    suggestion.applied_at = timezone.now()
    suggestion.save(update_fields=["listing", "applied_at"])
    log_action(
        actor=actor,
        action="directory.suggestion_applied",
        target=listing,
        data={"suggestion_id": suggestion.pk},
    )
    reindex_listing(listing)
    return listing


def on_published(sender: type, *, obj: Any, status: str, actor: Any, **kwargs: Any) -> None:
    """Receiver of sharehub.moderation.signals.moderation_changed: apply a published suggestion."""
    if isinstance(obj, Suggestion) and status == ModerationStatus.PUBLISHED:
        apply_suggestion(actor=actor, suggestion=obj)
