"""Finding the commitments of an existing medborgarlöfte text, with their giver.

The text is read as lines: a bullet (its marks are in the vocabulary) or a numbered item
is one candidate; prose is split into sentences. A candidate is a commitment when a
promising verb ("lovar att", "ska", "kommer att" …) stands among its first words with a
giver near it: before the verb ("Polisen lovar att …", "Vi ska …"), or just after it
when something else opens the sentence ("Därför ska lokalpolisområde Nyköping och
Oxelösunds kommun …"). A giver named for both, or the police and the kommun named
together, make a joint commitment. A line that names a giver and a verb and ends with a
colon ("Polisen lovar att:") or only names a giver ("Kommunen:") heads the bullets
under it, which take its giver when they name none.

The words (givers, verbs, bullet marks) are data: ``data/vocabulary.json``. This module
is pure (no Django), so it is tested in many idioms without a database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VOCABULARY = Path(__file__).resolve().parent / "data" / "vocabulary.json"
POLICE, KOMMUN, BOTH = "police", "kommun", "both"

HEADING_WORDS = 5  # a line this short that names a giver and no verb heads a list
_NUMBERED = re.compile(r"^\(?\d{1,2}[.)]\s+|^[a-h][.)]\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ\"”»–-])")
_WORD = re.compile(r"[\wåäöéü-]+", re.IGNORECASE)


@dataclass(frozen=True)
class Vocabulary:
    givers: dict[str, list[re.Pattern[str]]]
    verbs: list[list[str]]
    bullets: tuple[str, ...]
    subject_window: int
    verb_within: int
    promise_words: tuple[str, ...] = ()
    agreement_words: tuple[str, ...] = ()


def _term(term: str) -> re.Pattern[str]:
    """A term of the vocabulary as a pattern over lower-cased words joined by spaces."""
    name = r"[\wåäöéü-]+"
    parts = []
    for word in term.split():
        if word == "{name}":
            parts.append(name)
        elif word == "{name}s":
            parts.append(name + "s")
        else:
            parts.append(re.escape(word))
    return re.compile(rf"(?<![\wåäöéü-]){' '.join(parts)}(?![\wåäöéü-])")


@lru_cache(maxsize=4)
def vocabulary(path: Path = VOCABULARY) -> Vocabulary:
    data = json.loads(path.read_text(encoding="utf-8"))
    givers = {
        kind: [_term(t) for t in sorted(terms, key=lambda t: -len(t.split()))]
        for kind, terms in data["givers"].items()
    }
    verbs = [v.split() for v in sorted(data["verbs"], key=lambda v: -len(v.split()))]
    return Vocabulary(
        givers,
        verbs,
        tuple(data["bullets"]),
        int(data["subject_window"]),
        int(data["verb_within"]),
        tuple(data.get("promise_words", ())),
        tuple(data.get("agreement_words", ())),
    )


@dataclass(frozen=True)
class FoundCommitment:
    giver: str
    text: str
    line: int  # 1-based, of the line it starts on


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _verb_at(words: list[str], vocab: Vocabulary) -> tuple[int, int] | None:
    """The first promising verb among the first words: (start, end) word positions."""
    for index in range(min(len(words), vocab.verb_within)):
        for verb in vocab.verbs:
            if words[index : index + len(verb)] == verb:
                return index, index + len(verb)
    return None


def _givers_in(words: list[str], vocab: Vocabulary) -> set[str]:
    text = " ".join(words)
    return {
        kind for kind, patterns in vocab.givers.items() if any(p.search(text) for p in patterns)
    }


def _term_between(words: list[str], lo: int, hi: int, vocab: Vocabulary) -> str | None:
    """The kind of giver whose term is exactly ``words[lo:hi]``, or None."""
    if lo < 0 or hi > len(words) or lo >= hi:
        return None
    text = " ".join(words[lo:hi])
    for kind, patterns in vocab.givers.items():
        if any(p.fullmatch(text) for p in patterns):
            return kind
    return None


# Words that join two givers in one subject: "Polisen och kommunen", "X tillsammans med Y".
JOINERS = (("och",), ("samt",), ("tillsammans", "med"), ("ihop", "med"), ("&",))
LONGEST_TERM = 4


def _subject_ending(words: list[str], pos: int, vocab: Vocabulary) -> set[str]:
    """The givers of a subject that ends just before ``words[pos]`` ("… lovar")."""
    kinds: set[str] = set()
    if pos >= 3 and words[pos - 2] in PLACE_PREPOSITIONS:
        pos -= 2
    while pos > 0:
        for length in range(min(LONGEST_TERM, pos), 0, -1):
            kind = _term_between(words, pos - length, pos, vocab)
            if kind:
                kinds.add(kind)
                pos -= length
                break
        else:
            return kinds
        for joiner in JOINERS:
            if tuple(words[max(0, pos - len(joiner)) : pos]) == joiner:
                pos -= len(joiner)
                break
        else:
            break
    if pos > 0 and words[pos - 1] in SUBJUNCTIONS:
        return set()
    return kinds


def _subject_starting(words: list[str], pos: int, vocab: Vocabulary) -> set[str]:
    """The givers of a subject that starts at ``words[pos]`` ("Därför ska polisen …")."""
    kinds: set[str] = set()
    while pos < len(words):
        for length in range(min(LONGEST_TERM, len(words) - pos), 0, -1):
            kind = _term_between(words, pos, pos + length, vocab)
            if kind:
                kinds.add(kind)
                pos += length
                break
        else:
            return kinds
        for joiner in JOINERS:
            if tuple(words[pos : pos + len(joiner)]) == joiner:
                pos += len(joiner)
                break
        else:
            return kinds
    return kinds


def _combine(kinds: set[str]) -> str | None:
    if not kinds:
        return None
    if BOTH in kinds or {POLICE, KOMMUN} <= kinds:
        return BOTH
    return POLICE if POLICE in kinds else KOMMUN


def giver_of(text: str, vocab: Vocabulary | None = None) -> str | None:
    """The giver of a sentence that promises (see the module's docstring), or None."""
    vocab = vocab or vocabulary()
    words = _words(text)
    verb = _verb_at(words, vocab)
    if verb is None:
        return None
    start, end = verb
    found = _combine(_subject_ending(words, start, vocab))
    if found is None and start <= 3:  # inverted: "Därför ska polisen …", "I år kommer vi …"
        skip = end
        while skip < len(words) and words[skip] in ADVERBS:
            skip += 1
        found = _combine(_subject_starting(words, skip, vocab))
    return found


# Words that may stand between an inverted verb and its subject ("Därför ska också vi").
ADVERBS = frozenset({"också", "även", "alltid", "därför", "fortsatt"})
# Words that open a subordinate clause: "… att kommunen ska vara trygg" promises nothing.
SUBJUNCTIONS = frozenset({"att", "som", "när", "om", "eftersom", "då", "där", "så", "medan"})
# A place after the giver: "Polisen i Oxelösund ska …".
PLACE_PREPOSITIONS = frozenset({"i", "på", "inom"})


def _heading_giver(text: str, vocab: Vocabulary) -> str | None:
    """The giver a heading line names for the items under it, or None: "Polisen lovar
    att:", "Vi lovar" (nothing after the verb), "Kommunen:" or just "Polisen"."""
    words = _words(text)
    if not words:
        return None
    verb = _verb_at(words, vocab)
    colon = text.rstrip().endswith(":")
    if colon or (verb is not None and verb[1] == len(words)):
        named = giver_of(text, vocab)
        if named:
            return named
    if len(words) <= HEADING_WORDS and verb is None:
        return _combine(_givers_in(words, vocab))
    if colon:
        return _combine(_givers_in(words[: vocab.subject_window], vocab))
    return None


_MARKUP = re.compile(r"^#{1,6}\s+|^(\*\*|__)(?=\S)|(?<=\S)(\*\*|__)(?=[:.]?$)")


def _plain(line: str) -> str:
    """A line without the Markdown marks a Word or Markdown file brings (headings, bold)."""
    return _MARKUP.sub("", line.strip()).strip()


def _bullet(line: str, vocab: Vocabulary) -> str | None:
    """The item's text when the line is a bullet or a numbered item, else None."""
    stripped = line.strip()
    for mark in vocab.bullets:
        if stripped.startswith(mark) and stripped[len(mark) : len(mark) + 1] in (" ", "\t"):
            return stripped[len(mark) :].strip()
    numbered = _NUMBERED.match(stripped)
    if numbered:
        return stripped[numbered.end() :].strip()
    return None


def _clean(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if text else text


def find_commitments(text: str, vocab: Vocabulary | None = None) -> list[FoundCommitment]:
    """The commitments of a medborgarlöfte text, in its order (see the module's docstring)."""
    vocab = vocab or vocabulary()
    found: list[FoundCommitment] = []
    heading: str | None = None
    paragraph: list[tuple[int, str]] = []

    def flush_paragraph() -> None:
        if not paragraph:
            return
        first_line = paragraph[0][0]
        joined = " ".join(line for _number, line in paragraph)
        for sentence in _SENTENCE_END.split(joined):
            if sentence.rstrip().endswith(":"):
                continue  # a heading inside prose is handled as a heading
            giver = giver_of(sentence, vocab)
            if giver:
                found.append(FoundCommitment(giver, _clean(sentence), first_line))
        paragraph.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = _plain(raw)
        if not line:
            flush_paragraph()
            continue
        item = _bullet(line, vocab)
        if item is not None:
            flush_paragraph()
            giver = giver_of(item, vocab) or heading
            if giver:
                found.append(FoundCommitment(giver, _clean(item), number))
            continue
        if heading and line[:1].islower() and not paragraph:
            # An item under "Polisen lovar att:" written without a bullet mark.
            found.append(FoundCommitment(giver_of(line, vocab) or heading, _clean(line), number))
            continue
        named = (
            _heading_giver(line, vocab) if line.endswith(":") or len(_words(line)) <= 5 else None
        )
        if named is not None:
            flush_paragraph()
            heading = named
            continue
        heading = None
        paragraph.append((number, line))
    flush_paragraph()
    return found


HEAD_LINES = 3  # the lines that hold a document's title


def is_promise(text: str, vocab: Vocabulary | None = None) -> bool:
    """Whether ``text`` is a medborgarlöfte rather than an agreement: its first lines
    name a promise and no agreement, and it holds a commitment; or it holds two
    commitments or more and names no agreement anywhere. (An agreement's own section
    on the medborgarlöfte, with its "ska", does not make it one.)"""
    vocab = vocab or vocabulary()
    lines = [_plain(line).lower() for line in text.splitlines() if line.strip()]
    head = " ".join(lines[:HEAD_LINES])
    if any(word in head for word in vocab.agreement_words):
        return False
    found = find_commitments(text, vocab)
    if any(word in head for word in vocab.promise_words):
        return bool(found)
    whole = " ".join(lines)
    return len(found) >= 2 and not any(word in whole for word in vocab.agreement_words)
