"""Read an existing samverkansöverenskommelse into a draft a coordinator can review.

A samverkansöverenskommelse is the agreement between a kommun and the Police's
lokalpolisområde (LPO) about crime prevention and safety work. Municipalities write
them in Word, PDF or on web pages, with no common template, so this parser reads the
document's *structure* first and its phrasing second:

* headings: Markdown ``#`` lines, whole-line ``**bold**``, numbered ("1.", "3.1",
  "§ 3", "Del 2:"), set in capitals, a short line naming a known section ("Syfte",
  "Uppföljning") even with no blank line after it, or a short line standing on its
  own above a paragraph or a list;
* lists with any marker ("-", "–", "•", "a)", "1)", consecutive "1."), nested by
  indentation, short unpunctuated lines one under another, lists written in a
  sentence ("prioriteras A, B samt C", "a) A, b) B och c) C"), and tables written
  as text ("Område | Aktivitet");
* then Swedish phrasing: dates ("2020-01-01", "31 december 2023"), periods
  ("för 2024–2027", "från och med … till och med …", "tills vidare … revideras vart
  tredje år"), number words ("fyra år"), parties, forums, lägesbild sources and
  signatures in blocks, columns, "Namn, titel" lines, form fields and prose.

The words it reads with (section headings, party name forms, forum kinds, role
titles, source words) are data in ``vocabulary/*.toml``, loaded once. A forum of no
known kind is kept as ``other`` with its own name; a medborgarlöfte section is
reported in :attr:`ParsedAgreement.citizen_promises`, never dropped.

Everything found is a suggestion: fields that could not be found are left empty and
listed in :attr:`ParsedAgreement.missing` so the review screen can point at them, and
:attr:`ParsedAgreement.lines` says on which line of the text each field was found.

The module is pure Python (stdlib, plus ``python-docx`` and ``pypdf`` for turning
uploaded files into text) and imports no Django models.
"""

from __future__ import annotations

import functools
import io
import re
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table as DocxTable
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph as DocxParagraph

__all__ = [
    "ParsedAgreement",
    "ParsedCitizenPromise",
    "ParsedForum",
    "ParsedParty",
    "ParsedPriorityArea",
    "ParsedSignatory",
    "extract_text",
    "parse_file",
    "parse_text",
]


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass
class ParsedParty:
    """One party to the agreement.

    Attributes
    ----------
    name : str
        "Oskarshamn" for a kommun, "LPO Västervik" for a lokalpolisområde,
        "Polismyndigheten" when the Police is a party without a named LPO.
    kind : str
        One of ``"kommun"``, ``"lpo"``, ``"police"`` or ``"other"``.
    """

    name: str
    kind: str


@dataclass
class ParsedPriorityArea:
    """A prioritised area (prioriterat område / samverkansområde / satsningsområde).

    ``activities`` are the things listed to be done in the area; ``line`` is the line of
    the text (1-based) the area was found on, 0 when not known.
    """

    title: str
    description: str = ""
    activities: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedForum:
    """A collaboration forum or method named in the agreement.

    Attributes
    ----------
    kind : str
        ``steering_group``, ``friday_meeting``, ``est``, ``sspf``, ``tistel``,
        ``neighbourhood_watch``, ``boat_watch``, ``school_leadership``,
        ``community_police`` or ``other`` (a forum of no known kind, with its own name).
    name : str
        The name as the document writes it, e.g. "Olycks- och brottsförebyggande rådet (OBRÅ)".
    description : str
        The sentence or paragraph describing it, when there is one.
    line : int
        The line it is first named on (1-based), 0 when not known.
    """

    kind: str
    name: str
    description: str = ""
    line: int = 0


@dataclass
class ParsedSignatory:
    """A person signing the agreement.

    Attributes
    ----------
    name, title : str
        "Sofia Karlsson", "Lokalpolisområdeschef".
    place : str
        The place written above the signature ("Västervik"), or "".
    signed_on : date or None
        The date written above the signature.
    organization : str
        ``"kommun"`` or ``"lpo"`` when it can be told from the title, else "".
    line : int
        The line of the name (1-based), 0 when not known.
    """

    name: str
    title: str
    place: str = ""
    signed_on: date | None = None
    organization: str = ""
    line: int = 0


@dataclass
class ParsedCitizenPromise:
    """A medborgarlöfte section: reported so the review shows it, never dropped."""

    heading: str
    text: str
    line: int = 0


@dataclass
class ParsedAgreement:
    """A structured draft of an agreement; see the module docstring.

    ``until_further_notice`` is set for an agreement that "gäller tills vidare", with
    ``revision_years`` its revision interval ("revideras vart tredje år"). ``lines``
    maps each field found to the line of the text (1-based) it was found on, so the
    review can show the source beside the value.
    """

    title: str
    parties: list[ParsedParty]
    starts_on: date | None
    ends_on: date | None
    extension_years: int | None
    consultation_months: int | None
    purpose: str
    vision: str
    overall_goals: list[str]
    two_parts: bool
    priority_areas: list[ParsedPriorityArea]
    forums: list[ParsedForum]
    situation_picture_sources: list[str]
    signatories: list[ParsedSignatory]
    missing: list[str] = field(default_factory=list)
    until_further_notice: bool = False
    revision_years: int | None = None
    follow_up: str = ""
    communication: str = ""
    citizen_promises: list[ParsedCitizenPromise] = field(default_factory=list)
    signed_place: str = ""
    signed_on: date | None = None
    lines: dict[str, int] = field(default_factory=dict)
    source_lines: list[str] = field(default_factory=list)  # the text as read, line by line


# Fields reported in ``missing`` when empty, in the order of the dataclass.
_OPTIONAL_FIELDS = (
    "title",
    "parties",
    "starts_on",
    "ends_on",
    "extension_years",
    "consultation_months",
    "purpose",
    "vision",
    "overall_goals",
    "priority_areas",
    "forums",
    "situation_picture_sources",
    "signatories",
)


# ---------------------------------------------------------------------------
# Swedish vocabulary
# ---------------------------------------------------------------------------

_MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}

# Number words as written in agreements: "förlängas med fyra år", "sex månader".
_NUMBER_WORDS = {
    "en": 1,
    "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
}
_NUMBER = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"

_ISO_DATE = r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])"
# "31 december 2023", "1:a januari 2020"
_TEXT_DATE = r"(?<!\d)(\d{1,2})(?::[ae])?\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})(?!\d)"
_ANY_DATE = re.compile(f"{_ISO_DATE}|{_TEXT_DATE}", re.IGNORECASE)
# A whole line that is only a date, optionally "den 26 april 2019".
_DATE_LINE = re.compile(rf"^(?:den\s+)?(?:{_ISO_DATE}|{_TEXT_DATE})$", re.IGNORECASE)

# "2019-2023", also with an en dash, but not the "2020-01" of an ISO date.
_YEAR_RANGE = re.compile(r"(?<![\d-])((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?![\d-])")

_LETTER = r"[^\W\d_]"
_CAP_WORD = rf"[A-ZÅÄÖÉÜ]{_LETTER}*(?:-[A-ZÅÄÖÉÜ]{_LETTER}*)?"


@dataclass(frozen=True)
class _ForumRule:
    kind: str
    # Patterns in order of preference for the forum's name.
    patterns: tuple[re.Pattern[str], ...]
    # Fixed name when the matched words are only a stem ("grannsamverkansmetoden").
    canonical: str = ""
    # A pattern the sentence around a match must hold ("skol" for school meetings).
    context: re.Pattern[str] | None = None
    # Capitalised words before "brottsförebyggande råd" that are not an owner's name.
    not_owner: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Vocabulary:
    """The words of ``vocabulary/*.toml``, compiled."""

    sections: dict[str, re.Pattern[str]]
    kommun: re.Pattern[str]
    region_kommun: re.Pattern[str]
    lpo: re.Pattern[str]
    police: re.Pattern[str]
    actor: re.Pattern[str]
    not_names: frozenset[str]
    names_ending_in_s: tuple[str, ...]
    genitives: dict[str, str]
    forum_rules: tuple[_ForumRule, ...]
    other_methods: re.Pattern[str]
    other_compound: re.Pattern[str]
    other_named: re.Pattern[str]
    not_forums: tuple[str, ...]
    forum_cues: re.Pattern[str]
    role_kommun: re.Pattern[str]
    role_police: re.Pattern[str]
    not_in_names: re.Pattern[str]
    labels: re.Pattern[str]
    signing_verbs: str
    picture: re.Pattern[str]
    source_cues: re.Pattern[str]
    source_inline: re.Pattern[str]


_VOCABULARY_DIR = PurePath(__file__).parent / "vocabulary"


