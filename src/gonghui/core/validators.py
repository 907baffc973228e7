"""Validation of Chinese identifiers, through python-stdnum, with messages a union officer can act on.

Both identifiers are normalised first (full-width characters folded by NFKC, spaces and dashes removed,
letters upper-cased) because that is how they arrive from Word, Excel and WPS.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc


def normalize_identifier(value: str) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(ch for ch in text if ch not in " \t\r\n-_\u3000").upper()


def clean_credit_code(value: str) -> str:
    """Return the 统一社会信用代码 (GB 32100) in its 18-character form, or raise ValidationError."""
    code = normalize_identifier(value)
    if not code:
        raise ValidationError(_("Enter the unified social credit code."), code="required")
    try:
        return uscc.validate(code)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.") % {"count": len(code)},
            code="length",
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            _(
                "The unified social credit code may only hold digits and capital letters other than "
                "I, O, Z, S and V, and its first 8 characters are digits."
            ),
            code="format",
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The check character (the 18th) of this unified social credit code does not match: "
              "please compare it with the business licence."),
            code="checksum",
        ) from None


def validate_credit_code(value: str) -> None:
    clean_credit_code(value)


def clean_citizen_id(value: str) -> str:
    """Return an 18-character 身份证号 (GB 11643) with an upper-case X, or raise ValidationError.

    Only length, digits, a real birth date and the check digit are checked. python-stdnum's strict
    validate() also rejects area codes that did not exist in the birth year, but codes change and people
    keep their numbers (DOMAIN.md), so that check is deliberately not used. First-generation 15-digit
    numbers are refused, never converted.
    """
    number = normalize_identifier(value)
    if not number:
        raise ValidationError(_("Enter the citizen ID number."), code="required")
    if "E+" in number or "." in number:
        raise ValidationError(
            _("This citizen ID number was turned into a number by Excel and has lost digits; "
              "set the column to text and enter it again."),
            code="excel_number",
        )
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _("15-digit first-generation ID numbers are no longer in use; enter the 18-digit number."),
            code="first_generation",
        )
    if len(number) != 18:
        raise ValidationError(
            _("A citizen ID number has 18 characters; this one has %(count)d.") % {"count": len(number)},
            code="length",
        )
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise ValidationError(
            _("A citizen ID number is 17 digits followed by a digit or X."), code="format"
        )
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("The birth date in this citizen ID number (characters 7–14) is not a real date."), code="date"
        ) from None
    if birth > datetime.date.today() or birth.year < 1900:
        raise ValidationError(
            _("The birth date in this citizen ID number (characters 7–14) is not plausible."), code="date"
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(
            _("The check digit (the 18th character) of this citizen ID number does not match; "
              "please check it against the ID card."),
            code="checksum",
        )
    return number


def validate_citizen_id(value: str) -> None:
    clean_citizen_id(value)


def citizen_id_birth_date(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def citizen_id_gender(number: str) -> str:
    """"M" or "F" from the 17th digit (odd for men)."""
    return "M" if int(number[16]) % 2 else "F"
