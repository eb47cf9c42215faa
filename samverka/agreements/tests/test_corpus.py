"""The agreement parser on a corpus of texts it was not built on.

Each text under ``corpus/`` comes with the values a careful reader takes from it (see
``corpus/README.md``). Every field is compared as found, missed (nothing parsed) or
wrong (something else parsed); ``pytest -s`` prints the table. The goal of issue 16:
no wrong value, and at most one missed field in ten.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from samverka.agreements.parsing import ParsedAgreement, parse_text

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p.stem for p in CORPUS.glob("*.txt"))

# Fields whose text is compared by its opening words.
PREFIX_FIELDS = ("purpose", "vision", "follow_up", "communication")
FIELDS = (
    "parties",
    "starts_on",
    "ends_on",
    "until_further_notice",
    "revision_years",
    "extension_years",
    "consultation_months",
    "purpose",
    "vision",
    "overall_goals",
    "priority_areas",
    "activities",
    "forums",
    "sources",
    "follow_up",
    "communication",
    "citizen_promises",
    "signatories",
    "signed_place",
    "signed_on",
)


@cache
def parsed(case: str) -> ParsedAgreement:
    return parse_text((CORPUS / f"{case}.txt").read_text(encoding="utf-8"))


@cache
def expected(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / f"{case}.json").read_text(encoding="utf-8"))
    unknown = set(data) - set(FIELDS)
    assert not unknown, f"{case}.json names unknown fields {unknown}"
    return data


def actual(agreement: ParsedAgreement, name: str) -> Any:
    """The parsed value of ``name`` in the form the expected files write it."""
    if name == "parties":
        return [[p.name, p.kind] for p in agreement.parties]
    if name in ("starts_on", "ends_on", "signed_on"):
        value = getattr(agreement, name, None)
        return value.isoformat() if value else None
    if name == "sources":
        return agreement.situation_picture_sources
    if name == "priority_areas":
        return [a.title for a in agreement.priority_areas]
    if name == "activities":
        return {
            a.title: a.activities
            for a in agreement.priority_areas
            if getattr(a, "activities", None)
        }
    if name == "forums":
        return [[f.kind, f.name] for f in agreement.forums]
    if name == "signatories":
        return [[s.name, s.title] for s in agreement.signatories]
    if name == "citizen_promises":
        return [c.heading for c in getattr(agreement, "citizen_promises", [])]
    return getattr(agreement, name, None)


def _forum_key(forums: list[list[str]]) -> set[tuple[str, str]]:
    return {(kind, name.casefold()) for kind, name in forums}


def verdict(case: str, name: str) -> str:
    """ "found", "missed" or "wrong" for one field of one text."""
    want = expected(case)[name]
    got = actual(parsed(case), name)
    if got in (None, "", [], {}, False):
        return "missed"
    if name in PREFIX_FIELDS:
        return "found" if got.startswith(want) else "wrong"
    if name == "forums":
        return "found" if _forum_key(got) == _forum_key(want) else "wrong"
    return "found" if got == want else "wrong"


def _cells(field_name: str | None = None) -> list[tuple[str, str]]:
    return [
        (case, name)
        for case in CASES
        for name in expected(case)
        if field_name is None or name == field_name
    ]


def test_the_corpus_is_large_enough_and_every_text_has_its_values() -> None:
    assert len(CASES) >= 20
    for case in CASES:
        assert expected(case), case


@pytest.mark.parametrize("field_name", FIELDS)
def test_field_across_the_corpus(field_name: str) -> None:
    results = {case: verdict(case, name) for case, name in _cells(field_name)}
    assert results, f"no text in the corpus holds {field_name}"
    problems = {
        case: (result, expected(case)[field_name], actual(parsed(case), field_name))
        for case, result in results.items()
        if result != "found"
    }
    assert not problems, problems


def test_table_of_fields_found_missed_and_wrong() -> None:
    counts: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}
    for case, name in _cells():
        counts[name][verdict(case, name)] += 1
    total: Counter[str] = Counter()
    lines = [f"{'field':<22}{'found':>7}{'missed':>8}{'wrong':>7}"]
    for name in FIELDS:
        total += counts[name]
        c = counts[name]
        lines.append(f"{name:<22}{c['found']:>7}{c['missed']:>8}{c['wrong']:>7}")
    lines.append(f"{'all':<22}{total['found']:>7}{total['missed']:>8}{total['wrong']:>7}")
    print("\n" + "\n".join(lines))
    cells = sum(total.values())
    assert total["wrong"] == 0
    assert total["missed"] * 10 <= cells


def test_no_field_the_text_lacks_is_filled_in() -> None:
    """A value read where the text holds none is a wrong value too."""
    filled = {
        (case, name): actual(parsed(case), name)
        for case in CASES
        for name in FIELDS
        if name not in expected(case)
        and actual(parsed(case), name) not in (None, "", [], {}, False)
    }
    assert not filled, filled


def test_no_text_field_runs_on_into_the_signatures() -> None:
    for case in CASES:
        agreement = parsed(case)
        names = [s.name for s in agreement.signatories]
        for name in PREFIX_FIELDS:
            text = getattr(agreement, name)
            assert not any(person in text for person in names), (case, name, text)
        for promise in agreement.citizen_promises:
            assert not any(person in promise.text for person in names), (case, promise)


def test_every_found_field_says_where_in_the_text_it_is() -> None:
    for case in CASES:
        agreement = parsed(case)
        lines = (CORPUS / f"{case}.txt").read_text(encoding="utf-8").splitlines()
        for name in expected(case):
            if verdict(case, name) != "found" or name == "until_further_notice":
                continue
            line = agreement.lines.get(name)
            assert line, f"{case}: {name} has no line"
            assert lines[line - 1].strip(), f"{case}: {name} points at an empty line {line}"


def test_the_vocabulary_is_data_loaded_once_and_names_known_forum_kinds() -> None:
    from samverka.agreements.models import ForumKind
    from samverka.agreements.parsing import vocabulary

    assert vocabulary() is vocabulary()
    kinds = {rule.kind for rule in vocabulary().forum_rules}
    assert kinds <= set(ForumKind.values) - {ForumKind.OTHER}
    vocabulary_dir = Path(__file__).resolve().parents[1] / "vocabulary"
    assert {p.stem for p in vocabulary_dir.glob("*.toml")} == {
        "headings",
        "parties",
        "forums",
        "roles",
        "sources",
    }
