"""Validators shared by forms, models and API schemas."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A mail header line is at most 998 characters (RFC 5322); a subject is far shorter in practice.
HEADER_MAX_LENGTH = 300


def validate_header_value(value: str) -> None:
    """Text that ends up in a mail header (subjects, names, titles): one line, no control characters.

    A CR or LF would let the text add headers of its own (header injection); Python's mail
    library refuses it when the mail is built, so it must be refused when the text is typed.
    """
    if value is None:
        return
    if any(char in value for char in "\r\n\x00\x0b\x0c\x85\u2028\u2029"):
        raise ValidationError(
            _("Use a single line: line breaks are not allowed here."), code="header_line_break"
        )
    if len(value) > HEADER_MAX_LENGTH:
        raise ValidationError(
            _("Ensure this value has at most %(max)s characters.") % {"max": HEADER_MAX_LENGTH},
            code="header_too_long",
        )
