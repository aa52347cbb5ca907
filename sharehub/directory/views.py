"""Directory pages: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from sharehub.core.forms import apply_errors
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes

from . import exports, imports, selectors, services
from .filters import parse_filters
from .forms import (
    AddressForm,
    CategoryForm,
    CorrectionSuggestionForm,
    CsvImportForm,
    ListingFilterForm,
    ListingForm,
    NewListingSuggestionForm,
    NewServiceSuggestionForm,
    PhotoEditForm,
    PhotoForm,
    ServiceForm,
)
from .geojson import feature_collection
from .models import Category, Listing, ListingAddress, ListingPhoto, Service, SuggestionKind
from .permissions import can_edit_listing, can_manage_directory
from .suggestions import submit_suggestion


def _designations(listings: list[Listing]) -> dict:
    return selectors.designations_for(listings) if listings else {}


@require_safe
def listing_list(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request.GET)
    browse = selectors.browse_listings(filters)
    page = paginate(request, browse.queryset)
    listings = list(page.object_list)
    for listing in listings:
        listing.highlight = browse.highlights.get(listing.pk, "")
        listing.distance_km = selectors.distance_km(getattr(listing, "distance_d2", None))
    page.object_list = listings
    context = {
        "page": page,
        "query": querystring_without_page(request),
        "filters": filters,
        "designations": _designations(listings),
        "filter_form": ListingFilterForm(request.GET or None, errors=filters.errors),
    }
    template = "directory/list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "directory/list.html#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def listing_map(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request.GET)
    city = settings.SHAREHUB_CITY
    return render(
        request,
        "directory/map.html",
        {
            "filters": filters,
            "filter_form": ListingFilterForm(request.GET or None, errors=filters.errors),
            "query": request.GET.urlencode(),
            "center": f"{float(city['map_center'][0])},{float(city['map_center'][1])}",
            "zoom": str(city["map_zoom"]),
            "tile_url": settings.SHAREHUB_TILE_URL,
            "tile_attribution": settings.SHAREHUB_TILE_ATTRIBUTION,
            "max_features": selectors.GEOJSON_MAX_FEATURES,
        },
    )


@require_safe
def listings_geojson(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request.GET)
    if filters.errors:
        return HttpResponse(
            json.dumps(
                {"detail": _("Some fields are not valid."), "errors": filters.errors},
                ensure_ascii=False,
            ),
            status=422,
            content_type="application/json",
        )
    return HttpResponse(
        json.dumps(feature_collection(filters), ensure_ascii=False),
        content_type="application/geo+json",
    )


@require_safe
def listing_detail(request: HttpRequest, slug: str) -> HttpResponse:
    listing = selectors.listing_detail(selectors.get_listing_for(request.user, slug))
    city = settings.SHAREHUB_CITY
    located = [a for a in listing.addresses.all() if a.has_coordinates]
    center = (located[0].latitude, located[0].longitude) if located else city["map_center"]
    return render(
        request,
        "directory/detail.html",
        {
            "listing": listing,
            "organization": listing.organization,
            "can_edit": can_edit_listing(request.user, listing.organization),
            "located": located,
            "map_points": json.dumps(
                [
                    {"lat": a.latitude, "lon": a.longitude, "name": a.label or a.address}
                    for a in located
                ],
                ensure_ascii=False,
            ),
            "center": f"{float(center[0])},{float(center[1])}",
            "tile_url": settings.SHAREHUB_TILE_URL,
            "tile_attribution": settings.SHAREHUB_TILE_ATTRIBUTION,
        },
    )


def _editable(request: HttpRequest, slug: str):
    """The organization if the user may edit its listing: 404 when they cannot see it, else 403."""
    organization = selectors.get_organization_for_listing(request.user, slug)
    if not can_edit_listing(request.user, organization):
        raise PermissionDenied
    return organization


@login_required
def listing_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _editable(request, slug)
    listing = services.ensure_listing(actor=request.user, organization=organization)
    form = ListingForm(request.POST or None, instance=Listing.objects.get(pk=listing.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_listing(
                actor=request.user, organization=organization, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("directory:manage", slug=slug)
    return render(
        request,
        "directory/edit.html",
        {"form": form, "organization": organization, "listing": listing},
    )


@login_required
def listing_manage(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _editable(request, slug)
    listing = selectors.listing_detail(
        services.ensure_listing(actor=request.user, organization=organization)
    )
    return render(
        request,
        "directory/manage.html",
        {
            "organization": organization,
            "listing": listing,
            "service_form": ServiceForm(),
            "address_form": AddressForm(),
            "photo_form": PhotoForm(),
        },
    )


def _manage_action(
    request: HttpRequest, slug: str, form_class, action, success: str, form_name: str, **kwargs
) -> HttpResponse:
    organization = _editable(request, slug)
    form = form_class(request.POST, request.FILES) if form_class is not None else None
    if form is None or form.is_valid():
        try:
            fields = (
                form.service_fields()
                if hasattr(form, "service_fields")
                else (dict(form.cleaned_data) if form else {})
            )
            action(actor=request.user, organization=organization, **fields, **kwargs)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("directory:manage", slug=slug)
            apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("directory:manage", slug=slug)
    listing = selectors.listing_detail(
        services.ensure_listing(actor=request.user, organization=organization)
    )
    context = {
        "organization": organization,
        "listing": listing,
        "service_form": ServiceForm(),
        "address_form": AddressForm(),
        "photo_form": PhotoForm(),
        form_name: form,
    }
    return render(request, "directory/manage.html", context, status=400)


@login_required
@require_POST
def service_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _manage_action(
        request,
        slug,
        ServiceForm,
        services.create_service,
        _("The service has been added."),
        "service_form",
    )


def _edit_part(
    request: HttpRequest, slug: str, *, model, pk: int, form_class, update, id_name: str, title: str
) -> HttpResponse:
    """Edit one service, address or photo of the listing (404 when it belongs to another)."""
    organization = _editable(request, slug)
    part = get_object_or_404(model, pk=pk, listing__organization=organization)
    form = form_class(request.POST or None, instance=part)
    if request.method == "POST" and form.is_valid():
        try:
            update(
                actor=request.user,
                organization=organization,
                **{id_name: pk},
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("directory:manage", slug=slug)
    return render(
        request,
        "directory/part_form.html",
        {"form": form, "organization": organization, "part": part, "title": title},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def service_edit(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    return _edit_part(
        request,
        slug,
        model=Service,
        pk=service_id,
        form_class=ServiceForm,
        update=services.update_service,
        id_name="service_id",
        title=_("Edit service"),
    )


@login_required
def address_edit(request: HttpRequest, slug: str, address_id: int) -> HttpResponse:
    return _edit_part(
        request,
        slug,
        model=ListingAddress,
        pk=address_id,
        form_class=AddressForm,
        update=services.update_address,
        id_name="address_id",
        title=_("Edit address"),
    )


@login_required
def photo_edit(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    return _edit_part(
        request,
        slug,
        model=ListingPhoto,
        pk=photo_id,
        form_class=PhotoEditForm,
        update=services.update_photo,
        id_name="photo_id",
        title=_("Edit photo"),
    )


@login_required
@require_POST
def service_delete(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    return _manage_action(
        request,
        slug,
        None,
        services.delete_service,
        _("The service has been removed."),
        "",
        service_id=service_id,
    )


@login_required
@require_POST
def address_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _manage_action(
        request,
        slug,
        AddressForm,
        services.add_address,
        _("The address has been added."),
        "address_form",
    )


@login_required
@require_POST
def address_delete(request: HttpRequest, slug: str, address_id: int) -> HttpResponse:
    return _manage_action(
        request,
        slug,
        None,
        services.delete_address,
        _("The address has been removed."),
        "",
        address_id=address_id,
    )


@login_required
@require_POST
@ratelimit_writes("directory-photo", "30/h")
def photo_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _manage_action(
        request, slug, PhotoForm, services.add_photo, _("The photo has been added."), "photo_form"
    )


@login_required
@require_POST
def photo_delete(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    return _manage_action(
        request,
        slug,
        None,
        services.delete_photo,
        _("The photo has been removed."),
        "",
        photo_id=photo_id,
    )


SUGGESTION_FORMS = {
    SuggestionKind.NEW_SERVICE: NewServiceSuggestionForm,
    SuggestionKind.CORRECTION: CorrectionSuggestionForm,
}


def _suggest(
    request: HttpRequest, *, kind: str, form_class, listing: Listing | None
) -> HttpResponse:
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = submit_suggestion(
                actor=request.user,
                kind=kind,
                listing=listing,
                values=form.values(),
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you. A moderator will review your suggestion."))
            return redirect(suggestion)
    return render(
        request,
        "directory/suggest.html",
        {"form": form, "listing": listing, "kind_label": SuggestionKind(kind).label},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@ratelimit_writes("directory-suggest", "20/h")
def suggest_listing(request: HttpRequest) -> HttpResponse:
    return _suggest(
        request, kind=SuggestionKind.NEW_LISTING, form_class=NewListingSuggestionForm, listing=None
    )


@login_required
@ratelimit_writes("directory-suggest", "20/h")
def suggest_for_listing(request: HttpRequest, slug: str) -> HttpResponse:
    listing = selectors.get_listing_for(request.user, slug)
    kind = request.GET.get("kind", SuggestionKind.CORRECTION)
    if kind not in SUGGESTION_FORMS:
        raise Http404
    return _suggest(request, kind=kind, form_class=SUGGESTION_FORMS[kind], listing=listing)


@login_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = selectors.get_suggestion_for(request.user, pk)
    return render(
        request,
        "directory/suggestion.html",
        {"suggestion": suggestion, "values": sorted(suggestion.payload.items())},
    )


def _require_staff(request: HttpRequest) -> None:
    if not can_manage_directory(request.user):
        raise PermissionDenied


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_category(actor=request.user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The category has been created."))
            return redirect("directory:categories")
    return render(
        request,
        "directory/categories.html",
        {"categories": selectors.all_categories(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    category = get_object_or_404(Category, pk=pk)
    form = CategoryForm(request.POST or None, instance=Category.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_category(actor=request.user, category=category, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("directory:categories")
    return render(request, "directory/category_form.html", {"form": form, "category": category})


@login_required
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    return exports.streaming_export()


def _import_page(
    request: HttpRequest, *, form: CsvImportForm, parsed=None, pending=None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "directory/import.html",
        {
            "form": form,
            "parsed": parsed,
            "pending": pending,
            "columns": [(name, imports.COLUMN_HELP[name]) for name in exports.COLUMNS],
            "max_rows": imports.MAX_ROWS,
            "max_mb": imports.MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
def import_csv(request: HttpRequest) -> HttpResponse:
    """Step 1: upload; the answer is the preview of every row, with its errors by column."""
    _require_staff(request)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_page(request, form=form)
    parsed = pending = None
    if form.is_valid():
        try:
            parsed, pending = imports.upload_import(
                actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_errors(form, error)
    valid = parsed is not None and parsed.is_valid
    return _import_page(
        request, form=form, parsed=parsed, pending=pending, status=200 if valid else 400
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: write the kept upload, all rows or none."""
    _require_staff(request)
    try:
        _pending, parsed = imports.confirm_import(actor=request.user, pk=pk)
    except imports.ImportRejected as rejected:
        return _import_page(request, form=CsvImportForm(), parsed=rejected.parsed, status=400)
    count = len(parsed.rows)
    messages.success(
        request,
        ngettext(
            "%(count)d listing has been imported (%(new)d new).",
            "%(count)d listings have been imported (%(new)d new).",
            count,
        )
        % {"count": count, "new": parsed.new_count},
    )
    return redirect("directory:import")
