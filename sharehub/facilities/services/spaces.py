"""facilities: Staff create and edit spaces: details (ko, en), hours, fee table, refund bands, photos.

City staff create spaces and name each one's staff; a space's staff (and city staff) edit it. A new
space starts closed for bookings: it opens once it has opening hours (`set_active`). The rows of a
space (opening hours, fee rates, refund bands) are replaced all at once or not at all, and a
refused row is named in the error by its key `<rows>-<index>-<field>` (the names a formset gives
its inputs, so a page shows each message next to its input).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from itertools import pairwise
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff, signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.forms import field_error
from sharehub.core.images import prepare_image
from sharehub.core.locking import lock
from sharehub.core.rows import RowErrors
from sharehub.core.slugs import short_slug
from sharehub.facilities.models import (
    DayKind,
    Feature,
    FeeMode,
    FeeRate,
    OpeningHours,
    Purpose,
    RefundBand,
    Space,
    SpacePhoto,
)
from sharehub.facilities.permissions import is_space_staff

ACTION = "facilities.space."
MAX_PHOTOS = 10
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
MAX_ROWS = 50
MAX_STAFF = 20
# First path segments of the app's own pages: a space with one of these addresses would hide them
# (or be hidden by them) under /spaces/<slug>/.
RESERVED_SLUGS = frozenset(
    {"manage", "bookings", "lottery", "results", "waitlist", "penalties", "suspensions", "appeals"}
)

# What staff edit on a space (the slug stays: its address is printed and linked).
SPACE_FIELDS = (
    "name_ko",
    "name_en",
    "description_ko",
    "description_en",
    "office_ko",
    "office_en",
    "exemptions_ko",
    "exemptions_en",
    "district",
    "road_address",
    "latitude",
    "longitude",
    "capacity",
    "area_m2",
    "fee_mode",
    "fee_amount",
    "block_minutes",
    "slot_minutes",
    "min_minutes",
    "max_minutes",
    "opens_days_ahead",
    "closes_days_ahead",
    "closed_on_holidays",
    "max_hours_per_day",
    "max_bookings_per_month",
    "eligibility",
    "excluded_purposes",
    "confirmation",
    "request_hours",
    "payment_hours",
    "allocation",
    "human_seconds",
    "lottery_draw_days",
    "no_show_limit",
    "suspension_days",
)
_TRANSLATED = ("name", "description", "office", "exemptions")
_NULLABLE = {"latitude", "longitude", "area_m2", "district"}


@dataclass(frozen=True)
class HoursRow:
    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class FeeRow:
    day_kind: str
    starts: time
    amount: int


@dataclass(frozen=True)
class BandRow:
    days_before: int
    percent: int


# --- permissions ---------------------------------------------------------------------------------


def _require_city_staff(actor: Actor) -> User:
    user = signed_in_user(actor)
    if not is_city_staff(user):
        raise PermissionDenied(_("Only city staff may do this."))
    return user


def _require_space_staff(actor: Actor, space: Space) -> User:
    user = signed_in_user(actor)
    if not is_space_staff(user, space):
        raise PermissionDenied(_("Only the space's staff may do this."))
    return user


# --- the space itself ----------------------------------------------------------------------------


def _clean(name: str, value: Any) -> Any:
    if name == "excluded_purposes" and not isinstance(value, str):
        value = ",".join(sorted(set(value or ())))
    if isinstance(value, str):
        return value.strip()
    if value is None and name not in _NULLABLE:
        return ""
    return value


def _add(errors: dict[str, list[Any]], error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _rule_errors(space: Space, *, creating: bool) -> dict[str, list[Any]]:
    """The space's own consistency, said on the field to change (the model's constraints would
    only say "not valid")."""
    errors: dict[str, list[Any]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    # Required of new spaces (the public page needs it); older ones may have none yet.
    if creating and not (space.description_ko or "").strip():
        refuse("description_ko", _("Describe the space in Korean."), "required")
    unknown = space.excluded - set(Purpose.values)
    if unknown:
        refuse("excluded_purposes", _("Choose purposes from the list."), "invalid_choice")
    if space.fee_mode in (FeeMode.PER_HOUR, FeeMode.PER_BLOCK) and not space.fee_amount:
        refuse("fee_amount", _("A space that charges needs a fee above ₩0."), "fee")
    slot, low, high = space.slot_minutes, space.min_minutes, space.max_minutes
    if isinstance(low, int) and isinstance(high, int) and low > high:
        refuse(
            "max_minutes", _("The longest booking cannot be shorter than the shortest."), "order"
        )
    if isinstance(slot, int) and slot > 0:
        for field, value in (("min_minutes", low), ("max_minutes", high)):
            if isinstance(value, int) and value % slot:
                refuse(
                    field,
                    _("Make it a multiple of the slot size (%(minutes)s minutes).")
                    % {"minutes": slot},
                    "slot",
                )
    near, far = space.closes_days_ahead, space.opens_days_ahead
    if isinstance(near, int) and isinstance(far, int) and near > far:
        refuse(
            "closes_days_ahead",
            _("Bookings cannot close further ahead than they open (%(days)s days).")
            % {"days": far},
            "window",
        )
    if (space.latitude is None) != (space.longitude is None):
        refuse("longitude", _("Give both the latitude and the longitude, or neither."), "pair")
    return errors


def _validate(space: Space, *, creating: bool = False) -> None:
    errors = _rule_errors(space, creating=creating)
    try:
        space.full_clean(exclude=list(_TRANSLATED), validate_constraints=False)
    except ValidationError as error:
        _add(errors, error)
    if not errors:
        try:
            space.validate_constraints()
        except ValidationError as error:
            _add(errors, error)
    if errors:
        raise ValidationError(errors)


def _features(codes: Iterable[str]) -> list[Feature]:
    wanted = set(codes)
    found = list(Feature.objects.filter(code__in=wanted))
    if len(found) != len(wanted):
        raise field_error("features", _("Choose features from the list."), code="invalid_choice")
    return found


def _free_slug(base: str) -> str:
    base = (base or "space")[:70].strip("-") or "space"
    if base in RESERVED_SLUGS:
        base = f"{base}-space"
    taken = set(Space.objects.filter(slug__startswith=base).values_list("slug", flat=True)[:1000])
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_space(
    *, actor: Actor, slug: str = "", features: Iterable[str] = (), **fields: Any
) -> Space:
    """City staff add a space (closed for bookings until it has hours and is opened). `slug`
    empty: made from the English (else the romanized Korean) name."""
    slug = slug.strip().lower()
    with transaction.atomic(durable=True):
        user = _require_city_staff(actor)
        unknown = set(fields) - set(SPACE_FIELDS)
        if unknown:
            raise TypeError(f"not editable: {sorted(unknown)}")
        space = Space(is_active=False, **{name: _clean(name, v) for name, v in fields.items()})
        if slug in RESERVED_SLUGS:
            raise field_error(
                "slug", _("This address name is used by the hub's own pages."), code="reserved"
            )
        space.slug = slug or _free_slug(short_slug(space.name_en, space.name_ko, max_length=60))
        _validate(space, creating=True)
        chosen = _features(features)
        try:
            with transaction.atomic():  # a concurrent twin with the same address: a field error
                space.save()
        except IntegrityError as error:
            raise field_error(
                "slug", _("Another space has this address name."), code="unique"
            ) from error
        space.features.set(chosen)
        log_action(actor=user, action=ACTION + "create", target=space, data={"slug": space.slug})
    return space


def update_space(
    *, actor: Actor, space: Space, features: Iterable[str] | None = None, **changes: Any
) -> Space:
    """The space's staff (or city staff) change its details and rules; `features` (codes), when
    given, replace its amenities and accessibility features."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        changed = apply_changes(space, fields=SPACE_FIELDS, data=changes, clean=_clean)
        _validate(space)
        space.save()
        if features is not None:
            chosen = _features(features)
            before = set(space.features.values_list("code", flat=True))
            if before != {f.code for f in chosen}:
                space.features.set(chosen)
                changed.append("features")
        log_action(actor=user, action=ACTION + "update", target=space, data={"fields": changed})
    return space


