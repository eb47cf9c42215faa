"""Screening free text for personal data about citizens (DESIGN.md, "Security and privacy").

samverka holds no personal data about citizens. Free text is screened for the three
things that most often carry it by mistake: Swedish personal identity numbers
(personnummer and samordningsnummer), phone numbers and e-mail addresses. A match is
refused with a message that says what was found (and, from a form, in which field), so
the writer can remove it. Which fields are screened, and how, is :mod:`samverka.lib.screening`.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A personnummer or samordningsnummer as people write it: YYYYMMDD-NNNN, YYMMDD-NNNN,
# YYMMDD+NNNN (a hundred years or older), without the dash, with a space, or with an en
# dash a word processor put in; samordningsnummer add 60 to the day. The check digit is
# not asked: a number with a wrong check digit is a mistyped number, still a person's.
_SEPARATOR = "(?:[ \u00a0]?[-+\u2010\u2011\u2012\u2013\u2212][ \u00a0]?|[ \u00a0])?"
_PERSONNUMMER = re.compile(
    r"(?<!\d)(?P<century>19|20)?\d{2}(?P<month>0[1-9]|1[0-2])(?P<day>[0-9]\d)"
    + _SEPARATOR
    + r"\d{4}(?!\d)"
)
_PHONE = re.compile(r"(?<![\d-])(?:\+46[\s-]?|0)(?:\d[\s-]?){6,11}\d(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# What each of the three needs at least: an @, or six digits with at most one character
# between two (a personnummer has six in a row; a phone number eight, spaced). Most text
# has neither and is passed at once.
_MAYBE = re.compile(r"@|\d(?:\D?\d){5}")
# Dates and date ranges look like numbers too; they are not personal data.
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^(?:19|20)\d{2}\s?-\s?(?:19|20)\d{2}$")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _is_personnummer(match: re.Match[str]) -> bool:
    day = int(match["day"])
    if not (1 <= day <= 31 or 61 <= day <= 91):
        return False
    text = match.group()
    # Ten digits in a row starting with 0 are a phone number (0701234567) unless the check
    # digit says otherwise; the phone pattern refuses them either way.
    if match["century"] is None and text.isdigit() and text.startswith("0"):
        return _luhn_ok(text)
    return True


def find_personal_data(text: str) -> list[str]:
    """The kinds of personal data found in ``text`` (empty when none).

    >>> find_personal_data("Anmälan från 19800101-1234 (fel kontrollsiffra)")
    ['personnummer']
    >>> find_personal_data("Avtalet gäller 2024-01-01–2025-12-31, dnr KS 2024/123")
    []
    """
    found: list[str] = []
    if not _MAYBE.search(text):
        return found
    if any(_is_personnummer(match) for match in _PERSONNUMMER.finditer(text)):
        found.append("personnummer")
    for match in _PHONE.finditer(text):
        if not _DATE_LIKE.match(match.group().strip()):
            found.append("phone")
            break
    if _EMAIL.search(text):
        found.append("email")
    return found


def redact(text: str) -> str:
    """``text`` with each personnummer, phone number and e-mail address replaced by "…":
    for what the app writes itself and may quote from a file (a rejected row's reason).

    >>> redact("unknown area '800101-1234 Storgatan'")
    "unknown area '… Storgatan'"
    """
    if not find_personal_data(text):
        return text
    text = _PERSONNUMMER.sub(lambda m: "…" if _is_personnummer(m) else m.group(), text)
    text = _PHONE.sub(lambda m: m.group() if _DATE_LIKE.match(m.group().strip()) else "…", text)
    return _EMAIL.sub("…", text)


_MESSAGES = {
    "personnummer": _("a personal identity number"),
    "phone": _("a phone number"),
    "email": _("an e-mail address"),
}


def describe(found: list[str]) -> str:
    """The kinds found, in words: "a personal identity number, a phone number"."""
    return ", ".join(str(_MESSAGES[kind]) for kind in found)


def personal_data_error(found: list[str], label: object = None) -> ValidationError:
    """The refusal of text holding ``found`` (kinds from :func:`find_personal_data`); with
    ``label``, the message names the field."""
    what = describe(found)
    if label is None:
        return ValidationError(
            _(
                "This text seems to contain %(what)s. samverka holds no personal data about "
                "citizens: remove it and save again."
            ),
            code="personal_data",
            params={"what": what},
        )
    return ValidationError(
        _(
            "The field “%(field)s” seems to contain %(what)s. samverka holds no personal data "
            "about citizens: remove it and save again."
        ),
        code="personal_data",
        params={"field": label, "what": what},
    )


def validate_no_personal_data(text: str) -> None:
    """A field validator: refuses text holding personal data, naming what was found."""
    found = find_personal_data(text or "")
    if found:
        raise personal_data_error(found)


class NoPersonalData:
    """The validator of one field: refuses text holding personal data, naming the field
    (``label``, e.g. the verbose name) and what was found."""

    def __init__(self, label: object) -> None:
        self.label = label

    def __call__(self, value: object) -> None:
        found = find_personal_data(value if isinstance(value, str) else str(value or ""))
        if found:
            raise personal_data_error(found, self.label)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoPersonalData) and str(other.label) == str(self.label)

    def __hash__(self) -> int:
        return hash(str(self.label))