def _any_of(patterns: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@functools.cache
def vocabulary() -> _Vocabulary:
    """Load and compile the vocabulary files once per process."""

    def load(name: str) -> dict[str, Any]:
        with open(_VOCABULARY_DIR / f"{name}.toml", "rb") as handle:
            return tomllib.load(handle)

    headings, parties, forums, roles, sources = (
        load(n) for n in ("headings", "parties", "forums", "roles", "sources")
    )
    qualifiers = "|".join(parties["name_qualifiers"])
    name = rf"(?:(?:{qualifiers})\s+)?{_CAP_WORD}"
    kommun_words = "|".join(parties["kommun_words"])
    directions = "|".join(parties["lpo_directions"])
    rules = []
    for rule in forums["forum"]:
        flags = 0 if rule.get("case") else re.IGNORECASE
        rules.append(
            _ForumRule(
                rule["kind"],
                tuple(re.compile(p, flags) for p in rule["patterns"]),
                rule.get("name", ""),
                re.compile(rule["context"], re.IGNORECASE) if "context" in rule else None,
                frozenset(rule.get("not_owner", ())),
            )
        )
    other = forums["other"]
    return _Vocabulary(
        sections={k: _any_of(v) for k, v in headings["sections"].items()},
        kommun=re.compile(rf"(?<![\w-])({name})\s+(?:{kommun_words})(?!\w)"),
        region_kommun=re.compile(
            rf"\bRegion\s+({'|'.join(map(re.escape, parties['region_kommuner']))})(?!\w)"
        ),
        lpo=re.compile(
            rf"(?:\b(?:{'|'.join(parties['lpo_words'])}))\s+({name}"
            rf"(?:/{_CAP_WORD})?(?:\s+(?:{directions}))?)(?![\w/])"
        ),
        police=re.compile(rf"\b(?:{'|'.join(parties['police_names'])})\b"),
        actor=re.compile(
            rf"\b((?:{'|'.join(parties['actor_words'])})(?:\s+{_CAP_WORD}){{0,3}})(?!\w)"
        ),
        not_names=frozenset(n.casefold() for n in parties["not_names"]),
        names_ending_in_s=tuple(parties["names_ending_in_s"]),
        genitives=dict(parties["genitives"]),
        forum_rules=tuple(rules),
        other_methods=_any_of(rf"\b{m}" for m in other["methods"]),
        other_compound=re.compile(
            rf"\b({_LETTER}{{3,}}?(?:{'|'.join(sorted(other['heads'], key=len, reverse=True))}))\b",
            re.IGNORECASE,
        ),
        other_named=_any_of(other["named"], 0),
        not_forums=tuple(n.casefold() for n in other["not_forums"]),
        forum_cues=_any_of(other["cues"]),
        role_kommun=_any_of(roles["kommun"]),
        role_police=_any_of(roles["police"]),
        not_in_names=_any_of(roles["not_in_names"]),
        labels=_any_of(rf"^(?:{label})\s*:?\s*$" for label in roles["labels"]),
        signing_verbs="|".join(roles["signing_verbs"]),
        picture=_any_of(sources["picture"]),
        source_cues=_any_of(sources["cues"]),
        source_inline=re.compile(rf"(?:{'|'.join(sources['inline'])})\s*(.+?)\.?$", re.IGNORECASE),
    )


_V = vocabulary()

_BULLET = re.compile(r"^(?:[-*•·▪◦‣●○■□➢►]|[–—](?=.{0,120}$))\s+(.*)$")
# "a) trygghet", "b. narkotika", "1) kontroller", "iv) …": always a list item.
_LETTERED = re.compile(r"^(?:[a-zåäö]|[ivx]{1,4}|\d{1,2})\)\s+(.*)$")
# "1. Syfte", "3.1 Ungdomsbrottslighet", "2 Parter": a heading or a list item.
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)(?:\.|(?=\s+[A-ZÅÄÖ]))\s+(.*)$")
# "§ 3 Avtalstid", "Del 2: Medborgarlöfte", "Bilaga 1": always a heading.
_SECTION_MARK = re.compile(
    r"^(?:§\s*(\d{1,2})\s*\.?\s+(.+)|((?:Del|Avsnitt|Kapitel|Bilaga)\s+(?:\d{1,2}|ett|två|tre)\b.*))$"
)
# "Område 1: Trygghet i Fisksätra", "Fokusområde 2 – Unga i riskzon": an area's heading.
_AREA_HEADING = re.compile(
    r"^(?:prioriterat\s+|gemensamt\s+)?(?:samverkans|fokus|insats|satsnings)?område\s+"
    r"\d{1,2}\s*[:.–-]\s*(\S.{1,98})$",
    re.IGNORECASE,
)
_TABLE_ROW = re.compile(r"^[^|]+(?:\s\|\s[^|]*)+$")
_RULE_LINE = re.compile(r"^[\s_.·…=*-]+$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_BOLD_LINE = re.compile(r"^(?:\*\*|__)(.+?)(?:\*\*|__):?$")
_PAGE_NUMBER = re.compile(r"^(?:sida\s+)?\d{1,3}(?:\s*(?:av|/)\s*\d{1,3})?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖÉ0-9–\"”])")


# ---------------------------------------------------------------------------
# Document model: lines -> blocks -> sections
# ---------------------------------------------------------------------------


@dataclass
class _Line:
    text: str  # cleaned: emphasis and list markers removed
    kind: str  # "blank" | "heading" | "bullet" | "text" | "row"
    level: int = 0  # heading level (Markdown or numbering depth); 0 when inferred
    number: int = 0  # line number in the original text, 1-based
    indent: int = 0  # leading spaces, for nested lists
    numbering: str = ""  # "3.1" of a numbered heading


@dataclass
class _Block:
    kind: str  # "heading" | "paragraph" | "bullets" | "table"
    text: str = ""
    items: list[str] = field(default_factory=list)
    level: int = 0
    line: int = 0
    item_lines: list[int] = field(default_factory=list)
    item_indents: list[int] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numbering: str = ""


@dataclass
class _Section:
    heading: str  # "" for the text before the first heading
    level: int
    blocks: list[_Block]
    line: int = 0
    numbering: str = ""

    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "paragraph"]

    def bullets(self) -> list[str]:
        return [item for b in self.blocks if b.kind == "bullets" for item in b.items]

    def first_line(self) -> int:
        return next((b.line for b in self.blocks if b.line), self.line)


@dataclass
class _Document:
    lines: list[_Line]
    blocks: list[_Block]
    sections: list[_Section]
    text: str  # all cleaned lines joined, for phrase searches
    raw_lines: list[str] = field(default_factory=list)  # as written, one per line
    normal_lines: list[tuple[int, str]] = field(default_factory=list)  # for line_of
    signing_line: int = 0  # where the signatures begin, once known
    signature_lines: list[Any] = field(default_factory=list)  # see _signature_lines

    def sentences(self) -> Iterator[tuple[str, str]]:
        """Yield ``(section heading, sentence)`` for every paragraph and bullet."""
        for section in self.sections:
            for block in section.blocks:
                units = [block.text] if block.kind == "paragraph" else block.items
                for unit in units:
                    for sentence in _split_sentences(unit):
                        yield section.heading, sentence

    def line_of(self, needle: str, start: int = 0) -> int:
        """The first line (1-based) at or after ``start`` holding ``needle``, else 0."""
        key = _normal(needle)[:60]
        if not key:
            return 0
        if not self.normal_lines:
            self.normal_lines = [(line.number, _normal(line.text)) for line in self.lines]
        for number, text in self.normal_lines:
            if number >= start and key in text:
                return number
        # A needle joined from several lines: the first three of its words together.
        words = _normal(needle).split()
        for i in range(max(len(words) - 2, 1)):
            window = " ".join(words[i : i + 3])
            for number, text in self.normal_lines:
                if number >= start and window in text:
                    return number
        return 0


_EMPHASIS = (
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!])"), r"\1"),
)
_SPACES = re.compile(r"\s+")


def _strip_emphasis(text: str) -> str:
    """Remove Markdown emphasis, links and escapes: ``**a**``, ``*a*``, ``[a](b)``."""
    if any(c in text for c in "*_[\\"):
        for pattern, replacement in _EMPHASIS:
            text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


# Abbreviations whose full stops end no sentence: "fr.o.m. 2023-03-01 t.o.m. 2025-02-28".
_ABBREVIATION = re.compile(
    r"\b(?:fr\.\s?o\.\s?m|t\.\s?o\.\s?m|t\.\s?ex|bl\.\s?a|m\.\s?m|s\.\s?k|d\.\s?v\.\s?s|dvs|ca|nr|kap|jfr)\.",
    re.IGNORECASE,
)


def _split_sentences(text: str) -> list[str]:
    protected = _ABBREVIATION.sub(lambda m: m[0].replace(".", "\x00"), text)
    return [s.strip().replace("\x00", ".") for s in _SENTENCE_END.split(protected) if s.strip()]


def _is_heading_candidate(text: str) -> bool:
    """A short line, starting with a capital, without a final full stop."""
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 100
        and not re.search(r"[.:;,!?]$", text)
        and not re.search(r":\s", text)  # "Period: 2024–2027" is a label and its value
        and not _ANY_DATE.search(text)  # "Kiruna 2023-12-20" is where and when it was signed
        and bool(re.match(r"[^\W\d_]", text))
        and text[0].isupper()
    )


def _is_all_caps(text: str) -> bool:
    """ "PRIORITERADE OMRÅDEN": a heading set in capitals."""
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 4
        and all(c.isupper() for c in letters)
        and len(text) <= 100
        and not text.endswith(".")
        and any(len(word) >= 4 for word in re.findall(r"\w+", text))
    )


def _names_a_section(text: str) -> bool:
    """A short line naming one of the sections the vocabulary knows ("Syfte", "Uppföljning")."""
    return (
        _is_heading_candidate(text)
        and len(text.split()) <= 6
        and any(pattern.search(text) for pattern in _V.sections.values())
    )


def _is_label_heading(line: _Line, after: _Line | None) -> bool:
    """ "Syfte:" or "Avtalstid:" on a line of its own above its text: a heading."""
    text = line.text[:-1].strip() if line.text.endswith(":") else ""
    return (
        bool(text)
        and after is not None
        and after.kind == "text"
        and _names_a_section(text)
        and not _V.sections["activities"].search(text)
    )


def _looks_like_prose(line: _Line | None) -> bool:
    return line is not None and (
        line.kind in ("bullet", "row")
        or (line.kind == "text" and (len(line.text.split()) >= 8 or line.text.endswith((".", ":"))))
    )