def set_staff(*, actor: Actor, space: Space, emails: Sequence[str]) -> list[User]:
    """City staff name the space's staff by their accounts' e-mail addresses (replacing the list);
    an address without an active account is refused, by its line."""
    cleaned = [e.strip().lower() for e in emails if e.strip()]
    if len(cleaned) > MAX_STAFF:
        raise field_error(
            "emails", _("At most %(count)s people.") % {"count": MAX_STAFF}, code="max"
        )
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_city_staff(actor)
        found = {u.email.lower(): u for u in User.objects.filter(email__in=cleaned, is_active=True)}
        missing = [e for e in cleaned if e not in found]
        if missing:
            raise ValidationError(
                {
                    "emails": [
                        ValidationError(
                            _("No active account has the address %(email)s.") % {"email": e},
                            code="unknown",
                        )
                        for e in missing
                    ]
                }
            )
        staff = list({u.pk: u for u in found.values()}.values())
        space.staff.set(staff)
        log_action(
            actor=user,
            action=ACTION + "staff",
            target=space,
            data={"staff": sorted(u.pk for u in staff)},
        )
    return staff


def set_active(*, actor: Actor, space: Space, active: bool) -> Space:
    """Open the space for bookings, or close it to new ones (the bookings made stay). It opens only
    with opening hours."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        if active and not space.hours.exists():
            raise field_error(
                "__all__",
                _("Give the space its opening hours before opening it for bookings."),
                code="no_hours",
            )
        if space.is_active != active:
            space.is_active = active
            space.save(update_fields=["is_active"])
            log_action(actor=user, action=ACTION + ("open" if active else "close"), target=space)
    return space


# --- rows: opening hours, the fee table, refund bands --------------------------------------------


def _too_many(rows: Sequence[object], errors: RowErrors) -> None:
    if len(rows) > MAX_ROWS:
        errors.add(None, "", _("At most %(count)s rows.") % {"count": MAX_ROWS}, "max")
        errors.raise_any()


def _check_hours(rows: Sequence[HoursRow]) -> None:
    errors = RowErrors("hours")
    _too_many(rows, errors)
    for i, row in enumerate(rows):
        if not 0 <= row.weekday <= 6:
            errors.add(i, "weekday", _("Choose a day of the week."), "invalid_choice")
        if row.opens >= row.closes:
            errors.add(i, "closes", _("The closing time must be after the opening time."), "order")
    ordered = sorted(
        (r.weekday, r.opens, r.closes, i) for i, r in enumerate(rows) if r.opens < r.closes
    )
    latest: tuple[int, time] | None = None  # the day and the latest closing time so far
    for weekday, opens, closes, i in ordered:
        if latest is not None and latest[0] == weekday and opens < latest[1]:
            errors.add(
                i,
                "opens",
                _("This period overlaps another one on the same day (until %(until)s).")
                % {"until": f"{latest[1]:%H:%M}"},
                "overlap",
            )
        if latest is None or latest[0] != weekday or closes > latest[1]:
            latest = (weekday, closes)
    errors.raise_any()


def replace_hours(*, actor: Actor, space: Space, rows: Sequence[HoursRow]) -> list[OpeningHours]:
    """Replace the weekly opening hours: several periods a day allowed, none overlapping."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        _check_hours(rows)
        space.hours.all().delete()
        created = OpeningHours.objects.bulk_create(
            OpeningHours(space=space, weekday=r.weekday, opens=r.opens, closes=r.closes)
            for r in sorted(rows, key=lambda r: (r.weekday, r.opens))
        )
        log_action(actor=user, action=ACTION + "hours", target=space, data={"rows": len(rows)})
    return created


