"""The city's awards in the 360Giving Data Standard (https://standard.threesixtygiving.org/), the
open format grant-makers publish their grants in, so that tools built for it (GrantNav, the data
quality tool, anyone's analysis) read the city's grants as they read any funder's.

A package is `{"grants": [...], "publisher": {...}}` (the package schema); each grant carries the
standard's required fields and the optional ones the hub knows:

- `id`: the grant's identifier, the city's 360Giving prefix (`SHAREHUB_360GIVING_PREFIX`, by
  default "360G-sharehub") and the award's random identifier (`Award.identifier`, stable);
- `title`: the project's title; `description`: the call and the track it was awarded in;
- `currency`: "KRW"; `amountAwarded`: the amount in won (a number, no separators);
- `awardDate`: the award's date (YYYY-MM-DD); `dateModified`: when it was recorded;
- `url`: the call's public page; `fromOpenCall`: "Yes" (every call is open to applications);
- `recipientOrganization`: [{`id`, `name`, `url`}]: the organization, identified under the
  city's prefix ("<prefix>-org-<number>": the hub keeps no registered number it may publish),
  with its page when published;
- `fundingOrganization`: [{`id`, `name`}]: the city (`SHAREHUB_360GIVING_FUNDER_ID`, by default
  "<prefix>-city"; its name from `SHAREHUB_CITY`);
- `grantProgramme`: [{`code`, `title`, `url`}]: the call (its address name, title and page);
- `beneficiaryLocation`: [{`name`, `countryCode`}]: the organization's district, "KR".

Only awards are published: never an application, a rejection, a vote, a reviewer or a person
(no e-mail, no name of anyone), and never an amount applied for (it belongs to the application).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation

from .models import Award

CURRENCY = "KRW"
COUNTRY = "KR"
DEFAULT_PREFIX = "360G-sharehub"


def prefix() -> str:
    """The city's 360Giving identifier prefix (registered with 360Giving for real publishing)."""
    return getattr(settings, "SHAREHUB_360GIVING_PREFIX", "") or DEFAULT_PREFIX


def funder_id() -> str:
    return getattr(settings, "SHAREHUB_360GIVING_FUNDER_ID", "") or f"{prefix()}-city"


def city_name() -> str:
    city = settings.SHAREHUB_CITY
    language = (translation.get_language() or "ko")[:2]
    return city.get(f"name_{language}") or city["name_ko"]


def grant_id(award: Award) -> str:
    return f"{prefix()}-{award.identifier}"


def _absolute(path: str) -> str:
    return f"{settings.SHAREHUB_SITE_URL}{path}"


def grant(award: Award) -> dict[str, Any]:
    """One award as a 360Giving grant. Reads the award's call, application, track, organization
    and district (select them: `selectors.decisions.public_awards`)."""
    application = award.application
    organization = application.organization
    call = award.call
    recipient: dict[str, Any] = {
        "id": f"{prefix()}-org-{organization.pk}",
        "name": organization.name,
    }
    if organization.is_published:
        recipient["url"] = _absolute(organization.get_absolute_url())
    data: dict[str, Any] = {
        "id": grant_id(award),
        "title": application.title,
        "description": f"{call.title} · {application.track.name}",
        "currency": CURRENCY,
        "amountAwarded": award.amount,
        "awardDate": award.awarded_on.isoformat(),
        "dateModified": award.created_at.isoformat(),
        "url": _absolute(call.get_absolute_url()),
        "fromOpenCall": "Yes",
        "recipientOrganization": [recipient],
        "fundingOrganization": [{"id": funder_id(), "name": city_name()}],
        "grantProgramme": [
            {"code": call.slug, "title": call.title, "url": _absolute(call.get_absolute_url())}
        ],
    }
    if organization.district_id is not None:
        data["beneficiaryLocation"] = [{"name": organization.district.name, "countryCode": COUNTRY}]
    return data


def package(awards: Iterable[Award]) -> dict[str, Any]:
    """A 360Giving data package of the awards given."""
    return {
        "grants": [grant(award) for award in awards],
        "publisher": {"name": city_name(), "website": settings.SHAREHUB_SITE_URL},
    }
