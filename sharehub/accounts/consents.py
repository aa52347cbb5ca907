"""The consents asked at sign-up and their current versions: the one place they are defined.

Korea's Personal Information Protection Act (PIPA, art. 15, 22) asks for each purpose to be
consented to separately, the required ones apart from the optional ones, and for the collection
notice to show what is collected, why, for how long, and that the person may refuse. Children
under 14 need a legal guardian's consent (art. 22-2), which the hub cannot collect online: it asks
for a confirmation of being 14 or older instead.

Raise a version when its text changes: the new version is recorded from then on, and each
person's consent history keeps the version they agreed to. The terms' version is the city's
(`SHAREHUB_TERMS_VERSION`, shown on the terms page), the others follow the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Consent


@dataclass(frozen=True)
class ConsentSpec:
    kind: str
    required: bool
    label: Promise  # the checkbox's label on the sign-up form
    version_in_code: str = ""

    @property
    def version(self) -> str:
        if self.kind == Consent.Kind.TERMS:
            return settings.SHAREHUB_TERMS_VERSION
        return self.version_in_code

    @property
    def field_name(self) -> str:
        return f"consent_{self.kind}"


# In the order the sign-up form asks them.
SIGNUP_CONSENTS: tuple[ConsentSpec, ...] = (
    ConsentSpec(
        Consent.Kind.AGE,
        required=True,
        label=_("I am 14 years old or older."),
        version_in_code="2026-12",
    ),
    ConsentSpec(
        Consent.Kind.TERMS,
        required=True,
        label=_("I agree to the terms of use."),
    ),
    ConsentSpec(
        Consent.Kind.PRIVACY,
        required=True,
        label=_("I agree to the collection and use of my personal information as described above."),
        version_in_code="2026-12",
    ),
    ConsentSpec(
        Consent.Kind.NEWSLETTER,
        required=False,
        label=_("I would like to receive the hub's news and notices of new services by e-mail."),
        version_in_code="2026-12",
    ),
)
CONSENTS_BY_KIND = {spec.kind: spec for spec in SIGNUP_CONSENTS}
REQUIRED_KINDS = frozenset(spec.kind for spec in SIGNUP_CONSENTS if spec.required)
OPTIONAL_KINDS = frozenset(spec.kind for spec in SIGNUP_CONSENTS if not spec.required)


@dataclass(frozen=True)
class NoticeRow:
    heading: Promise
    text: Promise


# The collection notice shown beside the privacy consent (PIPA art. 15(2)): keep it in line with
# what the account actually stores (models.User, privacy_data.export_account).
PRIVACY_NOTICE: tuple[NoticeRow, ...] = (
    NoticeRow(
        _("Items collected"),
        _(
            "Required: e-mail address, password (stored only as a one-way hash), preferred "
            "language, and the time and IP address of each consent. Optional: display name and "
            "home district. When you sign up with Kakao or Naver: your identifier at that service "
            "and the e-mail address and nickname it shares."
        ),
    ),
    NoticeRow(
        _("Purpose"),
        _(
            "To create and identify your account, let you log in, send you the e-mails your "
            "account needs (address confirmation, password reset, security notices), and let you "
            "take part in the hub (events, organizations)."
        ),
    ),
    NoticeRow(
        _("Retention period"),
        _(
            "Until you delete your account; your personal data is then erased without delay, "
            "unless a law requires it to be kept for longer."
        ),
    ),
    NoticeRow(
        _("Your right to refuse"),
        _(
            "You may refuse this consent, but the hub cannot create an account without these "
            "items. Optional consents can be refused or withdrawn at any time without any "
            "disadvantage."
        ),
    ),
)

REQUIRED_MESSAGE = _("This consent is required to create an account.")
UNDER_14_MESSAGE = _(
    "You must be 14 or older to create an account. Children under 14 need the consent of "
    "a legal guardian, which the hub cannot collect online."
)


def missing_message(kind: str) -> Promise:
    """What a person reads when they leave a required consent unchecked."""
    return UNDER_14_MESSAGE if kind == Consent.Kind.AGE else REQUIRED_MESSAGE
