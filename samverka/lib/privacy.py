"""Screening free text for personal data about citizens (DESIGN.md, "Security and privacy").

samverka holds no personal data about citizens. Free text is screened for the three
things that most often carry it by mistake: Swedish personal identity numbers
(personnummer and samordningsnummer), phone numbers and e-mail addresses. A match is
refused with a message that says what was found, so the writer can remove it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# YYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD+NNNN; samordningsnummer add 60 to the day.
_PERSONNUMMER = re.compile(r"(?<!\d)(?:19|20)?\d{2}[01]\d[0-9]\d[-+ ]?\d{4}(?!\d)")
_PHONE = re.compile(r"(?<![\d-])(?:\+46[\s-]?|0)(?:\d[\s-]?){6,11}\d(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Dates and date ranges look like numbers too; they are not personal data.
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^(?:19|20)\d{2}\s?-\s?(?:19|20)\d{2}$")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def find_personal_data(text: str) -> list[str]:
    """The kinds of personal data found in ``text`` (empty when none)."""
    found: list[str] = []
    for match in _PERSONNUMMER.finditer(text):
        digits = re.sub(r"\D", "", match.group())[-10:]
        month, day = int(digits[2:4]), int(digits[4:6])
        if 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91) and _luhn_ok(digits):
            found.append("personnummer")
            break
    for match in _PHONE.finditer(text):
        if not _DATE_LIKE.match(match.group().strip()):
            found.append("phone")
            break
    if _EMAIL.search(text):
        found.append("email")
    return found


_MESSAGES = {
    "personnummer": _("a personal identity number"),
    "phone": _("a phone number"),
    "email": _("an e-mail address"),
}


def validate_no_personal_data(text: str) -> None:
    """A field validator: refuses text holding personal data, naming what was found."""
    found = find_personal_data(text or "")
    if found:
        raise ValidationError(
            _(
                "This text seems to contain %(what)s. samverka holds no personal data about "
                "citizens: remove it and save again."
            ),
            code="personal_data",
            params={"what": ", ".join(str(_MESSAGES[kind]) for kind in found)},
        )