def _check_fee_rates(rows: Sequence[FeeRow]) -> None:
    errors = RowErrors("fees")
    _too_many(rows, errors)
    seen: set[tuple[str, time]] = set()
    for i, row in enumerate(rows):
        if row.day_kind not in DayKind.values:
            errors.add(i, "day_kind", _("Choose weekdays or weekends."), "invalid_choice")
        if not 0 <= row.amount <= 10_000_000:
            errors.add(i, "amount", _("From ₩0 to ₩10,000,000."), "range")
        if (row.day_kind, row.starts) in seen:
            errors.add(i, "starts", _("Another rate starts at this time."), "duplicate")
        seen.add((row.day_kind, row.starts))
    errors.raise_any()


def replace_fee_rates(*, actor: Actor, space: Space, rows: Sequence[FeeRow]) -> list[FeeRate]:
    """Replace the fee table (rates by kind of day from a time of day); empty: the base fee
    always."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        _check_fee_rates(rows)
        if rows and space.fee_mode == FeeMode.FREE:
            raise field_error(
                "fees",
                _("This space is free of charge: choose a fee per hour or per block first."),
                code="free",
            )
        space.fee_rates.all().delete()
        created = FeeRate.objects.bulk_create(
            FeeRate(space=space, day_kind=r.day_kind, starts=r.starts, amount=r.amount)
            for r in rows
        )
        log_action(
            actor=user,
            action=ACTION + "fees",
            target=space,
            data={"rates": [[r.day_kind, f"{r.starts:%H:%M}", r.amount] for r in rows]},
        )
    return created


def _check_refund_bands(rows: Sequence[BandRow]) -> None:
    errors = RowErrors("bands")
    _too_many(rows, errors)
    seen: set[int] = set()
    for i, row in enumerate(rows):
        if not 0 <= row.days_before <= 365:
            errors.add(i, "days_before", _("From 0 to 365 days."), "range")
        if not 0 <= row.percent <= 100:
            errors.add(i, "percent", _("From 0 to 100 %."), "range")
        if row.days_before in seen:
            errors.add(i, "days_before", _("Another band starts at this many days."), "duplicate")
        seen.add(row.days_before)
    ordered = sorted(
        (r.days_before, r.percent, i)
        for i, r in enumerate(rows)
        if 0 <= r.days_before <= 365 and 0 <= r.percent <= 100
    )
    for (_days_a, percent_a, _i), (_days_b, percent_b, i) in pairwise(ordered):
        if percent_b < percent_a:
            errors.add(
                i,
                "percent",
                _("Cancelling earlier cannot refund less than cancelling later (%(percent)s %%).")
                % {"percent": percent_a},
                "order",
            )
    errors.raise_any()


def replace_refund_bands(
    *, actor: Actor, space: Space, rows: Sequence[BandRow]
) -> list[RefundBand]:
    """Replace the refund bands. Cancelling earlier never refunds less: a band further ahead gives
    at least the refund of one nearer the day."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        _check_refund_bands(rows)
        space.refund_bands.all().delete()
        created = RefundBand.objects.bulk_create(
            RefundBand(space=space, days_before=r.days_before, percent=r.percent) for r in rows
        )
        log_action(
            actor=user,
            action=ACTION + "refunds",
            target=space,
            data={"bands": [[r.days_before, r.percent] for r in rows]},
        )
    return created


