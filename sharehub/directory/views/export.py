"""The directory as CSV, for anyone: the list page's public listings and filters, streamed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from sharehub.core import csvexport
from sharehub.core.api_errors import json_errors
from sharehub.directory import exports
from sharehub.directory.filters import ListingFilterForm


@require_safe
@json_errors
def listings_csv(request: HttpRequest) -> HttpResponse:
    """`?encoding=cp949` for older Korean Excel (UTF-8 with a BOM otherwise); the list's filters
    (`q`, `category`, `district`, …) narrow it. A bad value is a 422 in the API's error shape."""
    form = ListingFilterForm(request.GET)
    errors: dict[str, list[ValidationError]] = {} if form.is_valid() else form.errors.as_data()
    try:
        encoding = csvexport.encoding_from(request.GET)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    suffix = "" if encoding == csvexport.UTF8 else f"-{encoding}"
    return csvexport.csv_response(
        exports.export_rows(
            language=translation.get_language(),
            absolute_url=request.build_absolute_uri,
            **form.cleaned_data,
        ),
        filename=f"directory-{timezone.localdate().isoformat()}{suffix}.csv",
        encoding=encoding,
    )
