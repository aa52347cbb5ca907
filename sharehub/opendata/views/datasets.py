"""opendata pages: the data catalogue.

- `datasets/`: the public catalogue (search, filters by theme, format, publisher and series,
  sort, pages); `datasets/<slug>/`: a dataset or series with every metadata field, its
  resources and its series' members (or its series); `datasets/<slug>/resources/<pk>/`: a
  resource's preview (first rows) and versions; `…/download/` (`?version=N` for an earlier file
  of an upload, `?encoding=cp949` for a generated CSV) the file or the live export.
- A draft is a 404 for everyone but city staff; a download is counted once per GET of a
  published dataset's resource (staff looking at drafts are not counted).
- `manage/datasets/…`: city staff's list (drafts included), the dataset form and its resources
  (upload, replace, add generated, remove), publish, unpublish, delete.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.csvexport import UTF8, encoding_from
from sharehub.core.filters import page_filters
from sharehub.core.forms import run_action, run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.uploads import private_file_response
from sharehub.opendata import generators
from sharehub.opendata.forms_datasets import (
    CatalogueFilterForm,
    DatasetForm,
    GeneratedForm,
    ReplaceForm,
    StaffFilterForm,
    UploadForm,
)
from sharehub.opendata.models import Dataset, Resource, Theme, label_of
from sharehub.opendata.permissions import require_runs_open_data, runs_open_data
from sharehub.opendata.selectors import datasets as selectors
from sharehub.opendata.services import datasets as services

PER_PAGE = 20
STAFF_PER_PAGE = 50


# --- public pages ---------------------------------------------------------------------------


def _decorated(datasets: list[Dataset]) -> list[Dataset]:
    """Theme labels and the formats of each dataset's resources, for the templates (read from the
    prefetched resources: no query per row)."""
    for dataset in datasets:
        dataset.theme_labels = [label_of(Theme, code) for code in dataset.themes or []]  # type: ignore[attr-defined]
        dataset.formats = sorted({r.get_format_display() for r in dataset.resources.all()})  # type: ignore[attr-defined]
    return datasets


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    filters = page_filters(CatalogueFilterForm, request.GET)
    applied = filters.applied()
    datasets = selectors.catalogue(
        q=applied.get("q") or "",
        theme=applied.get("theme") or "",
        format=applied.get("format") or "",
        publisher=applied.get("publisher"),
        series=applied.get("series") or "",
        sort=applied.get("sort") or selectors.DEFAULT_SORT,
    )
    page = paginate(request, datasets, per_page=PER_PAGE)
    page.object_list = _decorated(list(page.object_list))
    return render(
        request,
        "opendata/datasets/catalogue.html",
        {
            "filters": filters,
            "page": page,
            "query": querystring_without_page(request),
            "staff": runs_open_data(request.user),
        },
    )


@require_safe
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _decorated([selectors.get_dataset(request.user, slug)])[0]
    return render(
        request,
        "opendata/datasets/dataset.html",
        {
            "dataset": dataset,
            "resources": list(dataset.resources.all()),
            "members": selectors.members_of(request.user, dataset),
            "series": dataset.series if dataset.series and dataset.series.is_published else None,
            "staff": runs_open_data(request.user),
        },
    )


@require_safe
def resource_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    resource = selectors.get_resource(request.user, slug, pk)
    return render(
        request,
        "opendata/datasets/resource.html",
        {
            "dataset": resource.dataset,
            "resource": resource,
            "preview": selectors.preview(resource),
            "versions": selectors.versions_of(resource),
            "generator": generators.resolve(resource.generator) if resource.is_generated else None,
            "preview_rows": generators.PREVIEW_ROWS,
        },
    )


def _filename(resource: Resource, extension: str) -> str:
    return f"{resource.dataset.slug}-{resource.pk}.{extension}"


@require_safe
def resource_download(
    request: HttpRequest, slug: str, pk: int
) -> HttpResponse | StreamingHttpResponse:
    resource = selectors.get_resource(request.user, slug, pk)
    dataset = resource.dataset
    public = selectors.is_public(dataset)
    version = request.GET.get("version")
    if resource.is_generated:
        generator = generators.resolve(resource.generator)
        if generator is None or resource.format not in generator.formats:
            raise Http404
        encoding = UTF8
        if resource.format == "CSV":
            try:
                encoding = encoding_from(request.GET)
            except ValidationError as error:
                return HttpResponse(" ".join(error.messages), status=422, content_type="text/plain")
        content_type = generators.CONTENT_TYPES[resource.format]
        if resource.format == "CSV":
            content_type += "; charset=" + ("euc-kr" if encoding != UTF8 else "utf-8")
        elif resource.format in ("JSON", "GEOJSON"):
            content_type += "; charset=utf-8"
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            generators.write(generator, resource.format, encoding=encoding),
            content_type=content_type,
        )
        response["Content-Disposition"] = content_disposition_header(
            True, _filename(resource, generators.EXTENSIONS[resource.format])
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    else:
        if version:
            try:
                number = int(version)
            except ValueError:
                raise Http404 from None
            old = selectors.get_version(resource, number)
            field_file, name, fmt = old.file, old.original_name, old.format
        else:
            field_file, name, fmt = resource.file, resource.original_name, resource.format
        if not field_file:
            raise Http404
        response = private_file_response(
            field_file,
            filename=name or _filename(resource, generators.EXTENSIONS.get(fmt, "bin")),
            content_type=generators.CONTENT_TYPES.get(fmt, "application/octet-stream"),
            private=not public,
        )
    if public and request.method == "GET":
        services.count_download(resource)
    return response


# --- staff pages ----------------------------------------------------------------------------


def _staff(request: HttpRequest) -> None:
    require_runs_open_data(request.user)


@require_safe
@never_cache
@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    filters = page_filters(StaffFilterForm, request.GET)
    applied = filters.applied()
    page = paginate(
        request,
        selectors.staff_datasets(request.user, q=applied.get("q") or ""),
        per_page=STAFF_PER_PAGE,
    )
    return render(
        request,
        "opendata/datasets/manage_list.html",
        {"filters": filters, "page": page, "query": querystring_without_page(request)},
    )


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def dataset_create(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = DatasetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        dataset = run_service(form, lambda: services.create_dataset(actor=request.user, data=data))
        if dataset is not None:
            messages.success(request, _("The dataset was created as a draft."))
            return redirect("opendata:dataset_edit", slug=dataset.slug)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "opendata/datasets/form.html", {"form": form, "dataset": None}, status=status
    )


def _staff_dataset(request: HttpRequest, slug: str) -> Dataset:
    _staff(request)
    return selectors.get_dataset(request.user, slug)


def _edit_context(dataset: Dataset, **forms: Any) -> dict[str, Any]:
    return {
        "dataset": dataset,
        "form": forms.get("form") or DatasetForm(instance=dataset),
        "upload_form": forms.get("upload_form") or UploadForm(prefix="upload"),
        "generated_form": forms.get("generated_form") or GeneratedForm(prefix="generated"),
        "replace_form": ReplaceForm(),
        "replace_errors": forms.get("replace_errors") or {},
        "resources": list(dataset.resources.all()),
    }


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _staff_dataset(request, slug)
    form = DatasetForm(request.POST or None, instance=dataset)
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        saved = run_service(
            form,
            lambda: services.update_dataset(actor=request.user, dataset=dataset, data=data),
        )
        if saved is not None:
            messages.success(request, _("The dataset was saved."))
            return redirect("opendata:dataset_edit", slug=saved.slug)
        dataset.refresh_from_db()
    status = 422 if request.method == "POST" else 200
    return render(
        request, "opendata/datasets/edit.html", _edit_context(dataset, form=form), status=status
    )


@require_POST
@login_required
def resource_upload(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _staff_dataset(request, slug)
    form = UploadForm(request.POST, request.FILES, prefix="upload")
    if form.is_valid():
        data = form.cleaned_data
        resource = run_service(
            form,
            lambda: services.add_upload(
                actor=request.user,
                dataset=dataset,
                upload=data.get("file"),
                title_ko=data["title_ko"],
                title_en=data["title_en"],
                description_ko=data["description_ko"],
                description_en=data["description_en"],
            ),
        )
        if resource is not None:
            messages.success(request, _("The file was added."))
            return redirect("opendata:dataset_edit", slug=dataset.slug)
    return render(
        request,
        "opendata/datasets/edit.html",
        _edit_context(dataset, upload_form=form),
        status=422,
    )


@require_POST
@login_required
def resource_generated(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _staff_dataset(request, slug)
    form = GeneratedForm(request.POST, prefix="generated")
    if form.is_valid():
        data = form.cleaned_data
        resource = run_service(
            form,
            lambda: services.add_generated(
                actor=request.user,
                dataset=dataset,
                generator=form.spec(),
                format=data["format"],
                title_ko=data["title_ko"],
                title_en=data["title_en"],
            ),
        )
        if resource is not None:
            messages.success(request, _("The generated resource was added."))
            return redirect("opendata:dataset_edit", slug=dataset.slug)
    return render(
        request,
        "opendata/datasets/edit.html",
        _edit_context(dataset, generated_form=form),
        status=422,
    )


@require_POST
@login_required
def resource_replace(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _staff(request)
    resource = selectors.get_resource(request.user, slug, pk)
    form = ReplaceForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form,
        lambda: services.replace_file(
            actor=request.user, resource=resource, upload=form.cleaned_data.get("file")
        ),
    ):
        messages.success(request, _("The file was replaced; the earlier one is kept."))
        return redirect("opendata:dataset_edit", slug=slug)
    errors = {resource.pk: [e for errors in form.errors.values() for e in errors]}
    return render(
        request,
        "opendata/datasets/edit.html",
        _edit_context(resource.dataset, replace_errors=errors),
        status=422,
    )


@require_POST
@login_required
def resource_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _staff(request)
    resource = selectors.get_resource(request.user, slug, pk)
    run_action(request, services.remove_resource, _("The resource was removed."), resource=resource)
    return redirect("opendata:dataset_edit", slug=slug)


@require_POST
@login_required
def dataset_publish(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _staff_dataset(request, slug)
    run_action(request, services.publish_dataset, _("The dataset is published."), dataset=dataset)
    return redirect("opendata:dataset_edit", slug=slug)


@require_POST
@login_required
def dataset_unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _staff_dataset(request, slug)
    run_action(
        request,
        services.unpublish_dataset,
        _("The dataset is back to a draft."),
        dataset=dataset,
    )
    return redirect("opendata:dataset_edit", slug=slug)


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def dataset_delete(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _staff_dataset(request, slug)
    if request.method == "POST":
        services.delete_dataset(actor=request.user, dataset=dataset)
        messages.success(request, _("The dataset was deleted."))
        return redirect(reverse("opendata:manage_datasets"))
    return render(request, "opendata/datasets/delete.html", {"dataset": dataset})


urlpatterns: list[URLPattern] = [
    path("datasets/", catalogue, name="datasets"),
    path("datasets/<slug:slug>/", dataset_detail, name="dataset"),
    path("datasets/<slug:slug>/resources/<int:pk>/", resource_detail, name="resource"),
    path(
        "datasets/<slug:slug>/resources/<int:pk>/download/",
        resource_download,
        name="resource_download",
    ),
    path("manage/datasets/", manage_list, name="manage_datasets"),
    path("manage/datasets/new/", dataset_create, name="dataset_create"),
    path("manage/datasets/<slug:slug>/", dataset_edit, name="dataset_edit"),
    path("manage/datasets/<slug:slug>/publish/", dataset_publish, name="dataset_publish"),
    path("manage/datasets/<slug:slug>/unpublish/", dataset_unpublish, name="dataset_unpublish"),
    path("manage/datasets/<slug:slug>/delete/", dataset_delete, name="dataset_delete"),
    path("manage/datasets/<slug:slug>/upload/", resource_upload, name="resource_upload"),
    path("manage/datasets/<slug:slug>/generated/", resource_generated, name="resource_generated"),
    path(
        "manage/datasets/<slug:slug>/resources/<int:pk>/replace/",
        resource_replace,
        name="resource_replace",
    ),
    path(
        "manage/datasets/<slug:slug>/resources/<int:pk>/remove/",
        resource_remove,
        name="resource_remove",
    ),
]
