"""City staff's tools: the categories and the two-step CSV import (the export is public: export.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sharehub.core.forms import run_service
from sharehub.directory import imports, selectors, services
from sharehub.directory.forms import CategoryForm, CsvImportForm
from sharehub.directory.imports import ParsedImport
from sharehub.directory.models import Category, CsvImport
from sharehub.directory.permissions import can_manage_directory
from sharehub.organizations.models import OrganizationKind
from sharehub.places.selectors import district_list


def _require_staff(request: HttpRequest) -> None:
    if not can_manage_directory(request.user):
        raise PermissionDenied


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = CategoryForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda: services.create_category(actor=request.user, **form.service_fields())
        )
    ):
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
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.update_category(
                actor=request.user, category=category, **form.service_fields()
            ),
        )
    ):
        messages.success(request, _("Your changes have been saved."))
        return redirect("directory:categories")
    return render(request, "directory/category_form.html", {"form": form, "category": category})


def _import_page(
    request: HttpRequest,
    *,
    form: CsvImportForm,
    parsed: ParsedImport | None = None,
    pending: CsvImport | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "directory/import.html",
        {
            "form": form,
            "parsed": parsed,
            "pending": pending,
            "columns": [(name, imports.COLUMN_HELP[name]) for name in imports.IMPORT_COLUMNS],
            "publication_help": imports.PUBLICATION_HELP,
            # The values the district and category columns accept, opened where a row got them wrong.
            "districts": district_list(),
            "categories": selectors.all_categories(),
            "kinds": OrganizationKind.choices,
            "open_values": parsed.columns_with_errors if parsed else set(),
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
    if form.is_valid() and (
        uploaded := run_service(
            form,
            lambda: imports.upload_import(actor=request.user, upload=form.cleaned_data["file"]),
        )
    ):
        parsed, pending = uploaded
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
