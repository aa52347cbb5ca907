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


# Korean registration numbers, written XXX-XX-XXXXX. A 사업자등록번호 (business registration
# number, National Tax Service) ends with a check digit over the first nine; a 고유번호 (the number
# the tax office gives a non-profit body that does no business) has the same shape and is checked
# for its shape only.
BUSINESS_NUMBER_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def registration_digits(value: str) -> str:
    """The ten digits of a number typed with or without hyphens or spaces; "" if it is not one."""
    digits = "".join(char for char in (value or "") if char not in "- ")
    return digits if len(digits) == 10 and digits.isascii() and digits.isdigit() else ""


def format_registration_number(value: str) -> str:
    """123-45-67890 from any accepted spelling (the value is assumed valid)."""
    digits = registration_digits(value)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if digits else value


def business_number_check_digit(first_nine: str) -> int:
    """The NTS check digit: weights 1 3 7 1 3 7 1 3 5, plus the carry of the ninth digit × 5."""
    total = sum(int(d) * w for d, w in zip(first_nine, BUSINESS_NUMBER_WEIGHTS, strict=True))
    total += int(first_nine[8]) * 5 // 10
    return (10 - total % 10) % 10


def validate_business_number(value: str) -> None:
    """사업자등록번호: ten digits (hyphens optional) whose last digit is the check digit."""
    digits = registration_digits(value)
    if not digits:
        raise ValidationError(
            _("Enter the ten digits of the number, as 123-45-67890."), code="registration_format"
        )
    if business_number_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _("This business registration number is not valid: check its digits."),
            code="registration_check_digit",
        )


def validate_nonprofit_number(value: str) -> None:
    """고유번호: ten digits (hyphens optional); its shape only."""
    if not registration_digits(value):
        raise ValidationError(
            _("Enter the ten digits of the number, as 123-45-67890."), code="registration_format"
        )
