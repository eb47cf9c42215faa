"""The EST categories, kept as data (``data/categories.json``): the list a reporter
chooses from, in the words kommuner use, each mapped to a code of the common taxonomy
so that an accepted observation is counted with the other sources' events."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "categories.json"


@dataclass(frozen=True)
class EstCategory:
    code: str
    sv: str
    en: str
    taxonomy: str

    @property
    def label(self) -> str:
        return self.en if (get_language() or "sv").startswith("en") else self.sv


@functools.cache
def categories() -> tuple[EstCategory, ...]:
    return tuple(EstCategory(**row) for row in json.loads(DATA.read_text(encoding="utf-8")))


def by_code(code: str) -> EstCategory:
    return next(c for c in categories() if c.code == code)


def choices() -> list[tuple[str, str]]:
    """The choices of the category field, in the language of the request."""
    return [(c.code, c.label) for c in categories()]
