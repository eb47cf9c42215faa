"""Numbers as the app shows them: one place for rounding and for the number format.

Every figure the user reads (the page's tables, the SVG charts, the PDF and the DOCX)
is formatted here, so the same value reads the same everywhere. Rounding is half away
from zero at the shown precision (5.66 → "6" or "5,7"; 0.456 → "46 %"; −2.5 → "−3"):
Python's ``round()`` and ``f"{x:.0f}"`` round half to even, and Django's
``number_format`` cuts the digits off, so neither is used for display.

The format follows the active language: in Swedish a decimal comma and a no-break
space between thousands ("12 345,6"); negative numbers carry a real minus sign.

>>> from django.utils import translation
>>> with translation.override("sv"):
...     number(5.66), number(5.66, 1), number(-2.5), percent(0.456)
('6', '5,7', '−3', '46 %')
>>> with translation.override("sv"):
...     interval(0.298, 0.418, percent=True), change(1.254), change(0.95), count(26939)
('30–42 %', '+25', '−5', '26\xa0939')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats

DASH = "–"
MINUS = "\u2212"


def rounded(value: float | int | Decimal | str, digits: int = 0) -> Decimal:
    """``value`` rounded half away from zero to ``digits`` decimals (ROUND_HALF_UP is
    away from zero for negative numbers too). Floats are read through their shortest
    repr, so 2.675 (stored as 2.67499…) rounds to 2.68 as written."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    result = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return result if result else abs(result)  # never "−0"


def number(value: float | int | Decimal | str | None, digits: int = 0, empty: str = DASH) -> str:
    """``value`` rounded to ``digits`` decimals in the active language's format."""
    if value is None or value == "":
        return empty
    try:
        exact = rounded(value, digits)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not exact.is_finite():
        return str(value)
    text = str(formats.number_format(abs(exact), digits, force_grouping=True))
    return f"{MINUS}{text}" if exact < 0 else text


def count(value: float | int | Decimal | str | None, empty: str = DASH) -> str:
    """A count, whole and with its thousands grouped: 26939 → "26 939"."""
    return number(value, 0, empty=empty)


def rate(value: float | int | Decimal | None, digits: int = 0) -> str:
    """A rate per 100 000 inhabitants."""
    return number(value, digits)


def percent(share: float | int | Decimal | None, digits: int = 0) -> str:
    """A share 0–1 as a percentage: 0.456 → "46 %"."""
    if share is None:
        return DASH
    return f"{number(Decimal(str(share)) * 100, digits)} %"


def interval(
    lower: float | int | Decimal | None,
    upper: float | int | Decimal | None,
    digits: int = 0,
    percent: bool = False,
) -> str:
    """An interval, each end rounded: "120–180", or of shares "30–42 %"."""
    if lower is None or upper is None:
        return ""
    if percent:
        lower, upper = Decimal(str(lower)) * 100, Decimal(str(upper)) * 100
    text = f"{number(lower, digits)}{DASH}{number(upper, digits)}"
    return f"{text} %" if percent else text


def change(ratio: float | int | Decimal | None, digits: int = 0) -> str:
    """A rate ratio as a change in per cent with its sign: 1.254 → "+25", 0.95 → "−5",
    1.002 → "±0" (the sign is that of the rounded number); no ratio → "∞"."""
    if ratio is None:
        return "∞"
    exact = rounded((Decimal(str(ratio)) - 1) * 100, digits)
    sign = "+" if exact > 0 else (MINUS if exact < 0 else "±")
    return f"{sign}{number(abs(exact), digits)}"
