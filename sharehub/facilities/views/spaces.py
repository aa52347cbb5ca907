"""facilities pages: Staff create and edit spaces: details (ko, en), hours, fee table, refund bands, photos.

City staff add spaces and name their staff; a space's staff (and city staff) edit it under
/spaces/manage/<slug>/…, next to its calendar. The public page shows the fee table and the photos
(`detail_extra`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sharehub.accounts.roles import is_city_staff
from sharehub.core.forms import run_action, run_service
from sharehub.core.images import PhotoForm
from sharehub.core.rows import RowFormSet, rows_formset, save_rows
from sharehub.facilities.forms_spaces import (
    BandFormSet,
    FeeFormSet,
    HoursFormSet,
    PhotoTextForm,
    SpaceForm,
    StaffForm,
)
from sharehub.facilities.models import Space
from sharehub.facilities.selectors import spaces as selectors
from sharehub.facilities.services import spaces as services

TEMPLATES = "facilities/manage/spaces/"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool = False
) -> HttpResponse:
    return render(request, TEMPLATES + template, context, status=422 if invalid else 200)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _manage_context(request: HttpRequest, space: Space, current: str) -> dict[str, Any]:
    return {"space": space, "manage_current": current, "may_set_staff": is_city_staff(request.user)}


# --- the space ------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_new(request: HttpRequest) -> HttpResponse:
    if not selectors.may_create_spaces(request.user):
        raise PermissionDenied
    form = SpaceForm(_posted(request))
    if request.method == "POST":
        space = form.is_valid() and run_service(
            form, lambda: services.create_space(actor=request.user, **form.service_fields())
        )
        if space:
            messages.success(
                request,
                _("The space is added, closed for bookings: give it opening hours, then open it."),
            )
            return redirect("facilities:space_hours", slug=space.slug)
    return _page(request, "form.html", {"form": form}, invalid=bool(form.errors))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_edit(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_to_manage(request.user, slug)
    form = SpaceForm(_posted(request), space=space)
    if request.method == "POST":
        fields = form.is_valid() and form.service_fields()
        if fields and run_service(
            form, lambda: services.update_space(actor=request.user, space=space, **fields)
        ):
            messages.success(request, _("The space is saved."))
            return redirect("facilities:space_edit", slug=space.slug)
    context = _manage_context(request, space, "edit") | {"form": form}
    return _page(request, "form.html", context, invalid=bool(form.errors))


@require_POST
@login_required
def space_active(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_to_manage(request.user, slug)
    active = request.POST.get("active") == "1"
    run_action(
        request,
        services.set_active,
        _("The space is open for bookings.")
        if active
        else _("The space is closed to new bookings."),
        space=space,
        active=active,
    )
    return redirect("facilities:space_edit", slug=space.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_staff(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_to_manage(request.user, slug)
    if not is_city_staff(request.user):
        raise PermissionDenied
    initial = {"emails": "\n".join(sorted(u.email for u in space.staff.all()))}
    form = StaffForm(_posted(request), initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.set_staff(actor=request.user, space=space, emails=form.emails_list()),
        )
    ):
        messages.success(request, _("The space's staff are saved."))
        return redirect("facilities:space_staff", slug=space.slug)
    context = _manage_context(request, space, "staff") | {"form": form}
    return _page(request, "staff.html", context, invalid=bool(form.errors))


# --- rows: hours, fees, refunds --------------------------------------------------------------------


def _rows_page(
    request: HttpRequest,
    slug: str,
    *,
    current: str,
    formset_class: type[RowFormSet],
    prefix: str,
    initial: Any,
    replace: Any,
    saved: str,
    title: str,
    intro: str,
) -> HttpResponse:
    space = selectors.space_to_manage(request.user, slug)
    formset = rows_formset(formset_class, _posted(request), initial=initial(space), prefix=prefix)
    done = save_rows(
        request, formset, lambda rows: replace(actor=request.user, space=space, rows=rows), saved
    )
    if done:
        return redirect(f"facilities:space_{current}", slug=space.slug)
    context = _manage_context(request, space, current) | {
        "formset": formset,
        "title": title,
        "intro": intro,
    }
    return _page(request, "rows.html", context, invalid=done is False)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_hours(request: HttpRequest, slug: str) -> HttpResponse:
    return _rows_page(
        request,
        slug,
        current="hours",
        formset_class=HoursFormSet,
        prefix="hours",
        initial=lambda space: [
            {"weekday": h.weekday, "opens": h.opens, "closes": h.closes} for h in space.hours.all()
        ],
        replace=services.replace_hours,
        saved=_("The opening hours are saved."),
        title=_("Opening hours"),
        intro=_(
            "One row per opening period; a day may have several periods, which must not overlap. "
            "A day without a row is closed."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_fees(request: HttpRequest, slug: str) -> HttpResponse:
    return _rows_page(
        request,
        slug,
        current="fees",
        formset_class=FeeFormSet,
        prefix="fees",
        initial=lambda space: [
            {"day_kind": r.day_kind, "starts": r.starts, "amount": r.amount}
            for r in space.fee_rates.all()
        ],
        replace=services.replace_fee_rates,
        saved=_("The fee table is saved."),
        title=_("Fee table"),
        intro=_(
            "From the time in a row, each hour (or block) on that kind of day costs its fee; "
            "before the first row the space's base fee applies. Weekends include public holidays."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_refunds(request: HttpRequest, slug: str) -> HttpResponse:
    return _rows_page(
        request,
        slug,
        current="refunds",
        formset_class=BandFormSet,
        prefix="bands",
        initial=lambda space: [
            {"days_before": b.days_before, "percent": b.percent} for b in space.refund_bands.all()
        ],
        replace=services.replace_refund_bands,
        saved=_("The refund bands are saved."),
        title=_("Refunds when the booker cancels"),
        intro=_(
            "Cancelled at least this many days before the day, the booker gets this share of "
            "what they paid back; later than every band, nothing."
        ),
    )


# --- photos ----------------------------------------------------------------------------------------


def _photos(
    request: HttpRequest,
    space: Space,
    *,
    form: PhotoForm | None = None,
    edited: tuple[int, PhotoTextForm] | None = None,
) -> HttpResponse:
    photos = selectors.photos_of(space)
    forms = {
        p.pk: PhotoTextForm(
            initial={"alt_ko": p.alt_ko, "alt_en": p.alt_en}, prefix=f"photo-{p.pk}"
        )
        for p in photos
    }
    if edited is not None:
        forms[edited[0]] = edited[1]
    context = _manage_context(request, space, "photos") | {
        "form": form or PhotoForm(),
        "photos": [(p, forms[p.pk]) for p in photos],
        "max_photos": services.MAX_PHOTOS,
    }
    invalid = bool((form and form.errors) or (edited and edited[1].errors))
    return _page(request, "photos.html", context, invalid=invalid)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_photos(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_to_manage(request.user, slug)
    if request.method != "POST":
        return _photos(request, space)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form,
        lambda: services.add_photo(
            actor=request.user,
            space=space,
            image=form.cleaned_data["image"],
            alt_ko=form.cleaned_data["alt_ko"],
            alt_en=form.cleaned_data["alt_en"],
        ),
    ):
        messages.success(request, _("The photo is added."))
        return redirect("facilities:space_photos", slug=space.slug)
    return _photos(request, space, form=form)


@require_POST
@login_required
def photo_edit(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    space = selectors.space_to_manage(request.user, slug)
    form = PhotoTextForm(request.POST, prefix=f"photo-{photo_id}")
    if form.is_valid() and run_service(
        form,
        lambda: services.update_photo(
            actor=request.user, space=space, photo_id=photo_id, **form.cleaned_data
        ),
    ):
        messages.success(request, _("The photo's text is saved."))
        return redirect("facilities:space_photos", slug=space.slug)
    if not any(p.pk == photo_id for p in selectors.photos_of(space)):
        return redirect("facilities:space_photos", slug=space.slug)
    return _photos(request, space, edited=(photo_id, form))


@require_POST
@login_required
def photo_delete(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    space = selectors.space_to_manage(request.user, slug)
    run_action(
        request, services.delete_photo, _("The photo is removed."), space=space, photo_id=photo_id
    )
    return redirect("facilities:space_photos", slug=space.slug)


@require_POST
@login_required
def photo_move(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    space = selectors.space_to_manage(request.user, slug)
    run_action(
        request,
        services.move_photo,
        space=space,
        photo_id=photo_id,
        up=request.POST.get("direction") == "up",
    )
    return redirect(reverse("facilities:space_photos", kwargs={"slug": space.slug}) + "#photos")


urlpatterns: list[URLPattern] = [
    path("manage/spaces/new/", space_new, name="space_new"),
    path("manage/<slug:slug>/edit/", space_edit, name="space_edit"),
    path("manage/<slug:slug>/active/", space_active, name="space_active"),
    path("manage/<slug:slug>/staff/", space_staff, name="space_staff"),
    path("manage/<slug:slug>/hours/", space_hours, name="space_hours"),
    path("manage/<slug:slug>/fees/", space_fees, name="space_fees"),
    path("manage/<slug:slug>/refunds/", space_refunds, name="space_refunds"),
    path("manage/<slug:slug>/photos/", space_photos, name="space_photos"),
    path("manage/<slug:slug>/photos/<int:photo_id>/", photo_edit, name="space_photo"),
    path(
        "manage/<slug:slug>/photos/<int:photo_id>/delete/", photo_delete, name="space_photo_delete"
    ),
    path("manage/<slug:slug>/photos/<int:photo_id>/move/", photo_move, name="space_photo_move"),
]


# --- the shared pages' additions (views/parts.py) --------------------------------------------------


def detail_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    """The public page: the fee table and the photos."""
    return {
        "fee_table": selectors.public_fee_table(space),
        "space_photos": selectors.photos_of(space),
    }


def calendar_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    """The staff calendar: links to edit the space."""
    return {"manage_current": "calendar", "may_set_staff": is_city_staff(request.user)}


def queue_extra(request: HttpRequest) -> dict[str, Any]:
    """The staff's queue: city staff add spaces from there."""
    return {"may_create_spaces": selectors.may_create_spaces(request.user)}
