"""Types shared by every API schema, so bad input is a 422 in one place and never a 500.

- `Id`: a database id. Path ids, ids in bodies and in query strings: 1 … 2⁶³−1, the range of a
  64-bit primary key, so neither SQLite ("Python int too large") nor PostgreSQL sees more.
- `PageNumber`: a page of a list, bounded so an offset (page × page size) stays a 64-bit integer.
- `HeaderText`: text that ends up in a mail header (subjects, names, titles): one line.
- `CityDateTime`: a moment; one sent without an offset is the city's time (settings.TIME_ZONE,
  Asia/Seoul), as a form reads it. A naive time reached the services, whose rules compare it
  with aware ones, and was a 500.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query
from pydantic import AfterValidator

from .validators import validate_header_value

MAX_ID = 2**63 - 1
MAX_PAGE = 10**9

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]


def _header_text(value: str) -> str:
    try:
        validate_header_value(value)
    except ValidationError as error:
        # pydantic turns a ValueError into a "value_error" with this message (see api_errors).
        raise ValueError(error.messages[0]) from None
    return value


HeaderText = Annotated[str, AfterValidator(_header_text)]


def _in_city_zone(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


CityDateTime = Annotated[datetime, AfterValidator(_in_city_zone)]


def page_query(default: int = 1) -> Any:
    """`page: int = page_query()`: the `page` query parameter of every paged list."""
    return Query(default, ge=1, le=MAX_PAGE)