def _classify(raw_lines: list[str]) -> list[_Line]:
    """Turn raw lines into typed lines: markup and numbering first, then layout."""
    lines: list[_Line] = []
    for index, raw in enumerate(raw_lines):
        number = index + 1
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if not stripped or _PAGE_NUMBER.match(stripped) or _RULE_LINE.match(stripped):
            lines.append(_Line("", "blank", number=number))
            continue
        if match := _MD_HEADING.match(stripped):
            lines.append(_Line(_strip_emphasis(match[2]), "heading", len(match[1]), number))
            continue
        if match := _BULLET.match(stripped):
            lines.append(_Line(_strip_emphasis(match[1]), "bullet", number=number, indent=indent))
            continue
        if match := _LETTERED.match(stripped):
            text = _capitalise(_strip_emphasis(match[1]).rstrip(",;."))
            lines.append(_Line(text, "bullet", number=number, indent=indent))
            continue
        if match := _SECTION_MARK.match(stripped):
            text = _strip_emphasis(match[2] or match[3])
            lines.append(_Line(text, "heading", 2, number, numbering=match[1] or ""))
            continue
        if match := _NUMBERED.match(stripped):
            # "1. Otrygga platser" directly next to another numbered line is a list
            # item; a lone "2. Syfte" or "3.1 Trygghet i centrum" is a heading.
            neighbours = raw_lines[max(index - 1, 0) : index] + raw_lines[index + 1 : index + 2]
            depth = match[1].count(".") + 1
            listed = any(
                (other := _NUMBERED.match(n.strip())) and other[1].count(".") + 1 == depth
                for n in neighbours
            )
            rest = _strip_emphasis(match[2])
            if listed and (depth == 1 or not _is_heading_candidate(rest)):
                lines.append(_Line(rest, "bullet", number=number, indent=indent))
                continue
            if _is_heading_candidate(rest) or _is_all_caps(rest):
                lines.append(_Line(rest, "heading", depth + 1, number, numbering=match[1]))
                continue
            stripped = match[2]
        if _AREA_HEADING.match(stripped) and not stripped.endswith("."):
            lines.append(_Line(_strip_emphasis(stripped), "heading", 0, number))
            continue
        if _TABLE_ROW.match(stripped):
            lines.append(_Line(_strip_emphasis(stripped), "row", number=number))
            continue
        if (match := _BOLD_LINE.match(stripped)) and "**" not in match[1]:
            lines.append(_Line(_strip_emphasis(match[1]), "heading", 0, number))
            continue
        text = _strip_emphasis(stripped)
        kind = "heading" if _is_all_caps(text) and len(text.split()) <= 10 else "text"
        lines.append(_Line(text, kind, number=number, indent=indent))
    return _infer_headings(lines)


def _infer_headings(lines: list[_Line]) -> list[_Line]:
    """Mark a short line as a heading: one standing alone above a paragraph or a list,
    one naming a known section, or one directly above prose or a list."""
    for i, line in enumerate(lines):
        after = lines[i + 1] if i + 1 < len(lines) else None
        if line.kind == "text" and _is_label_heading(line, after):
            line.kind, line.text = "heading", line.text[:-1].strip()
            continue
        if line.kind != "text" or not _is_heading_candidate(line.text):
            continue
        previous = lines[i - 1] if i > 0 else None
        following = next((n for n in lines[i + 1 :] if n.kind != "blank"), None)
        if following is None:
            continue
        before_blank = previous is None or previous.kind in ("blank", "heading")
        stands_alone = after is not None and after.kind in ("blank", "bullet", "row")
        if before_blank and stands_alone and following.kind in ("text", "bullet", "row"):
            line.kind = "heading"
            continue
        if _names_a_section(line.text):
            line.kind = "heading"
            continue
        after_break = (
            previous is None
            or previous.kind in ("blank", "heading", "bullet", "row")
            or previous.text.endswith((".", ":", "!", "?"))
        )
        if after_break and len(line.text.split()) <= 8 and _looks_like_prose(after):
            line.kind = "heading"
    return lines


def _is_bare_list(lines: list[_Line]) -> bool:
    """Short lines without punctuation, one under the other: a list without markers."""
    return len(lines) >= 2 and all(
        len(line.text.split()) <= 8 and not re.search(r"[.,:;!?]$", line.text) for line in lines
    )