# --- photos --------------------------------------------------------------------------------------


def _photo_text(alt_ko: str, alt_en: str) -> tuple[str, str]:
    alt_ko, alt_en = alt_ko.strip(), alt_en.strip()
    errors: dict[str, list[Any]] = {}
    if not alt_ko:
        errors["alt_ko"] = [
            ValidationError(_("Say in Korean what the photo shows."), code="required")
        ]
    for field, value in (("alt_ko", alt_ko), ("alt_en", alt_en)):
        if len(value) > 200:
            errors.setdefault(field, []).append(
                ValidationError(_("At most 200 characters."), code="max_length")
            )
    if errors:
        raise ValidationError(errors)
    return alt_ko, alt_en


def add_photo(
    *, actor: Actor, space: Space, image: UploadedFile | None, alt_ko: str, alt_en: str = ""
) -> SpacePhoto:
    """The upload is checked and re-encoded (sharehub.core.images); a Korean text alternative is
    required. The photo goes last."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        errors: dict[str, list[Any]] = {}
        try:
            alt_ko, alt_en = _photo_text(alt_ko, alt_en)
        except ValidationError as error:
            _add(errors, error)
        count = space.photos.count()
        if count >= MAX_PHOTOS:
            raise field_error(
                "image",
                _("A space can have at most %(count)s photos.") % {"count": MAX_PHOTOS},
                code="max",
            )
        content = None
        if image is None:
            errors.setdefault("image", []).append(
                ValidationError(_("Choose a photo to upload."), code="required")
            )
        elif not errors:  # an upload counts against the person's budget only when it may be kept
            try:
                content = prepare_image(
                    image,
                    actor=user,
                    field="image",
                    max_bytes=PHOTO_MAX_BYTES,
                    max_side=PHOTO_MAX_SIDE,
                )
            except ValidationError as error:
                _add(errors, error)
        if errors or content is None:
            raise ValidationError(errors)
        last = space.photos.order_by("-order").values_list("order", flat=True).first()
        photo = SpacePhoto(
            space=space, image=content, alt_ko=alt_ko, alt_en=alt_en, order=(last or 0) + 1
        )
        photo.save()
        log_action(actor=user, action=ACTION + "photo_add", target=space, data={"photo": photo.pk})
    return photo


def _photo_of(space: Space, photo_id: int) -> SpacePhoto:
    photo = space.photos.filter(pk=photo_id).first()
    if photo is None:
        raise field_error("photo", _("This space has no such photo."), code="not_found")
    return photo


def update_photo(
    *, actor: Actor, space: Space, photo_id: int, alt_ko: str, alt_en: str = ""
) -> SpacePhoto:
    """A photo's text alternatives (a different picture is a new photo)."""
    alt_ko, alt_en = _photo_text(alt_ko, alt_en)
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        photo = _photo_of(space, photo_id)
        photo.alt_ko, photo.alt_en = alt_ko, alt_en
        photo.save(update_fields=["alt_ko", "alt_en"])
        log_action(actor=user, action=ACTION + "photo_edit", target=space, data={"photo": photo.pk})
    return photo


