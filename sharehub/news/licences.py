"""The licences an article can carry: their names, canonical addresses and badge labels."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC0 = "cc0-1.0", _("CC0 1.0 public domain dedication")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


@dataclass(frozen=True)
class LicenceInfo:
    code: str
    badge: str  # the short label drawn on the badge (not translated: it is the licence's own name)
    url: str  # the canonical deed; empty when there is none
    parts: tuple[str, ...]  # the icons of the badge (by, sa, zero), drawn with CSS


LICENCES = {
    Licence.CC_BY: LicenceInfo(
        Licence.CC_BY, "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", ("cc", "by")
    ),
    Licence.CC_BY_SA: LicenceInfo(
        Licence.CC_BY_SA,
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        ("cc", "by", "sa"),
    ),
    Licence.CC0: LicenceInfo(
        Licence.CC0, "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/", ("cc", "zero")
    ),
    Licence.ALL_RIGHTS_RESERVED: LicenceInfo(Licence.ALL_RIGHTS_RESERVED, "©", "", ()),
}


def licence_info(code: str) -> LicenceInfo:
    return LICENCES[Licence(code)]
