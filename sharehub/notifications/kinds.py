"""The kinds of notification a person can receive, each with a label and an e-mail default.

Apps register their kinds in AppConfig.ready(); the preferences page lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    email_default: bool = True


_kinds: dict[str, Kind] = {}


def register_kind(code: str, label: str | Promise, *, email_default: bool = True) -> None:
    _kinds[code] = Kind(code=code, label=label, email_default=email_default)


def get_kind(code: str) -> Kind:
    return _kinds[code]


def all_kinds() -> list[Kind]:
    return list(_kinds.values())
