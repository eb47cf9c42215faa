"""Swedish first: every interface string has a Swedish translation, compiled and in use."""

import gettext
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["sv"])
def test_every_string_is_translated_and_none_is_fuzzy(language: str) -> None:
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(po) > 100
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    directory = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(directory / "django.po"))
    with (directory / "django.mo").open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for entry in po.translated_entries():
        if entry.msgid_plural:
            compiled = [mo.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            expected = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
        elif entry.msgctxt:
            compiled, expected = mo.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
        else:
            compiled, expected = mo.gettext(entry.msgid), entry.msgstr
        if compiled != expected:
            stale.append(entry.msgid)
    assert stale == [], "run `make messages`: the .mo file is older than the .po file"