def delete_photo(*, actor: Actor, space: Space, photo_id: int) -> None:
    """The file goes once the deletion has committed."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        photo = _photo_of(space, photo_id)
        name, storage = photo.image.name, photo.image.storage
        photo.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        log_action(
            actor=user, action=ACTION + "photo_delete", target=space, data={"photo": photo_id}
        )


def _put_in_order(user: User, space: Space, order: Sequence[int]) -> None:
    photos = {p.pk: p for p in space.photos.all()}
    if sorted(order) != sorted(photos):
        raise field_error("order", _("List every photo of the space once."), code="invalid")
    for position, pk in enumerate(order, start=1):
        photos[pk].order = position
    SpacePhoto.objects.bulk_update(photos.values(), ["order"])
    log_action(actor=user, action=ACTION + "photo_order", target=space, data={"order": list(order)})


def reorder_photos(*, actor: Actor, space: Space, order: Sequence[int]) -> None:
    """Put the photos in this order (every photo of the space, each once, by id)."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        _put_in_order(user, space, order)


def move_photo(*, actor: Actor, space: Space, photo_id: int, up: bool) -> None:
    """One step earlier or later (the page's buttons); at either end nothing changes."""
    with transaction.atomic(durable=True):
        space = lock(space)
        user = _require_space_staff(actor, space)
        ids = list(space.photos.order_by("order", "pk").values_list("pk", flat=True))
        if photo_id not in ids:
            raise field_error("photo", _("This space has no such photo."), code="not_found")
        i = ids.index(photo_id)
        j = i - 1 if up else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            _put_in_order(user, space, ids)