def _build_blocks(lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    paragraph: list[_Line] = []

    def flush() -> None:
        if not paragraph:
            return
        if _is_bare_list(paragraph):
            blocks.append(
                _Block(
                    "bullets",
                    items=[line.text for line in paragraph],
                    line=paragraph[0].number,
                    item_lines=[line.number for line in paragraph],
                    item_indents=[0] * len(paragraph),
                )
            )
        else:
            text = " ".join(line.text for line in paragraph)
            blocks.append(_Block("paragraph", text, line=paragraph[0].number))
        paragraph.clear()

    for line in lines:
        if line.kind == "text":
            paragraph.append(line)
            continue
        if line.kind == "blank":
            flush()
            continue
        flush()
        if line.kind == "heading":
            heading = _Block("heading", line.text, level=line.level, line=line.number)
            heading.numbering = line.numbering
            blocks.append(heading)
        elif line.kind == "row":
            cells = [cell.strip() for cell in line.text.split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(_Block("table", rows=[cells], line=line.number))
        elif line.kind == "bullet":
            # Consecutive bullets form one list, even with blank lines between them.
            if blocks and blocks[-1].kind == "bullets":
                block = blocks[-1]
            else:
                block = _Block("bullets", line=line.number)
                blocks.append(block)
            block.items.append(line.text)
            block.item_lines.append(line.number)
            block.item_indents.append(line.indent)
    flush()
    return blocks


def _build_sections(blocks: list[_Block]) -> list[_Section]:
    sections = [_Section("", 0, [])]
    for block in blocks:
        if block.kind == "heading":
            sections.append(_Section(block.text, block.level, [], block.line, block.numbering))
        else:
            sections[-1].blocks.append(block)
    return sections


def _read_document(text: str) -> _Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\t]", " ", text)
    text = re.sub(r"[\u200b\u200c\u200d\ufeff\u00ad]", "", text)
    raw_lines = text.split("\n")
    lines = _classify(raw_lines)
    blocks = _build_blocks(lines)
    joined = "\n".join(line.text for line in lines)
    return _Document(lines, blocks, _build_sections(blocks), joined, raw_lines)


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _date_from_match(match: re.Match[str], offset: int = 0) -> date | None:
    """Build a date from a match of ``_ISO_DATE`` followed by ``_TEXT_DATE``."""
    groups = match.groups()[offset : offset + 6]
    try:
        if groups[0]:
            return date(int(groups[0]), int(groups[1]), int(groups[2]))
        if groups[3]:
            return date(int(groups[5]), _MONTHS[groups[4].lower()], int(groups[3]))
    except ValueError:  # "2023-02-30"
        return None
    return None


def _dates_in(text: str) -> list[tuple[re.Match[str], date]]:
    found = []
    for match in _ANY_DATE.finditer(text):
        if (parsed := _date_from_match(match)) is not None:
            found.append((match, parsed))
    return found


_NOT_WORD = re.compile(r"[\W_]+")


def _normal(text: str) -> str:
    """Comparison key: case-folded letters and digits only."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _unique(items: Iterable[str]) -> list[str]:
    """Drop exact repeats (ignoring case and punctuation), keeping the first order."""
    seen: set[str] = set()
    result = []
    for item in items:
        key = _normal(item)
        if key and key not in seen:
            seen.add(key)
            result.append(item)
    return result


def _find_sections(doc: _Document, name: str) -> list[_Section]:
    """Sections whose heading names ``name`` (a key of ``headings.toml``)."""
    regex = _V.sections[name]
    return [s for s in doc.sections if s.heading and regex.search(s.heading)]


# ---------------------------------------------------------------------------
# Title
# ---------------------------------------------------------------------------


def _find_title(doc: _Document) -> str:
    """The first line that is not a short single word (a web page's "Sök"), joined
    with a following line that continues it in lower case ("mellan …")."""
    content = [line for line in doc.lines if line.kind != "blank"]
    for i, line in enumerate(content):
        if len(line.text.split()) < 2 and len(line.text) < 12:
            continue  # web-page furniture: "Sök", "Meny", "Startsida"
        if len(line.text) > 200:
            return ""  # the document starts with prose: no title
        title = line.text
        nxt = content[i + 1] if i + 1 < len(content) else None
        if (
            nxt is not None
            and nxt.text[:1].islower()
            and len(nxt.text) <= 120
            and not nxt.text.endswith(".")
        ):
            title = f"{title} {nxt.text}"
        return title.rstrip(":").strip()
    return ""


# ---------------------------------------------------------------------------
# Parties
# ---------------------------------------------------------------------------


def _base_name(name: str, text: str) -> str:
    """Remove a genitive s: "Oskarshamns kommun" -> "Oskarshamn".

    The s is kept when the document writes the name with the s on its own ("i Borås.")
    and never without it, or when the name has an ending that really takes an s.
    Irregular genitives ("Falu kommun") come from the vocabulary.
    """
    if name in _V.genitives:
        return _V.genitives[name]
    if not name.endswith("s") or len(name) < 4:
        return name
    stem = name[:-1]
    if re.search(rf"(?<![\w-]){re.escape(stem)}(?![\w-])", text):
        return stem
    after = r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:och|är|har|ska|samt|som)\b)"
    standalone = rf"(?<![\w-]){re.escape(name)}{after}"
    if re.search(standalone, text, re.MULTILINE):
        return name
    if name.casefold().endswith(_V.names_ending_in_s):
        return name
    return stem


_KOMMUN_OR_REGION = re.compile(f"{_V.kommun.pattern}|{_V.region_kommun.pattern}")


def _find_parties(doc: _Document, title: str) -> list[ParsedParty]:
    """Kommuner first (any "X kommun", "X stad", "Region Gotland"), then
    lokalpolisområden, else the Police as a whole; then other actors named as parties.

    Names found in the title, the opening text or a "parter" section win over names
    mentioned in passing later on.
    """
    party_sections = _find_sections(doc, "parties")
    party_text = [p for s in party_sections for p in s.paragraphs() + s.bullets()]
    party_text += [s for _, s in doc.sentences() if re.match(r"Parter(?:na)?\b", s)]
    # Where a text names its parties: the title, the lines under it and the text about
    # the parties; failing those, its first page; failing that, anywhere.
    opening: list[str] = []
    for line in [line for line in doc.lines if line.kind != "blank"][:4]:
        if opening and line.kind == "heading":
            break
        opening.append(line.text)
    scopes = ["\n".join([title, *opening, *party_text]), doc.text[:1500], doc.text]

    base_names: dict[str, str] = {}

    def base(name: str) -> str:
        if name not in base_names:
            base_names[name] = _base_name(name, doc.text)
        return base_names[name]

    def kommuner(text: str) -> list[str]:
        names = []
        for match in _KOMMUN_OR_REGION.finditer(text):
            found = match[1] or match[2]
            if found.casefold() not in _V.not_names:
                names.append(base(found))
        return _unique(names)

    def lpos(text: str) -> list[str]:
        return _unique(f"LPO {base(m[1])}" for m in _V.lpo.finditer(text))

    found_kommuner = next((names for scope in scopes if (names := kommuner(scope))), [])
    found_lpos = next((names for scope in scopes if (names := lpos(scope))), [])
    parties = [ParsedParty(name, "kommun") for name in found_kommuner]
    parties += [ParsedParty(name, "lpo") for name in found_lpos]
    if not any(p.kind == "lpo" for p in parties) and _V.police.search(doc.text):
        parties.append(ParsedParty("Polismyndigheten", "police"))
    # Other actors only where the text says who the parties are.
    known = {_normal(p.name) for p in parties}
    for text in party_text:
        if not re.search(r"\bparter\b", text, re.IGNORECASE) or "inte" in text or "utan" in text:
            continue
        for match in _V.actor.finditer(text):
            name = match[1].strip()
            is_kommun = _V.region_kommun.match(name)
            if not is_kommun and _normal(name) not in known and " " in name:
                known.add(_normal(name))
                parties.append(ParsedParty(name, "other"))
    return parties


# ---------------------------------------------------------------------------
# Period, extension, consultation
# ---------------------------------------------------------------------------

# Sentences that talk about how long the agreement is valid (headings: headings.toml).
_VALIDITY_SENTENCE = re.compile(
    r"gäller|giltig|sträcker sig|löper|avtalstid|avtalsperiod|perioden|träder i kraft|"
    r"\bperiod\b|tills vidare|\bavser\s+åren",
    re.IGNORECASE,
)
# Words just before a date that make it the start or the end of the period.
_START_CUE = re.compile(
    r"(?:från(?:\s+och\s+med)?|fr\.\s*o\.\s*m\.?|i kraft(?:\s+den)?)\s*(?:den\s+)?$"
)
_END_CUE = re.compile(
    r"(?:till(?:\s+och\s+med)?|t\.\s*o\.\s*m\.?|tom|ut|upphör(?:\s+att\s+gälla)?)\s*(?:den\s+)?$"
)
_RANGE_LINK = re.compile(r"^\s*(?:till\s+och\s+med|t\.\s*o\.\s*m\.?|tom|till|[-–—])\s*$")
# "från och med undertecknat datum", "från undertecknandet", "från den dag då … undertecknats"
_FROM_SIGNING = re.compile(r"från[^.]{0,30}underteckn", re.IGNORECASE)
_UNTIL_FURTHER_NOTICE = re.compile(r"\btills\s+vidare\b", re.IGNORECASE)
# "revideras vart tredje år", "ses över vart annat år", "revideras varje år"
_ORDINALS = {"annat": 2, "andra": 2, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6}
_REVISION = re.compile(
    r"\b(?:revider\w*|ses\s+över|omprövas|uppdateras)\s+(?:\w+\s+){0,3}?"
    r"(?:var(?:t|je)?\s+(annat|andra|tredje|fjärde|femte|sjätte|(\d)(?::e)?)\s+år|(varje)\s+år)",
    re.IGNORECASE,
)


@dataclass
class _Period:
    starts_on: date | None = None
    ends_on: date | None = None
    from_signing: bool = False
    until_further_notice: bool = False
    revision_years: int | None = None
    line: int = 0
    revision_line: int = 0


def _validity_sentences(doc: _Document) -> list[str]:
    heading = _V.sections["validity"]
    return [
        sentence
        for section_heading, sentence in doc.sentences()
        if heading.search(section_heading) or _VALIDITY_SENTENCE.search(sentence)
    ]


def _find_period(doc: _Document, title: str) -> _Period:
    period = _Period()
    sentences = _validity_sentences(doc)
    for sentence in sentences:
        dates = _dates_in(sentence)
        # "2020-01-01 till och med 2023-12-31"
        for (first, start), (second, end) in pairwise(dates):
            if _RANGE_LINK.match(sentence[first.end() : second.start()]) and start < end:
                period.starts_on = period.starts_on or start
                period.ends_on = period.ends_on or end
        for match, found in dates:
            before = sentence[max(match.start() - 40, 0) : match.start()]
            if period.starts_on is None and _START_CUE.search(before):
                period.starts_on = found
            elif period.ends_on is None and _END_CUE.search(before):
                period.ends_on = found
        if _FROM_SIGNING.search(sentence):
            period.from_signing = True
        if _UNTIL_FURTHER_NOTICE.search(sentence) and not period.ends_on:
            period.until_further_notice = True
            period.line = period.line or doc.line_of(sentence)
        if (revision := _REVISION.search(sentence)) and period.revision_years is None:
            word = revision[1] or ""
            period.revision_years = (
                1 if revision[3] else int(revision[2]) if revision[2] else _ORDINALS[word.lower()]
            )
            period.revision_line = doc.line_of(sentence)
        if (period.starts_on or period.ends_on) and not period.line:
            period.line = doc.line_of(sentence)
    # A year range in a validity sentence or heading, in the title or the lines
    # just under it: "2019-2023", "för 2024–2027", "Avtalsperiod 2024-2026".
    validity_headings = _find_sections(doc, "validity")
    opening = [line.text for line in doc.lines if line.kind != "blank"][:4]
    texts = [*sentences, *(s.heading for s in validity_headings), title, *opening]
    for text in texts:
        for years in _YEAR_RANGE.finditer(text):
            first_year, last_year = int(years[1]), int(years[2])
            if first_year <= last_year <= first_year + 15:
                if not period.starts_on and not period.ends_on:
                    period.line = period.line or doc.line_of(text)
                period.starts_on = period.starts_on or date(first_year, 1, 1)
                period.ends_on = period.ends_on or date(last_year, 12, 31)
    if period.ends_on:
        period.until_further_notice = False
    return period


def _find_extension_years(doc: _Document) -> tuple[int | None, int]:
    """ "Avtalet kan förlängas med fyra år i taget" -> 4 (and the line it is on)."""
    for _, sentence in doc.sentences():
        years = re.search(rf"(?<!\w){_NUMBER}(?:\s*\(\d{{1,2}}\))?\s+års?(?!\w)", sentence, re.I)
        if "förläng" in sentence.lower() and years:
            return _number(years[1]), doc.line_of(sentence)
    return None, 0


def _find_consultation_months(doc: _Document) -> tuple[int | None, int]:
    """ "Samråd ska ha skett senast sex månader före avtalstidens utgång" -> 6."""
    for _, sentence in doc.sentences():
        months = re.search(
            rf"(?<!\w){_NUMBER}(?:\s*\(\d{{1,2}}\))?\s+månad(?:er)?(?!\w)", sentence, re.I
        )
        if "samråd" in sentence.lower() and months:
            return _number(months[1]), doc.line_of(sentence)
    return None, 0


# ---------------------------------------------------------------------------
# Purpose, vision, goals, follow-up, communication
# ---------------------------------------------------------------------------


def _section_text(section: _Section, stop: int = 0) -> str:
    """Paragraphs, then list items, of blocks before line ``stop`` (0: all of them)."""
    blocks = [b for b in section.blocks if not stop or b.line < stop]
    paragraphs = [b.text for b in blocks if b.kind == "paragraph"]
    parts = paragraphs + [item for b in blocks if b.kind == "bullets" for item in b.items]
    return "\n\n".join(parts) if paragraphs else "\n".join(parts)


def _section_field(doc: _Document, name: str) -> tuple[str, int]:
    """The text of the first section named ``name`` that has text, and its line; the
    text stops at the signatures (``doc.signing_line``)."""
    for section in _find_sections(doc, name):
        if doc.signing_line and section.line >= doc.signing_line:
            continue
        if text := _section_text(section, doc.signing_line):
            return text, section.first_line()
    return "", 0


def _find_purpose(doc: _Document) -> tuple[str, int]:
    """A "Syfte" section, else the sentence "Syftet med …", else one with "syfte"."""
    if (found := _section_field(doc, "purpose"))[0]:
        return found
    sentences = [sentence for _, sentence in doc.sentences()]
    for pattern in (r"\bSyftet med\b", r"\bsyfte\b"):
        for sentence in sentences:
            if re.search(pattern, sentence, re.IGNORECASE):
                return sentence, doc.line_of(sentence)
    return "", 0


def _find_overall_goals(doc: _Document) -> tuple[list[str], int]:
    for section in _find_sections(doc, "goals"):
        if items := section.bullets() or section.paragraphs():
            return _unique(items), section.first_line()
    return [], 0


def _find_follow_up(doc: _Document) -> tuple[str, int]:
    """An "Uppföljning" section, else the first sentence saying how the work is followed up."""
    text, line = _section_field(doc, "follow_up")
    if text:
        return text, line
    for _, sentence in doc.sentences():
        if re.search(r"\bföljs\s+upp\b|\bföljer\s+\w*\s*upp\b", sentence, re.IGNORECASE):
            return sentence, doc.line_of(sentence)
    return "", 0


def _find_citizen_promises(doc: _Document, stop: int) -> list[ParsedCitizenPromise]:
    """Medborgarlöfte sections with the sections under them, up to the next section the
    vocabulary names (their follow-up, an agreement's next part) or the signatures on
    line ``stop``."""
    promises = []
    skipped = ("citizen_promise", "activities", "background")
    named = [p for k, p in _V.sections.items() if k not in skipped]
    for index, section in enumerate(doc.sections):
        if not section.heading or not _V.sections["citizen_promise"].search(section.heading):
            continue
        if stop and section.line >= stop:
            continue
        parts = [_section_text(section, stop)]
        if not parts[0] and re.search(r"överenskommelse|avtal", section.heading, re.IGNORECASE):
            continue  # a title naming both the agreement and its promises
        for later in doc.sections[index + 1 :]:
            if any(p.search(later.heading) for p in named) or (
                section.level and 0 < later.level <= section.level
            ):
                break
            if stop and later.line >= stop:
                break
            parts.append(f"{later.heading}\n{_section_text(later, stop)}")
        text = "\n\n".join(p for p in parts if p.strip())
        if text:
            promises.append(ParsedCitizenPromise(section.heading, text, section.line))
    return promises


# ---------------------------------------------------------------------------
# Priority areas
# ---------------------------------------------------------------------------

# A bullet "Trygga ungdomar, genom att arbeta med metoderna SSPF och EST" holds the
# area's title before the comma and how it is worked with after it.
_AREA_SPLIT = re.compile(r",\s+(?=(?:genom|bland annat|med hjälp av|t\.ex\.|exempelvis)\s)")
# Where a list written in a sentence begins: "följande områden: …", "nämligen …",
# "Parterna prioriterar …"; and the markers of "a) …, b) … och c) …".
_INLINE_LIST_CUES = (
    re.compile(r":\s*(.+?)\.?$"),
    re.compile(r"\bnämligen\s+(.+?)\.?$", re.IGNORECASE),
    re.compile(r"\bprioriter(?:as|ar)\s+(.+?)\.?$", re.IGNORECASE),
)
_INLINE_MARKER = re.compile(r"(?:^|\s|,)(?:[a-zåäö]|\d{1,2})\)\s+")
_ACTIVITY_COLUMN = re.compile(r"aktivitet|åtgärd|insats|arbetssätt", re.IGNORECASE)


@dataclass
class _Area:
    title: str
    line: int
    activities: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


def _areas_from_list(block: _Block) -> list[_Area]:
    """Items of a list as areas: nested items are the activities of the item above them,
    and an item repeating an earlier one heads the activities listed after it."""
    areas: list[_Area] = []
    by_key: dict[str, _Area] = {}
    top = min(block.item_indents, default=0)
    current: _Area | None = None
    repeating = False
    for item, line, indent in zip(block.items, block.item_lines, block.item_indents, strict=True):
        key = _normal(_split_area(item)[0])
        if indent > top + 1 and current is not None:
            current.activities.append(_capitalise(item.rstrip(".;,")))
        elif key in by_key:
            current, repeating = by_key[key], True
        elif repeating and current is not None:
            current.activities.append(_capitalise(item.rstrip(".;,")))
        else:
            current = _Area(item, line)
            by_key[key] = current
            areas.append(current)
    return areas


def _areas_from_table(block: _Block) -> list[_Area]:
    """A table whose first column names the areas; a column headed "Aktivitet" holds
    their activities."""
    header, *rows = block.rows
    column = next((i for i, cell in enumerate(header) if _ACTIVITY_COLUMN.search(cell)), None)
    areas: list[_Area] = []
    for offset, row in enumerate(rows, start=1):
        if not row or not row[0]:
            continue
        area = _Area(row[0], block.line + offset)
        if column is not None and column < len(row) and row[column]:
            area.activities.append(_capitalise(row[column]))
        areas.append(area)
    return areas


def _inline_list(sentence: str) -> list[str]:
    """ "… prioriteras A, B samt C." or "a) A, b) B och c) C" -> [A, B, C]."""
    if len(_INLINE_MARKER.findall(sentence)) >= 2:
        parts = _INLINE_MARKER.split(sentence)[1:]
        items = [re.sub(r"(?:,|\s+(?:och|samt))\s*$", "", p.strip()).rstrip(".") for p in parts]
        return [_capitalise(i.strip()) for i in items if i.strip()]
    for cue in _INLINE_LIST_CUES:
        if match := cue.search(sentence):
            items = _split_list(match[1])
            if len(items) >= 2 and all(len(i.split()) <= 8 for i in items):
                return items
    return []


def _child_sections(doc: _Document, section: _Section) -> list[_Section]:
    """The sections under ``section``: deeper by level or numbering, up to the next
    section the vocabulary names."""
    named = [p for k, p in _V.sections.items() if k not in ("activities", "priorities")]
    index = doc.sections.index(section)
    children: list[_Section] = []
    for later in doc.sections[index + 1 :]:
        deeper = bool(section.level and later.level > section.level)
        if not deeper and any(p.search(later.heading) for p in named):
            break
        if section.level and 0 < later.level <= section.level:
            break
        numbered_apart = not later.numbering.startswith(f"{section.numbering}.")
        if section.numbering and later.numbering and numbered_apart:
            break
        children.append(later)
    if section.level:
        top = min((s.level for s in children if s.level > section.level), default=0)
        children = [s for s in children if s.level == top or not top]
    return children


def _priority_areas_in(doc: _Document, section: _Section) -> list[_Area]:
    for block in section.blocks:
        if block.kind == "bullets":
            return _areas_from_list(block)
        if block.kind == "table" and len(block.rows) >= 2:
            return _areas_from_table(block)
    for block in section.blocks:
        if block.kind == "paragraph":
            for sentence in _split_sentences(block.text):
                if items := _inline_list(sentence):
                    return [_Area(item, block.line) for item in items]
    areas: list[_Area] = []
    by_key: dict[str, _Area] = {}
    for child in _child_sections(doc, section):
        key = _normal(child.heading)
        if key not in by_key:
            by_key[key] = _Area(child.heading, child.line)
            areas.append(by_key[key])
        area = by_key[key]
        area.activities += child.bullets()
        if text := _section_text(child):
            area.descriptions.append(text)
    return areas


def _numbered_areas(doc: _Document) -> list[_Area]:
    """Areas under headings of their own: "Område 1: Trygghet i Fisksätra"."""
    areas: list[_Area] = []
    by_key: dict[str, _Area] = {}
    for section in doc.sections:
        if not (match := _AREA_HEADING.match(section.heading)):
            continue
        key = _normal(match[1])
        if key not in by_key:
            by_key[key] = _Area(match[1].strip(), section.line)
            areas.append(by_key[key])
        by_key[key].activities += section.bullets()
        if text := _section_text(section):
            by_key[key].descriptions.append(text)
    return areas


def _priority_areas(doc: _Document) -> tuple[list[_Area], str]:
    """The areas and the heading they were found under ("" if none)."""
    if areas := _numbered_areas(doc):
        return areas, ""
    for section in _find_sections(doc, "priorities"):
        if areas := _priority_areas_in(doc, section):
            return areas, section.heading
    priorities = _V.sections["priorities"]
    # "Parterna har enats om att fokusera på tre områden: A, B och C."
    for section in doc.sections:
        for block in section.blocks:
            if block.kind != "paragraph":
                continue
            for sentence in _split_sentences(block.text):
                about = priorities.search(sentence) or re.search(r"\bområdena?\s*:", sentence)
                if about and (items := _inline_list(sentence)):
                    return [_Area(item, doc.line_of(sentence)) for item in items], ""
    for section in doc.sections:
        for block, following in pairwise(section.blocks):
            if (
                block.kind == "paragraph"
                and block.text.rstrip().endswith(":")
                and following.kind == "bullets"
                and priorities.search(block.text)
            ):
                return _areas_from_list(following), ""
    return [], ""


def _find_priority_areas(doc: _Document) -> list[ParsedPriorityArea]:
    areas, heading = _priority_areas(doc)
    result = []
    for area in areas:
        title, method = _split_area(area.title)
        descriptions = [_capitalise(method)] if method else []
        descriptions += area.descriptions
        activities = [_capitalise(a) for a in area.activities]
        # The same title used again as a heading further on: its text describes it.
        if not area.descriptions:
            for section in doc.sections:
                if section.heading != heading and _normal(section.heading) == _normal(title):
                    if text := _section_text(section):
                        descriptions.append(text)
                    activities = activities or section.bullets()
                    break
        result.append(
            ParsedPriorityArea(title, "\n\n".join(descriptions), _unique(activities), area.line)
        )
    return result


def _split_area(item: str) -> tuple[str, str]:
    """Split a list item into the area's title and how it is to be worked with."""
    parts = _AREA_SPLIT.split(item, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(), parts[1].strip().rstrip(".")
    return item.strip().rstrip("."), ""


# ---------------------------------------------------------------------------
# Forums and methods
# ---------------------------------------------------------------------------


def _forum_matches(rule: _ForumRule, text: str) -> list[re.Match[str]]:
    if not any(pattern.search(text) for pattern in rule.patterns):
        return []
    matches = [m for pattern in rule.patterns for m in pattern.finditer(text)]
    if rule.context is not None:
        context = rule.context
        matches = [m for m in matches if context.search(_sentence_around(text, m))]
    if rule.not_owner:
        matches = [m for m in matches if m[0].split()[0] not in rule.not_owner]
    return matches


def _sentence_around(text: str, match: re.Match[str]) -> str:
    start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    ends = [i for i in (text.find(". ", match.end()), text.find("\n", match.end())) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()


def _forum_name(rules: list[_ForumRule], text: str) -> str:
    for rule in rules:
        allowed = {m.span() for m in _forum_matches(rule, text)}
        if rule.canonical and allowed:
            return rule.canonical
        for pattern in rule.patterns:
            matches = [m for m in pattern.finditer(text) if m.span() in allowed]
            if matches:
                # Prefer a full name with its abbreviation, written as a proper name.
                best = max(matches, key=lambda m: ("(" in m[0], m[0][:1].isupper()))
                return _capitalise(re.sub(r"\s+", " ", best[0]))
    return ""


def _forum_description(rules: list[_ForumRule], doc: _Document) -> str:
    """A section headed by the forum, else a paragraph opening with it, else the first
    sentence mentioning it."""

    def matches(text: str) -> bool:
        return any(_forum_matches(rule, text) for rule in rules)

    for section in doc.sections:
        if section.heading and matches(section.heading) and section.paragraphs():
            return section.paragraphs()[0]
    paragraphs = [b.text for s in doc.sections for b in s.blocks if b.kind == "paragraph"]
    for paragraph in paragraphs:
        opening = paragraph[:120]  # a name opening the paragraph starts in its first 40
        if any(m.start() <= 40 for rule in rules for m in _forum_matches(rule, opening)):
            return paragraph
    for _, sentence in doc.sentences():
        if matches(sentence):
            return sentence
    return ""


def _forum_units(doc: _Document) -> Iterator[tuple[str, bool]]:
    """Sentences and table cells that may name a forum, each with whether it stands
    under a forum heading or in a forum table."""
    forum_heading = _V.sections["forums"]
    for section in doc.sections:
        under = bool(section.heading and forum_heading.search(section.heading))
        for block in section.blocks:
            if block.kind == "table":
                names_forums = bool(block.rows and forum_heading.search(block.rows[0][0]))
                for row in block.rows[1:]:
                    yield row[0], under or names_forums
                continue
            units = [block.text] if block.kind == "paragraph" else block.items
            for unit in units:
                for sentence in _split_sentences(unit):
                    yield sentence, under


_FORUM_ADJECTIVE = re.compile(
    r"(?<![\w-])((?:[Oo]perativ|[Ss]trategisk|[Gg]emensam|[Ll]okal|[Kk]ommunövergripande|"
    r"[Rr]egional|[Tt]aktisk)[a]?)\s+$"
)
_ABBREVIATION_AFTER = re.compile(r"\s*(\([A-ZÅÄÖ]{2,8}\))")


def _other_forums(doc: _Document, known: str) -> list[tuple[int, ParsedForum]]:
    """Forums of no known kind, kept as "other" with their own name: a compound ending
    in a forum word ("samordningsgruppen", "trygghetsteam") where the text says it
    meets or works, "Rådet för …", and named methods ("medborgardialoger")."""
    found: dict[str, tuple[int, ParsedForum]] = {}

    def add(name: str, sentence: str) -> None:
        name = _capitalise(re.sub(r"\s+", " ", name.strip()))
        key = _normal(name)
        if key in found or key in _normal(known):
            return
        position = doc.text.casefold().find(name.casefold())
        found[key] = (position, ParsedForum("other", name, sentence, doc.line_of(name)))

    for sentence, under_forum_heading in _forum_units(doc):
        for match in _V.other_named.finditer(sentence):
            add(match[0], sentence)
        for match in _V.other_methods.finditer(sentence):
            add(match[0], sentence)
        if not (under_forum_heading or _V.forum_cues.search(sentence)):
            continue
        for match in _V.other_compound.finditer(sentence):
            word = match[1]
            start, end = match.span(1)
            if word.casefold().startswith(_V.not_forums) or any(
                _forum_matches(rule, word) for rule in _V.forum_rules
            ):
                continue
            if any(m.start() <= match.start() < m.end() for m in _V.other_named.finditer(sentence)):
                continue
            # "Operativ samverkansgrupp (OSG)": with the adjective before it and the
            # abbreviation after it.
            if adjective := _FORUM_ADJECTIVE.search(sentence[:start]):
                word = f"{adjective[1]} {word}"
            if abbreviation := _ABBREVIATION_AFTER.match(sentence[end:]):
                word = f"{word} {abbreviation[1]}"
            add(word, sentence)
    return [pair for pair in found.values() if pair[0] >= 0]


def _find_forums(doc: _Document) -> list[ParsedForum]:
    """One entry per known kind of forum, then every other forum named, in the order
    they are first mentioned."""
    kinds: dict[str, list[_ForumRule]] = {}
    for rule in _V.forum_rules:
        kinds.setdefault(rule.kind, []).append(rule)
    found: list[tuple[int, ParsedForum]] = []
    for kind, rules in kinds.items():
        matches = [m for rule in rules for m in _forum_matches(rule, doc.text)]
        if not matches:
            continue
        name = _forum_name(rules, doc.text)
        first = min(m.start() for m in matches)
        line = doc.text.count("\n", 0, first) + 1
        forum = ParsedForum(kind, name, _forum_description(rules, doc), doc.lines[line - 1].number)
        found.append((first, forum))
    known = " | ".join(f.name for _, f in found)
    found += _other_forums(doc, known)
    return [forum for _, forum in sorted(found, key=lambda pair: pair[0])]


# ---------------------------------------------------------------------------
# Lägesbild sources
# ---------------------------------------------------------------------------


def _split_list(text: str) -> list[str]:
    """ "A, B, C samt D och E" -> [A, B, C, "D och E"]: commas, then the last chunk's
    first "samt" (the list-level conjunction) or, failing that, its first "och"."""
    chunks = [c.strip() for c in text.split(",") if c.strip()]
    if chunks:
        last = chunks.pop()
        for conjunction in (" samt ", " och "):
            if conjunction in last:
                chunks += last.split(conjunction, 1)
                break
        else:
            chunks.append(last)
    return [_capitalise(c.strip()) for c in chunks if c.strip()]


def _find_sources(doc: _Document) -> tuple[list[str], int]:
    def lead_in(heading: str, paragraph: str) -> bool:
        last_sentence = _split_sentences(paragraph)[-1]
        about_picture = _V.picture.search(paragraph) or _V.picture.search(heading)
        about_areas = _V.sections["priorities"].search(last_sentence)
        return bool(about_picture and _V.source_cues.search(last_sentence) and not about_areas)

    for section in doc.sections:
        for block, following in pairwise(section.blocks):
            if (
                block.kind == "paragraph"
                and block.text.rstrip().endswith(":")
                and following.kind == "bullets"
                and lead_in(section.heading, block.text)
            ):
                return _unique(_capitalise(i) for i in following.items), following.line
    sentences = [
        s for heading, s in doc.sentences() if _V.picture.search(s) or _V.picture.search(heading)
    ]
    for sentence in sentences:
        if (match := _V.source_inline.search(sentence)) and "," in match[1]:
            items = _split_list(match[1])
            if len(items) >= 2:
                return _unique(items), doc.line_of(sentence)
    return [], 0


# ---------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------

_PLACE = rf"{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,2}}"
_PLACE_DATE_LINE = re.compile(rf"^({_PLACE})\s*,?\s+(?:den\s+)?(?:{_ISO_DATE}|{_TEXT_DATE})$")
_PLACE_LINE = re.compile(rf"^{_PLACE}$")
_NAME = rf"{_CAP_WORD}(?:\s+(?:(?:af|av|von|van|de|der|la)\s+)?{_CAP_WORD}){{1,3}}"
_PERSON_NAME = re.compile(rf"^{_NAME}$")
# "Karin Lundqvist, kommunstyrelsens ordförande", "Jenny Lund (S), kommunalråd"
_POLITICAL_PARTY = r"(?:\s*\([A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,3}\))?"
_NAME_TITLE_LINE = re.compile(rf"^({_NAME}){_POLITICAL_PARTY}\s*,\s*(.{{3,120}})$")
_NAME_PARTY_LINE = re.compile(rf"^({_NAME}){_POLITICAL_PARTY}$")
# "Namnförtydligande: Gunnel Mattsson", "Titel: Kommunstyrelsens ordförande"
_FORM_NAME = re.compile(r"^(?:namnförtydligande|namn)\s*:\s*(.+)$", re.IGNORECASE)
_FORM_TITLE = re.compile(r"^(?:titel|befattning)\s*:\s*(.+)$", re.IGNORECASE)
_FORM_PREFIX = re.compile(r"^(?:ort\s+och\s+datum|ort,?\s+datum|datum)\s*:\s*", re.IGNORECASE)
_ON_BEHALF = re.compile(r"^(?:för|på uppdrag av)\s+(.+)$", re.IGNORECASE)
# "För Växjö kommun: Anna Ek, kommunstyrelsens ordförande"
_ON_BEHALF_NAMED = re.compile(r"^(?:för|på uppdrag av)\s+([^:]{3,60}):\s*(.+)$", re.IGNORECASE)
# "X (S), kommunstyrelsens vice ordförande, och Y, lokalpolisområdeschef, skrev på …"
_PROSE_SIGNATURES = re.compile(
    rf"({_NAME}){_POLITICAL_PARTY},\s*([^,]{{3,80}}?),\s*och\s+({_NAME}){_POLITICAL_PARTY},"
    rf"\s*([^,]{{3,80}}?),?\s+(?:{_V.signing_verbs})"
)
# "Överenskommelsen undertecknades i Örebro den 18 december 2024 av X (S), kommunstyrelsens
# ordförande, och Y, lokalpolisområdeschef."
_PROSE_SIGNED_BY = re.compile(
    rf"(?:undertecknades|skrevs\s+under|signerades)(?:\s+i\s+({_CAP_WORD}))?"
    rf"(?:\s+(?:den\s+)?(?:{_ISO_DATE}|{_TEXT_DATE}))?\s+av\s+"
    rf"({_NAME}){_POLITICAL_PARTY},\s*([^,]{{3,80}}?),\s*och\s+({_NAME}){_POLITICAL_PARTY},"
    rf"\s*([^,.]{{3,80}})"
)
_COLUMNS = re.compile(r"\S(?:\s\S|\S)*")


@dataclass
class _Anchor:
    first: int  # index of the place line, or of the place-and-date line
    after: int  # index of the first line after the date
    place: str
    signed_on: date | None


@dataclass
class _SignatureLine:
    text: str
    number: int  # line number in the original text


def _columns(raw: str) -> list[str]:
    """The cells of a line set in columns (two or more spaces apart, each short), else
    the line as one cell."""
    text = raw.strip()
    cells = re.split(r"\s{2,}", text)
    if len(cells) >= 2 and all(len(c) <= 60 for c in cells) and not text.endswith("."):
        return cells
    return [text]


def _signature_lines(doc: _Document, raw_lines: list[str]) -> list[_SignatureLine]:
    """The document's lines, with signatures set side by side in columns ("Kerstin Malm
    <spaces> Niklas Ek") read one column after the other."""
    if doc.signature_lines:
        return doc.signature_lines
    result = doc.signature_lines
    i = 0
    while i < len(doc.lines):
        columns = _columns(raw_lines[i])
        if doc.lines[i].kind != "blank" and len(columns) >= 2:
            run = []
            while i < len(doc.lines):
                cells = _columns(raw_lines[i])
                if len(cells) != len(columns) or doc.lines[i].kind == "blank":
                    break
                run.append((cells, doc.lines[i].number))
                i += 1
            for column in range(len(columns)):
                result += [_SignatureLine(_strip_emphasis(c[column]), n) for c, n in run]
                result.append(_SignatureLine("", 0))
            continue
        result.append(_SignatureLine(doc.lines[i].text, doc.lines[i].number))
        i += 1
    return result


def _anchors(texts: list[str]) -> list[_Anchor]:
    """Place-and-date lines: "Västervik 2025-01-27", "Ort och datum: Malmö 2023-12-14",
    or "Olofström" over "2020-12-18"."""
    anchors = []
    for i, text in enumerate(texts):
        text = _FORM_PREFIX.sub("", text)
        if match := _PLACE_DATE_LINE.match(text):
            anchors.append(_Anchor(i, i + 1, match[1], _date_from_match(match, 1)))
        elif match := _DATE_LINE.match(text):
            before = next((j for j in range(i - 1, -1, -1) if texts[j]), None)
            if (
                before is not None
                and _PLACE_LINE.match(texts[before])
                and not _person(texts[before])
            ):
                anchors.append(_Anchor(before, i + 1, texts[before], _date_from_match(match)))
            else:
                anchors.append(_Anchor(i, i + 1, "", _date_from_match(match)))
    return anchors


def _person(text: str) -> bool:
    return bool(_PERSON_NAME.match(text)) and not _V.not_in_names.search(text)


def _is_party_line(text: str) -> bool:
    """ "Malmö stad", "Polismyndigheten", "LPO Borås": an organization under a title."""
    return len(text) <= 60 and bool(
        _V.kommun.fullmatch(text)
        or _V.region_kommun.fullmatch(text)
        or _V.police.fullmatch(text)
        or re.fullmatch(_V.lpo.pattern, text)
    )


def _organization(title: str, on_behalf: str) -> str:
    """ "lpo" or "kommun" from the title ("Lokalpolischef", "Kommunalråd"), else from a
    "För Polismyndigheten" / "För X kommun" line above the signature."""
    for text in (title, on_behalf):
        if _V.role_police.search(text):
            return "lpo"
        if _V.role_kommun.search(text):
            return "kommun"
    return ""


def _signatories_after(
    lines: list[_SignatureLine], anchor: _Anchor, stop: int
) -> list[ParsedSignatory]:
    """Name lines, each followed by its title line(s), until ``stop`` or prose; or
    "Name, title" lines; or "Namnförtydligande:"/"Titel:" form lines."""
    people: list[ParsedSignatory] = []
    on_behalf = person_on_behalf = ""
    blank_since_name = False

    def add(name: str, title: str, number: int) -> None:
        nonlocal person_on_behalf, on_behalf, blank_since_name
        person_on_behalf, on_behalf = on_behalf, ""
        organization = _organization(title, person_on_behalf)
        people.append(
            ParsedSignatory(name, title, anchor.place, anchor.signed_on, organization, number)
        )
        blank_since_name = False

    for line in lines[anchor.after : stop]:
        text = line.text
        if not text:
            blank_since_name = True
            continue
        if _V.labels.match(text):
            continue
        if match := _FORM_NAME.match(text):
            add(match[1].strip(), "", line.number)
            continue
        if (match := _FORM_TITLE.match(text)) and people:
            people[-1].title = _capitalise(match[1].strip())
            people[-1].organization = _organization(people[-1].title, person_on_behalf)
            continue
        if match := _ON_BEHALF_NAMED.match(text):
            on_behalf, text = match[1], match[2]
        elif (match := _ON_BEHALF.match(text)) and len(text) <= 80:
            on_behalf = match[1]  # "För Västerviks kommun" above the signature
            continue
        if (match := _NAME_PARTY_LINE.match(text)) and _person(match[1]):
            add(match[1], "", line.number)
            continue
        match = _NAME_TITLE_LINE.match(text)
        if match and _person(match[1]) and not text.endswith("."):
            add(match[1], _capitalise(match[2].strip()), line.number)
            continue
        current = people[-1] if people else None
        if current is not None and current.title and _is_party_line(text):
            current.organization = current.organization or _organization(text, "")
            continue
        # A title follows its name; a blank line may only come before the first title
        # line (Word documents put every line in a paragraph of its own).
        if (
            current is None
            or len(text) > 80
            or text.endswith(".")
            or (current.title and blank_since_name)
        ):
            break
        current.title = f"{current.title}, {text}" if current.title else text
        current.organization = _organization(current.title, person_on_behalf)
        blank_since_name = False
    return people


def _prose_signatories(
    lines: list[_SignatureLine], anchors: list[_Anchor]
) -> list[ParsedSignatory]:
    """ "X (S), kommunstyrelsens ordförande, och Y, lokalpolisområdeschef, skrev på …",
    with the place and date of the nearest place-and-date line above."""
    people = []
    for line in lines:
        for match in _PROSE_SIGNED_BY.finditer(line.text):
            signed_on = _date_from_match(match, 1)
            for name, title in ((match[8], match[9]), (match[10], match[11])):
                title = _capitalise(title.strip())
                people.append(
                    ParsedSignatory(
                        name,
                        title,
                        match[1] or "",
                        signed_on,
                        _organization(title, ""),
                        line.number,
                    )
                )
    for index, line in enumerate(lines):
        for match in _PROSE_SIGNATURES.finditer(line.text):
            anchor = next((a for a in reversed(anchors) if a.first < index), None)
            place = anchor.place if anchor else ""
            signed_on = anchor.signed_on if anchor else None
            if signed_on is None and (dates := _dates_in(line.text)):
                signed_on = dates[0][1]
            for name, title in ((match[1], match[2]), (match[3], match[4])):
                title = _capitalise(title.strip())
                people.append(
                    ParsedSignatory(
                        name, title, place, signed_on, _organization(title, ""), line.number
                    )
                )
    return people


def _find_signatories(doc: _Document, raw_lines: list[str]) -> list[ParsedSignatory]:
    """Each signatory gets the place and date of the block it stands in."""
    lines = _signature_lines(doc, raw_lines)
    texts = [line.text for line in lines]
    anchors = _anchors(texts)
    people = []
    for i, anchor in enumerate(anchors):
        stop = anchors[i + 1].first if i + 1 < len(anchors) else len(texts)
        people += _signatories_after(lines, anchor, stop)
    if not people:
        people = _prose_signatories(lines, anchors)
    return people


def _signing(doc: _Document, raw_lines: list[str], people: list[ParsedSignatory]) -> _Anchor:
    """Where and when the agreement was signed, with ``first`` the line (1-based) of the
    place-and-date line: the first signatory's, else the last such line."""
    lines = _signature_lines(doc, raw_lines)
    anchors = [(lines[a.first].number, a) for a in _anchors([line.text for line in lines])]
    for person in people:
        if person.place or person.signed_on:
            line = max((n for n, _ in anchors if 0 < n <= person.line), default=person.line)
            return _Anchor(line, 0, person.place, person.signed_on)
    if anchors and people:
        line, last = anchors[-1]
        return _Anchor(line, 0, last.place, last.signed_on)
    return _Anchor(0, 0, "", None)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def _two_parts(doc: _Document) -> bool:
    """Oxelösund-style agreements in two parts: "i två delar", "del ett" … "del två"."""
    text = doc.text.lower()
    if re.search(r"\bi\s+två\s+delar\b", text):
        return True
    return bool(re.search(r"\bdel\s+(?:ett|1)\b", text) and re.search(r"\bdel\s+(?:två|2)\b", text))


def parse_text(text: str) -> ParsedAgreement:
    """Parse the text of a samverkansöverenskommelse into a draft.

    Parameters
    ----------
    text : str
        The agreement as plain text or light Markdown.

    Returns
    -------
    ParsedAgreement
        Everything found; fields that were not found are empty and named in ``missing``.

    Raises
    ------
    ValueError
        If ``text`` is not a string or holds no text.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected the agreement as text, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("the agreement text is empty")
    doc = _read_document(text)
    title = _find_title(doc)
    signatories = _find_signatories(doc, doc.raw_lines)
    signing = _signing(doc, doc.raw_lines, signatories)
    doc.signing_line = signing.first
    period = _find_period(doc, title)
    starts_on = period.starts_on
    if starts_on is None and period.from_signing:
        signed = [s.signed_on for s in signatories if s.signed_on]
        starts_on = min(signed) if signed else signing.signed_on
    extension_years, extension_line = _find_extension_years(doc)
    consultation_months, consultation_line = _find_consultation_months(doc)
    purpose, purpose_line = _find_purpose(doc)
    vision, vision_line = _section_field(doc, "vision")
    goals, goals_line = _find_overall_goals(doc)
    sources, sources_line = _find_sources(doc)
    follow_up, follow_up_line = _find_follow_up(doc)
    communication, communication_line = _section_field(doc, "communication")
    parties = _find_parties(doc, title)
    areas = _find_priority_areas(doc)
    forums = _find_forums(doc)
    agreement = ParsedAgreement(
        title=title,
        parties=parties,
        starts_on=starts_on,
        ends_on=period.ends_on,
        extension_years=extension_years,
        consultation_months=consultation_months,
        purpose=purpose,
        vision=vision,
        overall_goals=goals,
        two_parts=_two_parts(doc),
        priority_areas=areas,
        forums=forums,
        situation_picture_sources=sources,
        signatories=signatories,
        until_further_notice=period.until_further_notice,
        revision_years=period.revision_years,
        follow_up=follow_up,
        communication=communication,
        citizen_promises=_find_citizen_promises(doc, signing.first),
        signed_place=signing.place,
        signed_on=signing.signed_on,
    )
    agreement.missing = [
        name for name in _OPTIONAL_FIELDS if getattr(agreement, name) in (None, "", [])
    ]
    period_line = period.line or (signing.first if starts_on else 0)
    found_on = {
        "title": doc.line_of(title) if title else 0,
        "parties": min((doc.line_of(p.name.removeprefix("LPO ")) for p in parties), default=0),
        "starts_on": period_line if starts_on else 0,
        "ends_on": period_line if period.ends_on else 0,
        "until_further_notice": period.line if period.until_further_notice else 0,
        "revision_years": period.revision_line,
        "extension_years": extension_line,
        "consultation_months": consultation_line,
        "purpose": purpose_line,
        "vision": vision_line,
        "overall_goals": goals_line,
        "priority_areas": areas[0].line if areas else 0,
        "activities": next((a.line for a in areas if a.activities), 0),
        "forums": min((f.line for f in forums if f.line), default=0),
        "sources": sources_line,
        "situation_picture_sources": sources_line,
        "follow_up": follow_up_line,
        "communication": communication_line,
        "citizen_promises": agreement.citizen_promises[0].line if agreement.citizen_promises else 0,
        "signatories": signatories[0].line if signatories else 0,
        "signed_place": signing.first if signing.place else 0,
        "signed_on": signing.first if signing.signed_on else 0,
    }
    agreement.lines = {name: line for name, line in found_on.items() if line}
    agreement.source_lines = [line.rstrip() for line in doc.raw_lines]
    return agreement


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

_TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
_SUPPORTED = ".txt, .md, .docx, .pdf"


def _decode_text(data: bytes, filename: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ValueError(f"{filename!r} is not a readable text file")


def _docx_paragraph_line(paragraph: DocxParagraph, styles: dict[str, str]) -> str:
    """One Word paragraph as a line, with headings and list items marked as Markdown.

    ``styles`` maps style ids to names: looking each paragraph's style up through
    python-docx reads the whole style sheet every time (seconds for a long document).
    """
    text = paragraph.text.strip()
    if not text:
        return ""
    p_pr = paragraph._p.pPr
    style_id = p_pr.style if p_pr is not None else None
    style = styles.get(style_id or "", "") if style_id else ""
    if style == "Title":
        return f"# {text}"
    if heading := re.match(r"(?:Heading|Rubrik)\s*(\d)", style):
        return f"{'#' * min(int(heading[1]) + 1, 6)} {text}"
    if "List" in style or "Lista" in style or (p_pr is not None and p_pr.numPr is not None):
        return f"- {text}"
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs) and "\n" not in text:
        return f"**{text}**"
    return text


def _docx_table_rows(table: DocxTable) -> list[list[str]]:
    """The rows of a table of two or more columns whose cells each hold at most one
    short line, else [] (a table laying out signatures, or paragraphs of text)."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            lines = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
            if len(lines) > 1 or (lines and (len(lines[0]) > 120 or "|" in lines[0])):
                return []
            cells.append(lines[0] if lines else "")
        rows.append(cells)
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return []
    return rows


def _docx_lines(container: DocxDocument | _Cell, styles: dict[str, str]) -> Iterator[str]:
    """Paragraphs and table cells in document order, each followed by a blank line."""
    from docx.table import Table as DocxTable

    for item in container.iter_inner_content():
        if isinstance(item, DocxTable) and (rows := _docx_table_rows(item)):
            # A grid of one-line cells ("Område | Aktivitet | Ansvarig") stays a table.
            yield from (" | ".join(row) for row in rows)
            yield ""
        elif isinstance(item, DocxTable):
            seen: set[int] = set()
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    yield from _docx_lines(cell, styles)
        else:
            yield _docx_paragraph_line(item, styles)
            yield ""


def _check_unpacked_size(data: bytes, filename: str) -> None:
    """A Word file is a zip archive: refuse, before python-docx builds its document tree
    in memory, one whose parts unpack to more than ``AGREEMENT_MAX_UNCOMPRESSED_BYTES``
    or at the ratio of a zip bomb."""
    from django.conf import settings

    from samverka.lib.unpacking import check_zip

    check_zip(
        data,
        filename,
        max_total=settings.AGREEMENT_MAX_UNCOMPRESSED_BYTES,
        max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
    )


def _docx_text(data: bytes, filename: str) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError(f"{filename!r} is not a readable Word (.docx) document")
    _check_unpacked_size(data, filename)
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{filename!r} is not a readable Word (.docx) document") from exc
    styles = {style.style_id: style.name or "" for style in document.styles}
    return "\n".join(_docx_lines(document, styles))


def _pdf_text(data: bytes, filename: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError(f"{filename!r} is a password-protected PDF")
        pages: list[str] = []
        limit = _pdf_text_limit()
        for page in reader.pages:
            if sum(len(p) for p in pages) > limit:
                raise ValueError(
                    f"{filename!r} holds more text than an agreement does "
                    f"(over {limit // (1024 * 1024)} MB)"
                )
            # Layout mode keeps the blank lines between paragraphs and headings.
            try:
                pages.append(page.extract_text(extraction_mode="layout"))
            except (PyPdfError, ValueError, KeyError, TypeError, ZeroDivisionError):
                pages.append(page.extract_text())
    except (PyPdfError, KeyError, TypeError, OSError, ZeroDivisionError) as exc:
        raise ValueError(f"{filename!r} is not a readable PDF") from exc
    return "\n\n".join(pages)


def _pdf_text_limit() -> int:
    from django.conf import settings

    return int(settings.AGREEMENT_MAX_UNCOMPRESSED_BYTES)


def extract_text(data: bytes, filename: str) -> str:
    """Extract the text of an uploaded agreement.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        The uploaded file's name; its extension picks the reader (.txt, .md, .docx, .pdf).

    Returns
    -------
    str
        Plain text; Word headings come back as ``#`` lines and list items as ``- `` lines.

    Raises
    ------
    ValueError
        For an unsupported file type, content that cannot be read, or a file without text
        (for example a scanned PDF). The message names the file.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        text = _decode_text(data, filename)
    elif suffix == ".docx":
        text = _docx_text(data, filename)
    elif suffix == ".pdf":
        text = _pdf_text(data, filename)
    else:
        kind = f"type {suffix!r}" if suffix else "type (no file extension)"
        raise ValueError(f"{filename!r} has an unsupported file {kind}; use {_SUPPORTED}")
    if not text.strip():
        raise ValueError(f"{filename!r} contains no text (a scanned document needs OCR first)")
    return text


def parse_file(data: bytes, filename: str) -> ParsedAgreement:
    """Extract the text of an uploaded agreement and parse it.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        The uploaded file's name (.txt, .md, .docx or .pdf).

    Returns
    -------
    ParsedAgreement

    Raises
    ------
    ValueError
        See :func:`extract_text` and :func:`parse_text`.
    """
    return parse_text(extract_text(data, filename))
