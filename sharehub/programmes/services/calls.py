"""Support programmes: the calls part's services (lock order: services/__init__.py).

City staff (`permissions.runs_programmes`) create calls and name each one's staff; a call's staff
(and city staff) edit it. A call's rows (tracks, the application form's fields, the evaluation
criteria) are saved all at once or not at all, and a refused row is named in the error by its key
`<rows>-<index>-<field>` (the names a formset gives its inputs, so a page shows each message next
to its input and the API names the row). Rows carry their id: a row kept keeps its id, because
applications point to tracks, answers are kept under a field's key and scores name a criterion.
Once a call has applications its fields and criteria stay (they may be edited, not removed), and
its budget never goes below what it has awarded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from sharehub.accounts.models import User
from sharehub.accounts.roles import is_city_staff, signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.forms import field_error
from sharehub.core.locking import lock
from sharehub.core.rows import RowErrors
from sharehub.core.sanitize import check_rich_text, clean_html
from sharehub.core.slugs import short_slug
from sharehub.core.uploads import accept_attribute, check_document
from sharehub.notifications.services import notify
from sharehub.organizations.models import OrganizationKind
from sharehub.places.models import District
from sharehub.programmes.models import (
    Application,
    Call,
    CallDocument,
    CallFollow,
    Criterion,
    FieldKind,
    FormField,
    Track,
    TrackKind,
)
from sharehub.programmes.notices import DEADLINE_KIND
from sharehub.programmes.permissions import runs_programmes
from sharehub.programmes.search_index import reindex_call
from sharehub.programmes.selectors.calls import due_reminders, parse_options
from sharehub.programmes.services import require_call_staff
from sharehub.programmes.services.review import refresh_call_review_figures

ACTION = "programmes.call_"
# First path segments of the app's own pages under /support/: a call with one of these addresses
# would hide them (or be hidden by them).
RESERVED_SLUGS = frozenset(
    {"applications", "manage", "reviews", "awards", "reports", "feed", "new", "awards.csv"}
)
MAX_ROWS = 50
MAX_STAFF = 20
MAX_DOCUMENTS = 20
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DOCUMENT_EXTENSIONS = ("pdf", "hwp", "hwpx", "docx", "pptx", "zip", "png", "jpg", "jpeg")
DOCUMENT_ACCEPT = accept_attribute(DOCUMENT_EXTENSIONS)
REMIND_DAYS = 3

# What staff edit on a call (the slug stays: its address is printed and linked).
CALL_FIELDS = (
    "title_ko",
    "title_en",
    "summary_ko",
    "summary_en",
    "body_ko",
    "body_en",
    "kind",
    "total_budget",
    "award_cap",
    "designated_only",
    "organization_kinds",
    "opens_at",
    "closes_at",
    "editable_after_submission",
    "reviews_per_application",
    "auto_review_when_screened",
    "auto_committee_when_reviewed",
    "committee",
    "interim_report_due",
    "final_report_due",
)
RICH_FIELDS = ("body_ko", "body_en")
_TRANSLATED = ("title", "summary", "body")
_NULLABLE = {"committee", "interim_report_due", "final_report_due", "opens_at", "closes_at"}
# Kinds whose limits mean something: characters for text, the value for numbers.
_LENGTH_KINDS = {FieldKind.TEXT, FieldKind.LONG_TEXT}
_VALUE_KINDS = {FieldKind.NUMBER, FieldKind.MONEY}

REMINDER_TITLE = gettext_lazy("Closing soon: %(call)s")
REMINDER_BODY = gettext_lazy(
    "Applications to “%(call)s”, a call you follow, close on %(closes)s. Submit yours before "
    "then: the deadline is not extended."
)


@dataclass(frozen=True)
class TrackRow:
    name_ko: str
    kind: str
    name_en: str = ""
    themes_ko: str = ""
    themes_en: str = ""
    award_cap: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class FieldRow:
    key: str
    label_ko: str
    kind: str
    label_en: str = ""
    help_text_ko: str = ""
    help_text_en: str = ""
    required: bool = True
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    choices: str = ""
    id: int | None = None


@dataclass(frozen=True)
class CriterionRow:
    name_ko: str
    weight: int
    name_en: str = ""
    description_ko: str = ""
    description_en: str = ""
    id: int | None = None


# --- permissions ---------------------------------------------------------------------------------


def _require_runs_programmes(actor: Actor) -> User:
    user = signed_in_user(actor)
    if not runs_programmes(user):
        raise PermissionDenied(_("Only city staff may do this."))
    return user


# --- the call itself -----------------------------------------------------------------------------


def city_time(value: datetime.datetime | None) -> datetime.datetime | None:
    """A time without a zone is the city's (Asia/Seoul), whoever sends it."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, ZoneInfo(settings.TIME_ZONE))
    return value


