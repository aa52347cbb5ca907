"""A member's own listing: its text, services, addresses and photos (city staff may edit too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.forms import run_action, run_service
from sharehub.core.images import PhotoForm
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.directory import selectors, services
from sharehub.directory.forms import AddressForm, ListingForm, PhotoEditForm, ServiceForm
from sharehub.directory.models import Listing, ListingAddress, ListingPhoto, Service
from sharehub.directory.permissions import can_edit_listing
from sharehub.organizations.models import Organization


def _editable(request: HttpRequest, slug: str) -> Organization:
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
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.update_listing(
                actor=request.user, organization=organization, **form.service_fields()
            ),
        )
    ):
        messages.success(request, _("Your changes have been saved."))
        return redirect("directory:manage", slug=slug)
    return render(
        request,
        "directory/edit.html",
        {"form": form, "organization": organization, "listing": listing},
    )


def _manage_page(
    request: HttpRequest, organization: Organization, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    """The manage page, with the form just sent (and its errors) in place of its empty one."""
    listing = selectors.listing_detail(
        services.ensure_listing(actor=request.user, organization=organization)
    )
    context = {
        "organization": organization,
        "listing": listing,
        "service_form": ServiceForm(),
        "address_form": AddressForm(),
        "photo_form": PhotoForm(),
        **bound,
    }
    return render(request, "directory/manage.html", context, status=status)


@login_required
def listing_manage(request: HttpRequest, slug: str) -> HttpResponse:
    return _manage_page(request, _editable(request, slug))


def _add(
    request: HttpRequest,
    slug: str,
    *,
    form_class: type[forms.Form],
    form_name: str,
    add: Callable[..., Any],
    success: str,
    failure: str,
) -> HttpResponse:
    """Add a service, address or photo from the manage page's form. A form with errors comes
    back in place under a message at the top of the page (its form's action carries the form's
    anchor, so the browser shows the form with its marked fields)."""
    organization = _editable(request, slug)
    form = form_class(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form,
        lambda: add(actor=request.user, organization=organization, **_values(form)),
    ):
        messages.success(request, success)
        # Its own fragment: without one the browser would keep the form's (#add-…) and show
        # the empty form instead of the message at the top.
        return redirect(reverse("directory:manage", kwargs={"slug": slug}) + "#main")
    messages.error(request, failure)
    return _manage_page(request, organization, status=400, **{form_name: form})


def _values(form: forms.Form) -> dict[str, Any]:
    service_fields = getattr(form, "service_fields", None)
    return service_fields() if service_fields else dict(form.cleaned_data)


def _delete(
    request: HttpRequest, slug: str, *, delete: Callable[..., None], success: str, **ids: int
) -> HttpResponse:
    organization = _editable(request, slug)
    run_action(request, delete, success, organization=organization, **ids)
    return redirect("directory:manage", slug=slug)


def _edit_part(
    request: HttpRequest,
    slug: str,
    *,
    model: type[models.Model],
    pk: int,
    form_class: type[forms.ModelForm],
    update: Callable[..., Any],
    id_name: str,
    title: str,
) -> HttpResponse:
    """Edit one service, address or photo of the listing (404 when it belongs to another)."""
    organization = _editable(request, slug)
    part = get_object_or_404(model, pk=pk, listing__organization=organization)
    form = form_class(request.POST or None, instance=part)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: update(
                actor=request.user, organization=organization, **{id_name: pk}, **_values(form)
            ),
        )
    ):
        messages.success(request, _("Your changes have been saved."))
        return redirect("directory:manage", slug=slug)
    return render(
        request,
        "directory/part_form.html",
        {"form": form, "organization": organization, "part": part, "title": title},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def service_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _add(
        request,
        slug,
        form_class=ServiceForm,
        form_name="service_form",
        add=services.create_service,
        success=_("The service has been added."),
        failure=_("The service was not added: correct the marked fields in its form."),
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
@require_POST
def service_delete(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    return _delete(
        request,
        slug,
        delete=services.delete_service,
        success=_("The service has been removed."),
        service_id=service_id,
    )


@login_required
@require_POST
def address_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _add(
        request,
        slug,
        form_class=AddressForm,
        form_name="address_form",
        add=services.add_address,
        success=_("The address has been added."),
        failure=_("The address was not added: correct the marked fields in its form."),
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
@require_POST
def address_delete(request: HttpRequest, slug: str, address_id: int) -> HttpResponse:
    return _delete(
        request,
        slug,
        delete=services.delete_address,
        success=_("The address has been removed."),
        address_id=address_id,
    )


@login_required
@require_POST
@ratelimit_writes("directory-photo", "30/h")
def photo_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _add(
        request,
        slug,
        form_class=PhotoForm,
        form_name="photo_form",
        add=services.add_photo,
        success=_("The photo has been added."),
        failure=_("The photo was not added: correct the marked fields in its form."),
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
def photo_delete(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    return _delete(
        request,
        slug,
        delete=services.delete_photo,
        success=_("The photo has been removed."),
        photo_id=photo_id,
    )
