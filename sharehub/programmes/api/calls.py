"""/api/v1/programmes/calls: published calls (public, filtered by `phase` and `kind`, paged) and
one call with its tracks, criteria, questions and documents; city staff create calls, a call's
staff change and publish it. The same services as the pages: 401 anonymous, 403 anyone else, 404
for a call one may not see, 422 with field errors (a refused row as `<rows>-<index>-<field>`, e.g.
`criteria-2-weight`, its index in the list sent), and nothing half-written."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sharehub.accounts.models import User
from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import CityDateTime, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.forms import field_error
from sharehub.core.pagination import ApiPage, api_page
from sharehub.participation.models import Committee
from sharehub.places.models import District
from sharehub.programmes.forms_calls import CallFilterForm
from sharehub.programmes.models import Call
from sharehub.programmes.selectors import calls as selectors
from sharehub.programmes.services import calls as services

router = Router(tags=["programmes"])

PER_PAGE = 20


class TrackIO(Schema):
    id: int | None = None
    name_ko: str = Field(max_length=120)
    name_en: str | None = Field("", max_length=120)
    kind: str = Field(description="themed (지정공모) or free (자유공모)")
    themes_ko: str | None = Field("", max_length=2000, description="One a line")
    themes_en: str | None = Field("", max_length=2000)
    award_cap: int | None = Field(None, ge=1, le=10**15, description="Won; empty: the call's cap")


class FieldIO(Schema):
    id: int | None = None
    key: str = Field(max_length=40)
    label_ko: str = Field(max_length=200)
    label_en: str | None = Field("", max_length=200)
    help_text_ko: str | None = Field("", max_length=500)
    help_text_en: str | None = Field("", max_length=500)
    kind: str = Field(description="text, long_text, number, money, date, choice or file")
    required: bool = True
    min_value: int | None = Field(None, ge=-(10**15), le=10**15)
    max_value: int | None = Field(None, ge=-(10**15), le=10**15)
    max_length: int | None = Field(None, ge=1, le=100_000)
    choices: str | None = Field(
        "", max_length=4000, description='Choice: one option a line, "value|한국어|English"'
    )


class CriterionIO(Schema):
    id: int | None = None
    name_ko: str = Field(max_length=150)
    name_en: str | None = Field("", max_length=150)
    description_ko: str | None = Field("", max_length=2000)
    description_en: str | None = Field("", max_length=2000)
    weight: int = Field(ge=1, le=100, description="Percent; a call's weights add up to 100")


class ProgrammeDocumentOut(Schema):
    id: int
    title: str
    title_ko: str
    title_en: str | None
    original_name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(document: Any, context: dict) -> str:
        path = reverse(
            "programmes:document", kwargs={"slug": document.call.slug, "pk": document.pk}
        )
        return context["request"].build_absolute_uri(path)


class CallOut(Schema):
    slug: str
    title: str
    title_ko: str
    title_en: str | None
    summary: str
    kind: str
    phase: str
    published: bool
    opens_at: datetime
    closes_at: datetime
    total_budget: int
    award_cap: int
    awarded_total: int
    url: str

    @staticmethod
    def resolve_summary(call: Call) -> str:
        return call.summary or ""

    @staticmethod
    def resolve_phase(call: Call) -> str:
        return call.phase()

    @staticmethod
    def resolve_published(call: Call) -> bool:
        return call.is_published

    @staticmethod
    def resolve_url(call: Call, context: dict) -> str:
        return context["request"].build_absolute_uri(call.get_absolute_url())


class CallDetailOut(CallOut):
    summary_ko: str | None
    summary_en: str | None
    body_ko: str | None = Field(description="Sanitized HTML")
    body_en: str | None = Field(description="Sanitized HTML")
    designated_only: bool
    organization_kinds: list[str]
    districts: list[str] = Field(description="Address names (slugs); empty: every district")
    editable_after_submission: bool
    reviews_per_application: int
    auto_review_when_screened: bool
    auto_committee_when_reviewed: bool
    committee: str | None = Field(description="Committee's address name; null: designation's")
    interim_report_due: date | None
    final_report_due: date | None
    tracks: list[TrackIO]
    criteria: list[CriterionIO]
    fields: list[FieldIO]
    documents: list[ProgrammeDocumentOut]

    @staticmethod
    def resolve_districts(call: Call) -> list[str]:
        return [d.slug for d in call.districts.all()]

    @staticmethod
    def resolve_committee(call: Call) -> str | None:
        return call.committee.slug if call.committee else None

    @staticmethod
    def resolve_tracks(call: Call) -> list[Any]:
        return list(call.tracks.all())

    @staticmethod
    def resolve_criteria(call: Call) -> list[Any]:
        return list(call.criteria.all())

    @staticmethod
    def resolve_fields(call: Call) -> list[Any]:
        return list(call.fields.all())

    @staticmethod
    def resolve_documents(call: Call) -> list[Any]:
        return list(call.documents.all())


class CallFieldsIn(Schema):
    """A call's details; on update every field is optional (what is sent changes). Times without
    a zone are Seoul time. Rows sent replace the call's rows (keep a row's `id` to keep it)."""

    title_ko: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    summary_ko: str | None = Field(None, max_length=500)
    summary_en: str | None = Field(None, max_length=500)
    body_ko: str | None = Field(None, max_length=20000)
    body_en: str | None = Field(None, max_length=20000)
    kind: str | None = Field(None, description="grant, consulting, space or promotion")
    total_budget: int | None = Field(None, ge=0, le=10**15)
    award_cap: int | None = Field(None, ge=1, le=10**15)
    designated_only: bool | None = None
    organization_kinds: list[str] | None = Field(None, max_length=10)
    districts: list[str] | None = Field(None, max_length=100, description="Address names")
    opens_at: CityDateTime | None = None
    closes_at: CityDateTime | None = None
    editable_after_submission: bool | None = None
    reviews_per_application: int | None = Field(None, ge=1, le=20)
    auto_review_when_screened: bool | None = None
    auto_committee_when_reviewed: bool | None = None
    committee: str | None = Field(None, description="Committee's address name")
    interim_report_due: date | None = None
    final_report_due: date | None = None
    staff: list[str] | None = Field(
        None, max_length=services.MAX_STAFF, description="E-mail addresses of city staff"
    )
    tracks: list[TrackIO] | None = Field(None, max_length=services.MAX_ROWS)
    criteria: list[CriterionIO] | None = Field(None, max_length=services.MAX_ROWS)
    fields: list[FieldIO] | None = Field(None, max_length=services.MAX_ROWS)


class CallIn(CallFieldsIn):
    slug: str = Field("", max_length=80, description="Empty: made from the title")
    title_ko: str = Field(max_length=200)  # type: ignore[assignment]
    kind: str  # type: ignore[assignment]
    total_budget: int = Field(ge=0, le=10**15)  # type: ignore[assignment]
    award_cap: int = Field(ge=1, le=10**15)  # type: ignore[assignment]
    opens_at: CityDateTime  # type: ignore[assignment]
    closes_at: CityDateTime  # type: ignore[assignment]


# Fields that must not be sent as null (their columns are not nullable).
_NOT_NULL = {
    "title_ko",
    "kind",
    "total_budget",
    "award_cap",
    "designated_only",
    "opens_at",
    "closes_at",
    "editable_after_submission",
    "reviews_per_application",
    "auto_review_when_screened",
    "auto_committee_when_reviewed",
    "organization_kinds",
}


def _row(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the service takes it: texts sent as null are empty."""
    text = ("name_", "themes_", "label_", "help_text_", "description_", "choices")
    return {k: (v or "") if k.startswith(text) else v for k, v in row.items()}