def _clean(name: str, value: Any) -> Any:
    if name in RICH_FIELDS:
        return clean_html(value or "").strip()
    if name in ("opens_at", "closes_at"):
        return city_time(value)
    if name == "organization_kinds":
        return sorted(set(value or ()))
    if isinstance(value, str):
        return value.strip()
    if value is None and name not in _NULLABLE:
        return ""
    return value


def _add(errors: dict[str, list[Any]], error: ValidationError) -> None:
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def _rule_errors(call: Call, *, cap_changed: bool) -> dict[str, list[Any]]:
    """The call's own consistency, said on the field to change (the model's constraints would only
    say "not valid")."""
    errors: dict[str, list[Any]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not (call.title_ko or "").strip():
        refuse("title_ko", _("Give the call a title in Korean."), "required")
    if call.opens_at is None:
        refuse("opens_at", _("Say when applications open."), "required")
    if call.closes_at is None:
        refuse("closes_at", _("Say when applications close."), "required")
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        refuse("closes_at", _("The call must close after it opens."), "order")
    budget, cap = call.total_budget, call.award_cap
    if isinstance(budget, int) and isinstance(cap, int) and cap > budget:
        refuse("award_cap", _("The cap per award cannot exceed the total budget."), "over_budget")
    if isinstance(budget, int) and budget < call.awarded_total:
        refuse(
            "total_budget",
            _("The call has already awarded ₩%(awarded)s: the budget cannot be lower.")
            % {"awarded": f"{call.awarded_total:,}"},
            "below_awarded",
        )
    kinds = call.organization_kinds
    if not isinstance(kinds, list) or set(kinds) - set(OrganizationKind.values):
        refuse("organization_kinds", _("Choose kinds of organization from the list."), "invalid")
    interim, final = call.interim_report_due, call.final_report_due
    if interim and final and final < interim:
        refuse(
            "final_report_due", _("The final report cannot be due before the interim one."), "order"
        )
    if call.pk and cap_changed and isinstance(cap, int):
        over = [t for t in call.tracks.all() if t.award_cap and t.award_cap > cap]
        if over:
            refuse(
                "award_cap",
                _("The track “%(track)s” has a higher cap (₩%(cap)s): lower it first.")
                % {"track": over[0].name, "cap": f"{over[0].award_cap:,}"},
                "below_track",
            )
    return errors


def _validate(call: Call, *, cap_changed: bool = False) -> None:
    errors = _rule_errors(call, cap_changed=cap_changed)
    exclude = [f"{name}_{lang}" for name in _TRANSLATED for lang in ("ko", "en")]
    try:
        call.full_clean(exclude=[*_TRANSLATED, *exclude, "slug"], validate_constraints=False)
    except ValidationError as error:
        _add(errors, error)
    for name in ("title_ko", "title_en", "summary_ko", "summary_en", "body_ko", "body_en"):
        limit = getattr(Call._meta.get_field(name), "max_length", None)
        value = getattr(call, name) or ""
        if limit and len(value) > limit:
            errors.setdefault(name, []).append(
                ValidationError(
                    _("At most %(count)s characters.") % {"count": limit},
                    code="max_length",
                )
            )
    if not errors:
        try:
            call.validate_constraints()
        except ValidationError as error:
            _add(errors, error)
    if errors:
        raise ValidationError(errors)


def _check_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise field_error(
            "slug", _("This address name is used by the hub's own pages."), code="reserved"
        )
    if slug != slugify(slug) or len(slug) > 80:
        raise field_error(
            "slug", _("Use lower-case letters, digits and hyphens only."), code="invalid"
        )


def _free_slug(base: str) -> str:
    base = (base or "call")[:70].strip("-") or "call"
    if base in RESERVED_SLUGS:
        base = f"{base}-call"
    taken = set(Call.objects.filter(slug__startswith=base).values_list("slug", flat=True)[:1000])
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _staff(actor: User, call: Call, staff: Iterable[User] | None) -> list[str]:
    """Name the call's staff (city staff only, and only city staff may be named)."""
    if staff is None:
        return []
    chosen = {u.pk: u for u in staff}
    before = set(call.staff.values_list("pk", flat=True)) if call.pk else set()
    if set(chosen) == before:
        return []
    if not runs_programmes(actor):
        raise PermissionDenied(_("Only city staff may name a call's staff."))
    if len(chosen) > MAX_STAFF:
        raise field_error(
            "staff", _("At most %(count)s people.") % {"count": MAX_STAFF}, code="max"
        )
    if any(not (u.is_active and is_city_staff(u)) for u in chosen.values()):
        raise field_error("staff", _("Choose the call's staff among city staff."), code="invalid")
    call.staff.set(chosen.values())
    return ["staff"]


def _districts(call: Call, districts: Iterable[District] | None) -> list[str]:
    if districts is None:
        return []
    chosen = {d.pk: d for d in districts}
    if call.pk and set(chosen) == set(call.districts.values_list("pk", flat=True)):
        return []
    call.districts.set(chosen.values())
    return ["districts"]


def _has_applications(call: Call) -> bool:
    return Application.objects.filter(call=call).exists()


def _apply_rows(
    user: User,
    call: Call,
    *,
    tracks: Sequence[TrackRow] | None,
    form_fields: Sequence[FieldRow] | None,
    criteria: Sequence[CriterionRow] | None,
) -> list[str]:
    """Each list given replaces its rows; the errors of every list together."""
    errors: dict[str, list[Any]] = {}
    done: list[str] = []

    def run(name: str, replace: Callable[[], None]) -> None:
        try:
            replace()
            done.append(name)
        except ValidationError as error:
            _add(errors, error)

    if tracks is not None:
        run("tracks", lambda: _replace_tracks(call, tracks))
    if form_fields is not None:
        run("fields", lambda: _replace_fields(call, form_fields))
    if criteria is not None:
        run("criteria", lambda: _replace_criteria(call, criteria))
    if errors:
        raise ValidationError(errors)
    return done


def create_call(
    *,
    actor: Actor,
    slug: str = "",
    districts: Iterable[District] | None = None,
    staff: Iterable[User] | None = None,
    tracks: Sequence[TrackRow] | None = None,
    form_fields: Sequence[FieldRow] | None = None,
    criteria: Sequence[CriterionRow] | None = None,
    **fields: Any,
) -> Call:
    """City staff add a call, unpublished. `slug` empty: made from the English (else the
    romanized Korean) title. Rows given are saved with it, all or nothing."""
    slug = (slug or "").strip().lower()
    with transaction.atomic(durable=True):
        user = _require_runs_programmes(actor)
        unknown = set(fields) - set(CALL_FIELDS)
        if unknown:
            raise TypeError(f"not editable: {sorted(unknown)}")
        check_rich_text(fields, RICH_FIELDS)
        call = Call(created_by=user)
        apply_changes(call, fields=CALL_FIELDS, data=fields, clean=_clean)
        if slug:
            _check_slug(slug)
        call.slug = slug or _free_slug(short_slug(call.title_en, call.title_ko, max_length=60))
        _validate(call)
        try:
            with transaction.atomic():  # a concurrent twin with the same address: a field error
                call.save()
        except IntegrityError as error:
            raise field_error(
                "slug", _("Another call has this address name."), code="unique"
            ) from error
        _districts(call, districts)
        _staff(user, call, staff)
        _apply_rows(user, call, tracks=tracks, form_fields=form_fields, criteria=criteria)
        log_action(actor=user, action=ACTION + "create", target=call, data={"slug": call.slug})
    return call


def update_call(
    *,
    actor: Actor,
    call: Call,
    districts: Iterable[District] | None = None,
    staff: Iterable[User] | None = None,
    tracks: Sequence[TrackRow] | None = None,
    form_fields: Sequence[FieldRow] | None = None,
    criteria: Sequence[CriterionRow] | None = None,
    **changes: Any,
) -> Call:
    """The call's staff (or city staff) change it; only what is given changes. Naming its staff
    is city staff's. Under the call's row lock, so the budget is checked against what is awarded."""
    with transaction.atomic(durable=True):
        call = lock(call)
        user = require_call_staff(actor, call)
        check_rich_text(changes, RICH_FIELDS)
        changed = apply_changes(call, fields=CALL_FIELDS, data=changes, clean=_clean)
        _validate(call, cap_changed="award_cap" in changed)
        call.save()
        changed += _districts(call, districts)
        changed += _staff(user, call, staff)
        changed += _apply_rows(
            user, call, tracks=tracks, form_fields=form_fields, criteria=criteria
        )
        if call.is_published and "tracks" in changed and not call.tracks.exists():
            raise field_error(
                "tracks", _("A published call needs at least one track."), code="required"
            )
        reindex_call(call)
        log_action(actor=user, action=ACTION + "update", target=call, data={"fields": changed})
    return call


# --- rows ----------------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    return (value or "").strip()


def _start_rows(prefix: str, rows: Sequence[object], existing: dict[int, Any]) -> RowErrors:
    errors = RowErrors(prefix)
    if len(rows) > MAX_ROWS:
        errors.add(None, "", _("At most %(count)s rows.") % {"count": MAX_ROWS}, "max")
        errors.raise_any()
    seen: set[int] = set()
    for i, row in enumerate(rows):
        pk = getattr(row, "id", None)
        if pk is None:
            continue
        if pk not in existing or pk in seen:
            errors.add(i, "id", _("This row is not one of this call's."), "unknown")
        seen.add(pk)
    return errors


def _check_length(errors: RowErrors, i: int, field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.add(i, field, _("At most %(count)s characters.") % {"count": limit}, "max_length")


def _replace_tracks(call: Call, rows: Sequence[TrackRow]) -> None:
    existing = {t.pk: t for t in call.tracks.all()}
    errors = _start_rows("tracks", rows, existing)
    for i, row in enumerate(rows):
        if not _text(row.name_ko):
            errors.add(i, "name_ko", _("Name the track in Korean."), "required")
        for field, limit in (("name_ko", 120), ("name_en", 120)):
            _check_length(errors, i, field, _text(getattr(row, field)), limit)
        for field in ("themes_ko", "themes_en"):
            _check_length(errors, i, field, _text(getattr(row, field)), 2000)
        if row.kind not in TrackKind.values:
            errors.add(i, "kind", _("Choose themed or free."), "invalid_choice")
        elif row.kind == TrackKind.THEMED and not _text(row.themes_ko):
            errors.add(i, "themes_ko", _("A themed track names its themes."), "required")
        if row.award_cap is not None and row.award_cap < 1:
            errors.add(i, "award_cap", _("Give a cap above ₩0, or leave it empty."), "min_value")
        elif row.award_cap is not None and row.award_cap > call.award_cap:
            errors.add(
                i,
                "award_cap",
                _("A track's cap cannot exceed the call's (₩%(cap)s).")
                % {"cap": f"{call.award_cap:,}"},
                "over_cap",
            )
    kept = {row.id for row in rows if row.id is not None}
    for pk, track in existing.items():
        if pk not in kept and track.applications.exists():
            errors.add(
                None,
                "",
                _("The track “%(track)s” has applications: it cannot be removed.")
                % {"track": track.name},
                "in_use",
            )
    errors.raise_any()
    Track.objects.filter(call=call).exclude(pk__in=kept).delete()
    for order, row in enumerate(rows, start=1):
        track = existing[row.id] if row.id is not None else Track(call=call)
        track.name_ko, track.name_en = _text(row.name_ko), _text(row.name_en)
        track.themes_ko, track.themes_en = _text(row.themes_ko), _text(row.themes_en)
        track.kind, track.award_cap, track.order = row.kind, row.award_cap, order
        track.save()


# The application form's own fields: a question may not take their names.
RESERVED_FIELD_KEYS = frozenset({"title", "requested_amount", "track", "organization"})


def _check_field_row(errors: RowErrors, i: int, row: FieldRow) -> None:
    key = _text(row.key)
    if not key:
        errors.add(i, "key", _("Give the question a key."), "required")
    elif key != slugify(key) or len(key) > 40:
        errors.add(
            i, "key", _("Use lower-case letters, digits, hyphens and underscores."), "invalid"
        )
    elif key in RESERVED_FIELD_KEYS:
        errors.add(i, "key", _("This key is taken by the application itself."), "reserved")
    if not _text(row.label_ko):
        errors.add(i, "label_ko", _("Write the question in Korean."), "required")
    for field, limit in (
        ("label_ko", 200),
        ("label_en", 200),
        ("help_text_ko", 500),
        ("help_text_en", 500),
        ("choices", 4000),
    ):
        _check_length(errors, i, field, _text(getattr(row, field)), limit)
    if row.kind not in FieldKind.values:
        errors.add(i, "kind", _("Choose a kind of answer."), "invalid_choice")
        return
    if row.kind in _VALUE_KINDS:
        low, high = row.min_value, row.max_value
        if row.kind == FieldKind.MONEY and low is not None and low < 0:
            errors.add(i, "min_value", _("An amount cannot be below ₩0."), "min_value")
        if low is not None and high is not None and low > high:
            errors.add(i, "max_value", _("The maximum cannot be below the minimum."), "order")
    if row.kind in _LENGTH_KINDS and row.max_length is not None and row.max_length < 1:
        errors.add(i, "max_length", _("Give a length of at least 1, or none."), "min_value")
    if row.kind == FieldKind.CHOICE:
        try:
            options = parse_options(row.choices)
        except ValueError as problem:
            errors.add(i, "choices", str(problem), "invalid")
        else:
            if not options:
                errors.add(i, "choices", _("A choice needs its options, one a line."), "required")


def _replace_fields(call: Call, rows: Sequence[FieldRow]) -> None:
    existing = {f.pk: f for f in call.fields.all()}
    errors = _start_rows("fields", rows, existing)
    keys: set[str] = set()
    locked = _has_applications(call)
    for i, row in enumerate(rows):
        _check_field_row(errors, i, row)
        key = _text(row.key)
        if key in keys:
            errors.add(i, "key", _("Another question has this key."), "duplicate")
        keys.add(key)
        before = existing.get(row.id) if row.id is not None else None
        if locked and before is not None:
            if before.key != key:
                errors.add(i, "key", _("Applications answer this key: it cannot change."), "locked")
            if before.kind != row.kind:
                errors.add(
                    i,
                    "kind",
                    _("Applications answered this question: its kind cannot change."),
                    "locked",
                )
    kept = {row.id for row in rows if row.id is not None}
    if locked:
        for pk, field in existing.items():
            if pk not in kept:
                errors.add(
                    None,
                    "",
                    _(
                        "The call has applications: the question “%(question)s” cannot be "
                        "removed (change its wording instead)."
                    )
                    % {"question": field.label},
                    "in_use",
                )
    errors.raise_any()
    FormField.objects.filter(call=call).exclude(pk__in=kept).delete()
    # Keys are unique per call: free the kept rows' keys first, so two rows may swap theirs.
    for pk in kept:
        FormField.objects.filter(pk=pk).update(key=f"_{pk}")
    for order, row in enumerate(rows, start=1):
        field = existing[row.id] if row.id is not None else FormField(call=call)
        field.key = _text(row.key)
        field.label_ko, field.label_en = _text(row.label_ko), _text(row.label_en)
        field.help_text_ko = _text(row.help_text_ko)
        field.help_text_en = _text(row.help_text_en)
        field.kind, field.required, field.order = row.kind, bool(row.required), order
        values = row.kind in _VALUE_KINDS
        field.min_value = row.min_value if values else None
        field.max_value = row.max_value if values else None
        field.max_length = row.max_length if row.kind in _LENGTH_KINDS else None
        field.choices = _text(row.choices) if row.kind == FieldKind.CHOICE else ""
        field.save()


def _replace_criteria(call: Call, rows: Sequence[CriterionRow]) -> None:
    existing = {c.pk: c for c in call.criteria.all()}
    errors = _start_rows("criteria", rows, existing)
    total = 0
    for i, row in enumerate(rows):
        if not _text(row.name_ko):
            errors.add(i, "name_ko", _("Name the criterion in Korean."), "required")
        for field, limit in (("name_ko", 150), ("name_en", 150)):
            _check_length(errors, i, field, _text(getattr(row, field)), limit)
        for field in ("description_ko", "description_en"):
            _check_length(errors, i, field, _text(getattr(row, field)), 2000)
        if not isinstance(row.weight, int) or not 1 <= row.weight <= 100:
            errors.add(i, "weight", _("From 1 to 100."), "range")
        else:
            total += row.weight
    if rows and not errors.errors and total != 100:
        errors.add(
            None,
            "",
            _("The weights add up to %(total)s: they must add up to 100.") % {"total": total},
            "sum",
        )
    kept = {row.id for row in rows if row.id is not None}
    if _has_applications(call):
        for pk, criterion in existing.items():
            if pk not in kept:
                errors.add(
                    None,
                    "",
                    _("The call has applications: the criterion “%(criterion)s” cannot be removed.")
                    % {"criterion": criterion.name},
                    "in_use",
                )
    elif call.is_published and not rows:
        errors.add(None, "", _("A published call needs its criteria."), "required")
    errors.raise_any()
    Criterion.objects.filter(call=call).exclude(pk__in=kept).delete()
    for order, row in enumerate(rows, start=1):
        criterion = existing[row.id] if row.id is not None else Criterion(call=call)
        criterion.name_ko, criterion.name_en = _text(row.name_ko), _text(row.name_en)
        criterion.description_ko = _text(row.description_ko)
        criterion.description_en = _text(row.description_en)
        criterion.weight, criterion.order = row.weight, order
        criterion.save()
    # Submitted reviews are ranked by their weighted totals: new weights, new totals.
    refresh_call_review_figures(call)


def _replace(actor: Actor, call: Call, name: str, **rows: Any) -> Call:
    with transaction.atomic(durable=True):
        call = lock(call)
        user = require_call_staff(actor, call)
        _apply_rows(user, call, **{"tracks": None, "form_fields": None, "criteria": None, **rows})
        if call.is_published and name == "tracks" and not call.tracks.exists():
            raise field_error(
                "tracks", _("A published call needs at least one track."), code="required"
            )
        count = len(next(iter(rows.values())))
        reindex_call(call)
        log_action(actor=user, action=ACTION + name, target=call, data={"rows": count})
    return call


def replace_tracks(*, actor: Actor, call: Call, rows: Sequence[TrackRow]) -> Call:
    """Replace the call's tracks (a track with applications may change, not go)."""
    return _replace(actor, call, "tracks", tracks=rows)


def replace_fields(*, actor: Actor, call: Call, rows: Sequence[FieldRow]) -> Call:
    """Replace the application form's questions, in this order."""
    return _replace(actor, call, "fields", form_fields=rows)


def replace_criteria(*, actor: Actor, call: Call, rows: Sequence[CriterionRow]) -> Call:
    """Replace the evaluation criteria; their weights add up to 100."""
    return _replace(actor, call, "criteria", criteria=rows)


# --- documents -----------------------------------------------------------------------------------


def add_document(
    *, actor: Actor, call: Call, file: UploadedFile | None, title_ko: str, title_en: str = ""
) -> CallDocument:
    """A document to download with the call (guidelines, forms): checked by its content
    (core.uploads, the upload budget), stored privately under a random name, served by the call's
    page to whoever may see the call."""
    with transaction.atomic(durable=True):
        call = lock(call)
        user = require_call_staff(actor, call)
        title_ko, title_en = _text(title_ko), _text(title_en)
        errors: dict[str, list[Any]] = {}
        if not title_ko:
            errors["title_ko"] = [
                ValidationError(_("Give the document a title in Korean."), code="required")
            ]
        for name, value in (("title_ko", title_ko), ("title_en", title_en)):
            if len(value) > 200:
                errors.setdefault(name, []).append(
                    ValidationError(_("At most 200 characters."), code="max_length")
                )
        if call.documents.count() >= MAX_DOCUMENTS:
            raise field_error(
                "file",
                _("A call can have at most %(count)s documents.") % {"count": MAX_DOCUMENTS},
                code="max",
            )
        if errors:  # a refused title costs no upload budget
            raise ValidationError(errors)
        checked = check_document(
            file,
            actor=user,
            extensions=DOCUMENT_EXTENSIONS,
            max_bytes=DOCUMENT_MAX_BYTES,
            wrong_type=_("Upload a PDF, HWP, HWPX, DOCX, PPTX, ZIP, PNG or JPEG file."),
        )
        document = CallDocument(
            call=call,
            title_ko=title_ko,
            title_en=title_en,
            original_name=checked.name,
            content_type=checked.type.content_type,
            size=checked.size,
        )
        # The file is written before its row: on a rollback it stays under a random name no row
        # points to, so it is never served.
        document.file.save(checked.file.name or checked.name, checked.file, save=False)
        document.save()
        log_action(
            actor=user, action=ACTION + "document_add", target=call, data={"document": document.pk}
        )
    return document


def delete_document(*, actor: Actor, call: Call, document_id: int) -> None:
    """The row goes at once; its file once the deletion has committed."""
    with transaction.atomic(durable=True):
        call = lock(call)
        user = require_call_staff(actor, call)
        document = call.documents.filter(pk=document_id).first()
        if document is None:
            raise field_error("document", _("This call has no such document."), code="not_found")
        name, storage = document.file.name, document.file.storage
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        log_action(
            actor=user,
            action=ACTION + "document_delete",
            target=call,
            data={"document": document_id},
        )


# --- publishing ----------------------------------------------------------------------------------


def publication_problems(
    call: Call, *, now: datetime.datetime | None = None
) -> dict[str, list[ValidationError]]:
    """What keeps a call from being published, on the fields to change (empty when none)."""
    now = now or timezone.now()
    problems: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        problems.setdefault(field, []).append(ValidationError(message, code=code))

    if not call.tracks.exists():
        refuse("tracks", _("Give the call at least one track."), "required")
    weights = list(call.criteria.values_list("weight", flat=True))
    if not weights:
        refuse("criteria", _("Give the call its evaluation criteria."), "required")
    elif sum(weights) != 100:
        refuse(
            "criteria",
            _("The weights add up to %(total)s: they must add up to 100.")
            % {"total": sum(weights)},
            "sum",
        )
    if call.closes_at <= now:
        refuse("closes_at", _("The call's closing time has passed: move it first."), "past")
    return problems


def publish_call(*, actor: Actor, call: Call) -> Call:
    """Make the call public (its page, the list, the feed, search, the API). It needs a track,
    its criteria (weights adding up to 100) and a closing time still ahead."""
    with transaction.atomic(durable=True):
        call = lock(call)
        user = require_call_staff(actor, call)
        if call.is_published:
            return call
        problems = publication_problems(call)
        if problems:
            raise ValidationError(problems)
        call.published_at = timezone.now()
        call.save(update_fields=["published_at", "updated_at"])
        reindex_call(call)
        log_action(actor=user, action=ACTION + "publish", target=call)
    return call


def unpublish_call(*, actor: Actor, call: Call) -> Call:
    """Take the call back from the public, only while no application was submitted to it."""
    with transaction.atomic(durable=True):
        call = lock(call)
        user = require_call_staff(actor, call)
        if not call.is_published:
            return call
        if Application.objects.filter(call=call, submitted_at__isnull=False).exists():
            raise field_error(
                "__all__",
                _("Applications have been submitted to this call: it stays published."),
                code="has_applications",
            )
        call.published_at = None
        call.save(update_fields=["published_at", "updated_at"])
        reindex_call(call)
        log_action(actor=user, action=ACTION + "unpublish", target=call)
    return call


# --- following and reminders ---------------------------------------------------------------------


def follow_call(*, actor: Actor, call: Call) -> CallFollow:
    """The actor follows a published call (twice changes nothing): reminded before it closes."""
    with transaction.atomic(durable=True):
        user = signed_in_user(actor)
        if call.published_at is None or call.published_at > timezone.now():
            raise field_error(
                "__all__", _("Only a published call can be followed."), code="unpublished"
            )
        follow, _created = CallFollow.objects.get_or_create(call=call, user=user)
    return follow


def unfollow_call(*, actor: Actor, call: Call) -> bool:
    """The actor stops following; True when they followed it."""
    with transaction.atomic(durable=True):
        user = signed_in_user(actor)
        deleted, _rows = CallFollow.objects.filter(call=call, user=user).delete()
    return bool(deleted)


def _closing(call: Call) -> str:
    return formats.date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")


def send_deadline_reminders(*, now: datetime.datetime | None = None) -> int:
    """Periodic: tell each follower of an open call once, when it closes within REMIND_DAYS days.
    Exactly once under two workers: the follow's `reminded_at` is claimed by a conditional update
    before anything is sent, in the notice's transaction. Returns how many were reminded."""
    now = now or timezone.now()
    sent = 0
    due = due_reminders(now=now, within=datetime.timedelta(days=REMIND_DAYS))
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic(durable=True):
            claimed = CallFollow.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue  # another worker has it
            follow = CallFollow.objects.select_related("call", "user").get(pk=pk)
            person, call = follow.user, follow.call
            if not person.is_active:
                continue
            with override(person.preferred_language or settings.LANGUAGE_CODE):
                url = call.get_absolute_url()
            notify(
                user=person,
                kind=DEADLINE_KIND,
                title=REMINDER_TITLE,
                body=REMINDER_BODY,
                url=url,
                params={
                    "call": lazy(lambda c=call: c.title, str)(),
                    "closes": lazy(lambda c=call: _closing(c), str)(),
                },
            )
            sent += 1
    return sent


def erase_follows(user: Any) -> None:
    """Deleting an account: the calls it followed forget it."""
    CallFollow.objects.filter(user=user).delete()
