"""The kinds of notification a person can receive, each with a label and an e-mail default.

Apps register their kinds in their manifest.py; the preferences page lists them all.
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


# Mails that are not notifications a person can switch off (account mails sent through the
# outbox): a label for the staff outbox only, never listed on the preferences page.
_mail_labels: dict[str, str | Promise] = {}


def register_mail_label(code: str, label: str | Promise) -> None:
    _mail_labels[code] = label


def label_of(code: str) -> str | Promise:
    """What staff read for a mail's kind: the notification kind's label, else the mail's, else the code."""
    if code in _kinds:
        return _kinds[code].label
    return _mail_labels.get(code, code)