def _fields(payload: CallFieldsIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    for name in _NOT_NULL & set(data):
        if data[name] is None:
            raise field_error(name, _("This field cannot be empty."), code="null")
    if "districts" in data:
        slugs = [str(s)[:80] for s in data["districts"] or []]
        found = list(District.objects.filter(slug__in=slugs))
        if len(found) != len(set(slugs)):
            raise field_error(
                "districts", _("There is no district with this address name."), code="invalid"
            )
        data["districts"] = found
    if "committee" in data:
        slug = data["committee"]
        committee = Committee.objects.filter(slug=str(slug)[:60]).first() if slug else None
        if slug and committee is None:
            raise field_error(
                "committee", _("There is no committee with this address name."), code="invalid"
            )
        data["committee"] = committee
    if "staff" in data:
        emails = {e.strip().lower() for e in data["staff"] or [] if e.strip()}
        people = list(User.objects.filter(email__in=emails, is_active=True))
        if len(people) != len(emails):
            raise field_error(
                "staff", _("Choose the call's staff among city staff."), code="invalid"
            )
        data["staff"] = people
    rows = (
        ("tracks", "tracks", services.TrackRow),
        ("criteria", "criteria", services.CriterionRow),
        ("fields", "form_fields", services.FieldRow),
    )
    for name, argument, row_class in rows:
        given = data.pop(name, None)
        if given is not None:
            data[argument] = [row_class(**_row(row)) for row in given]
    return data


def _fresh(request: HttpRequest, slug: str) -> Call:
    return selectors.call_page(request.auth or request.user, slug)


@router.get(
    "/calls",
    response={200: ApiPage[CallOut], 422: ErrorOut},
    auth=None,
    summary="List published calls",
    description="Filters: `phase` (open, upcoming, closed), `kind`. Open calls first, closing "
    "soonest first; then upcoming; then closed.",
)
def list_calls(
    request: HttpRequest,
    query: Query[query_schema(CallFilterForm)],  # type: ignore[valid-type]
    page: int = page_query(),
):
    filters = api_filters(CallFilterForm, query).cleaned_data
    return api_page(request, selectors.call_list(filters=filters), page, per_page=PER_PAGE)


@router.get(
    "/calls/{slug}",
    response={200: CallDetailOut, **ERRORS},
    auth=None,
    summary="A call with its tracks, criteria, questions and documents",
    description="Public once published; before, only its staff see it (404 for anyone else).",
)
def get_call(request: HttpRequest, slug: str):
    return selectors.call_page(request.user, slug)


@router.post(
    "/calls",
    response={201: CallDetailOut, **ERRORS},
    summary="Create a call (city staff)",
    description="The call starts unpublished; rows sent (tracks, criteria, fields) are saved with "
    "it, all or nothing.",
)
def create_call(request: HttpRequest, body: CallIn):
    call = services.create_call(actor=request.auth, **_fields(body))
    return Status(201, _fresh(request, call.slug))


@router.patch(
    "/calls/{slug}",
    response={200: CallDetailOut, **ERRORS},
    summary="Change a call (its staff)",
    description="Only the fields sent change; rows sent replace the call's (keep `id` to keep "
    "a row). Once applications exist, questions and criteria cannot be removed.",
)
def update_call(request: HttpRequest, slug: str, body: CallFieldsIn):
    call = selectors.call_page(request.auth, slug)  # 404 unseen, 403 not its staff
    services.update_call(actor=request.auth, call=call, **_fields(body))
    return _fresh(request, slug)


@router.post(
    "/calls/{slug}/publish",
    response={200: CallDetailOut, **ERRORS},
    summary="Publish a call (its staff)",
    description="Needs a track, criteria whose weights add up to 100 and a closing time ahead.",
)
def publish_call(request: HttpRequest, slug: str):
    call = selectors.call_page(request.auth, slug)  # 404 unseen, 403 not its staff
    services.publish_call(actor=request.auth, call=call)
    return _fresh(request, slug)
