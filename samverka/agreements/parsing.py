"""Read an existing samverkansöverenskommelse into a draft a coordinator can review.

A samverkansöverenskommelse is the agreement between a kommun and the Police's
lokalpolisområde (LPO) about crime prevention and safety work. Municipalities write
them in Word, PDF or on web pages, with no common template, so this parser works from
the *structure* such documents share rather than from any one layout:

* headings (Markdown ``#`` lines, whole-line ``**bold**``, or a short line without a
  final full stop standing on its own above a paragraph),
* bullet lists, usually introduced by a lead-in sentence ending in a colon,
* Swedish dates ("2020-01-01", "31 december 2023"), year ranges ("2025-2027") and
  number words ("fyra år", "sex månader"),
* the phrases Swedish agreements use for parties, validity, extension, priority areas,
  collaboration forums and the signature block at the end.

Everything found is a suggestion: fields that could not be found are left empty and
listed in :attr:`ParsedAgreement.missing` so the review screen can point at them.

The module is pure Python (stdlib, plus ``python-docx`` and ``pypdf`` for turning
uploaded files into text) and imports no Django models.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph as DocxParagraph

__all__ = [
    "ParsedAgreement",
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
    """A prioritised area (prioriterat område / samverkansområde / satsningsområde)."""

    title: str
    description: str = ""


@dataclass
class ParsedForum:
    """A collaboration forum or method named in the agreement.

    Attributes
    ----------
    kind : str
        ``steering_group``, ``friday_meeting``, ``est``, ``sspf``, ``tistel``,
        ``neighbourhood_watch``, ``boat_watch``, ``school_leadership``,
        ``community_police`` or ``other``.
    name : str
        The name as the document writes it, e.g. "Olycks- och brottsförebyggande rådet (OBRÅ)".
    description : str
        The sentence or paragraph describing it, when there is one.
    """

    kind: str
    name: str
    description: str = ""


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
    """

    name: str
    title: str
    place: str = ""
    signed_on: date | None = None
    organization: str = ""


@dataclass
class ParsedAgreement:
    """A structured draft of an agreement; see the module docstring."""

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

# Kommun names with more than one word start with one of these ("Upplands Väsby",
# "Östra Göinge", "Lilla Edet"); any other capitalised word before a name is a
# sentence start ("I Västerviks kommun").
_NAME_QUALIFIERS = ("Lilla", "Stora", "Östra", "Västra", "Norra", "Södra", "Övre", "Upplands")
_KOMMUN = re.compile(
    rf"(?<![\w-])((?:(?:{'|'.join(_NAME_QUALIFIERS)})\s+)?{_CAP_WORD})\s+kommuns?(?!\w)"
)
# Capitalised words that can stand before "kommun" without being a name.
_NOT_NAMES = {
    "alla",
    "annan",
    "berörd",
    "den",
    "denna",
    "det",
    "egen",
    "en",
    "ett",
    "hela",
    "respektive",
    "samma",
    "varje",
    "vilken",
    "vår",
}
# "Lokalpolisområde Nybro", "lokalpolisområde Nyköping", "LPO Karlshamn"; a second
# word only as a direction ("LPO Malmö Syd") or after a qualifier ("Södra Älvsborg").
_LPO = re.compile(
    r"(?:\b[Ll]okalpolisområde|\bLPO)\s+("
    rf"(?:(?:{'|'.join(_NAME_QUALIFIERS)}|Centrala|Mellersta)\s+)?{_CAP_WORD}"
    r"(?:\s+(?:Syd|Norr|Nord|Väst|Öst|City|Centrum))?)(?!\w)"
)
# Swedish place names that really end in s take no genitive s ("Borås kommun",
# "Hagfors kommun", "Bollnäs kommun").
_NAMES_ENDING_IN_S = ("fors", "näs", "ås")

_BULLET = re.compile(r"^(?:[-*•·▪◦‣●○■□➢►]|[–—](?=.{0,120}$))\s+(.*)$")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*[.)]\s+(.*)$")
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
    kind: str  # "blank" | "heading" | "bullet" | "text"
    level: int = 0  # Markdown heading level; 0 for headings inferred from layout


@dataclass
class _Block:
    kind: str  # "heading" | "paragraph" | "bullets"
    text: str = ""
    items: list[str] = field(default_factory=list)
    level: int = 0


@dataclass
class _Section:
    heading: str  # "" for the text before the first heading
    level: int
    blocks: list[_Block]

    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "paragraph"]

    def bullets(self) -> list[str]:
        return [item for b in self.blocks if b.kind == "bullets" for item in b.items]


@dataclass
class _Document:
    lines: list[_Line]
    blocks: list[_Block]
    sections: list[_Section]
    text: str  # all cleaned lines joined, for phrase searches

    def sentences(self) -> Iterator[tuple[str, str]]:
        """Yield ``(section heading, sentence)`` for every paragraph and bullet."""
        for section in self.sections:
            for block in section.blocks:
                units = [block.text] if block.kind == "paragraph" else block.items
                for unit in units:
                    for sentence in _split_sentences(unit):
                        yield section.heading, sentence


def _strip_emphasis(text: str) -> str:
    """Remove Markdown emphasis, links and escapes: ``**a**``, ``*a*``, ``[a](b)``."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)", r"\1", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _is_heading_candidate(text: str) -> bool:
    """A short line, starting with a capital, without a final full stop."""
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 100
        and not re.search(r"[.:;,!?]$", text)
        and bool(re.match(r"[^\W\d_]", text))
        and text[0].isupper()
    )


def _classify(raw_lines: list[str]) -> list[_Line]:
    """Turn raw lines into typed lines: Markdown markup first, then layout."""
    lines: list[_Line] = []
    for index, raw in enumerate(raw_lines):
        stripped = raw.strip()
        if not stripped or _PAGE_NUMBER.match(stripped):
            lines.append(_Line("", "blank"))
            continue
        if match := _MD_HEADING.match(stripped):
            lines.append(_Line(_strip_emphasis(match[2]), "heading", len(match[1])))
            continue
        if match := _BULLET.match(stripped):
            lines.append(_Line(_strip_emphasis(match[1]), "bullet"))
            continue
        if match := _NUMBERED.match(stripped):
            # "1. Otrygga platser" directly next to another numbered line is a list
            # item; a lone "2. Syfte" is a numbered heading or paragraph.
            neighbours = raw_lines[max(index - 1, 0) : index] + raw_lines[index + 1 : index + 2]
            if any(_NUMBERED.match(n.strip()) for n in neighbours):
                lines.append(_Line(_strip_emphasis(match[1]), "bullet"))
                continue
            stripped = match[1]
        if (match := _BOLD_LINE.match(stripped)) and "**" not in match[1]:
            lines.append(_Line(_strip_emphasis(match[1]), "heading", 0))
            continue
        lines.append(_Line(_strip_emphasis(stripped), "text"))
    return _infer_headings(lines)


def _infer_headings(lines: list[_Line]) -> list[_Line]:
    """Mark a short line standing alone above a paragraph or a list as a heading."""
    for i, line in enumerate(lines):
        if line.kind != "text" or not _is_heading_candidate(line.text):
            continue
        before_blank = i == 0 or lines[i - 1].kind in ("blank", "heading")
        after = lines[i + 1] if i + 1 < len(lines) else None
        if not before_blank or after is None or after.kind not in ("blank", "bullet"):
            continue
        following = next((n for n in lines[i + 1 :] if n.kind != "blank"), None)
        if following is not None and following.kind in ("text", "bullet"):
            line.kind = "heading"
    return lines


def _build_blocks(lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for line in lines:
        if line.kind == "text":
            paragraph.append(line.text)
            continue
        flush()
        if line.kind == "heading":
            blocks.append(_Block("heading", line.text, level=line.level))
        elif line.kind == "bullet":
            # Consecutive bullets form one list, even with blank lines between them.
            if blocks and blocks[-1].kind == "bullets":
                blocks[-1].items.append(line.text)
            else:
                blocks.append(_Block("bullets", items=[line.text]))
    flush()
    return blocks


def _build_sections(blocks: list[_Block]) -> list[_Section]:
    sections = [_Section("", 0, [])]
    for block in blocks:
        if block.kind == "heading":
            sections.append(_Section(block.text, block.level, []))
        else:
            sections[-1].blocks.append(block)
    return sections


def _read_document(text: str) -> _Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\t]", " ", text)
    text = re.sub(r"[\u200b\u200c\u200d\ufeff\u00ad]", "", text)
    lines = _classify(text.split("\n"))
    blocks = _build_blocks(lines)
    joined = "\n".join(line.text for line in lines)
    return _Document(lines, blocks, _build_sections(blocks), joined)


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


def _normal(text: str) -> str:
    """Comparison key: case-folded letters and digits only."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


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


def _find_sections(doc: _Document, pattern: str) -> list[_Section]:
    regex = re.compile(pattern, re.IGNORECASE)
    return [s for s in doc.sections if s.heading and regex.search(s.heading)]


def _bullets_after_lead_in(doc: _Document, accept: Callable[[str, str], bool]) -> list[str] | None:
    """Bullets following a paragraph whose last sentence ends in a colon.

    ``accept(section_heading, paragraph)`` decides whether the lead-in is the right one.
    """
    for section in doc.sections:
        for block, following in pairwise(section.blocks):
            if (
                block.kind == "paragraph"
                and block.text.rstrip().endswith(":")
                and following.kind == "bullets"
                and accept(section.heading, block.text)
            ):
                return following.items
    return None


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
    """
    if not name.endswith("s") or len(name) < 4:
        return name
    stem = name[:-1]
    if re.search(rf"(?<![\w-]){re.escape(stem)}(?![\w-])", text):
        return stem
    after = r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:och|är|har|ska|samt|som)\b)"
    standalone = rf"(?<![\w-]){re.escape(name)}{after}"
    if re.search(standalone, text, re.MULTILINE):
        return name
    if name.casefold().endswith(_NAMES_ENDING_IN_S):
        return name
    return stem


def _scoped(names_in_scope: list[str], names_anywhere: list[str]) -> list[str]:
    return names_in_scope or names_anywhere


def _find_parties(doc: _Document, title: str) -> list[ParsedParty]:
    """Kommuner first, then lokalpolisområden, else the Police as a whole.

    Names found in the title, the opening text or a "parter" section win over names
    mentioned in passing later on.
    """
    party_sections = _find_sections(doc, r"\bpart")
    scope = "\n".join(
        [title, doc.text[:1500]] + [p for s in party_sections for p in s.paragraphs() + s.bullets()]
    )

    def kommuner(text: str) -> list[str]:
        names = []
        for match in _KOMMUN.finditer(text):
            if match[1].casefold() not in _NOT_NAMES:
                names.append(_base_name(match[1], doc.text))
        return _unique(names)

    def lpos(text: str) -> list[str]:
        return _unique(f"LPO {_base_name(m[1], doc.text)}" for m in _LPO.finditer(text))

    parties = [ParsedParty(name, "kommun") for name in _scoped(kommuner(scope), kommuner(doc.text))]
    parties += [ParsedParty(name, "lpo") for name in _scoped(lpos(scope), lpos(doc.text))]
    if not any(p.kind == "lpo" for p in parties) and re.search(
        r"\bPolis(?:myndigheten|en)\b", doc.text, re.IGNORECASE
    ):
        parties.append(ParsedParty("Polismyndigheten", "police"))
    return parties


# ---------------------------------------------------------------------------
# Period, extension, consultation
# ---------------------------------------------------------------------------

# Headings and sentences that talk about how long the agreement is valid.
_VALIDITY_HEADING = r"giltighet|avtalstid|avtalsperiod|löptid|period|gäller"
_VALIDITY_SENTENCE = re.compile(
    r"gäller|giltig|sträcker sig|löper|avtalstid|avtalsperiod|perioden|träder i kraft",
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


@dataclass
class _Period:
    starts_on: date | None = None
    ends_on: date | None = None
    from_signing: bool = False


def _validity_sentences(doc: _Document) -> list[str]:
    heading = re.compile(_VALIDITY_HEADING, re.IGNORECASE)
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
    # A year range in a validity section or in the title: "2019-2023".
    for text in [*sentences, title]:
        for years in _YEAR_RANGE.finditer(text):
            first_year, last_year = int(years[1]), int(years[2])
            if first_year <= last_year <= first_year + 15:
                period.starts_on = period.starts_on or date(first_year, 1, 1)
                period.ends_on = period.ends_on or date(last_year, 12, 31)
    return period


def _find_extension_years(doc: _Document) -> int | None:
    """ "Avtalet kan förlängas med fyra år i taget" -> 4."""
    for _, sentence in doc.sentences():
        years = re.search(rf"(?<!\w){_NUMBER}\s+års?(?!\w)", sentence, re.IGNORECASE)
        if "förläng" in sentence.lower() and years:
            return _number(years[1])
    return None


def _find_consultation_months(doc: _Document) -> int | None:
    """ "Samråd ska ha skett senast sex månader före avtalstidens utgång" -> 6."""
    for _, sentence in doc.sentences():
        months = re.search(rf"(?<!\w){_NUMBER}\s+månad(?:er)?(?!\w)", sentence, re.IGNORECASE)
        if "samråd" in sentence.lower() and months:
            return _number(months[1])
    return None


# ---------------------------------------------------------------------------
# Purpose, vision, goals
# ---------------------------------------------------------------------------


def _section_text(section: _Section) -> str:
    parts = section.paragraphs() + section.bullets()
    return "\n\n".join(parts) if section.paragraphs() else "\n".join(parts)


def _find_purpose(doc: _Document) -> str:
    """A "Syfte" section, else the sentence "Syftet med …", else one with "syfte"."""
    for section in _find_sections(doc, r"\bsyfte"):
        if text := _section_text(section):
            return text
    sentences = [sentence for _, sentence in doc.sentences()]
    for pattern in (r"\bSyftet med\b", r"\bsyfte\b"):
        for sentence in sentences:
            if re.search(pattern, sentence, re.IGNORECASE):
                return sentence
    return ""


def _find_vision(doc: _Document) -> str:
    for section in _find_sections(doc, r"\bvision"):
        if text := _section_text(section):
            return text
    return ""


def _find_overall_goals(doc: _Document) -> list[str]:
    pattern = r"^(?:övergripande|gemensamma|långsiktiga)?\s*(?:mål|målsättning(?:ar)?)\b"
    for section in _find_sections(doc, pattern):
        if items := section.bullets() or section.paragraphs():
            return _unique(items)
    return []


# ---------------------------------------------------------------------------
# Priority areas
# ---------------------------------------------------------------------------

_PRIORITY = r"prioriter|samverkansområde|satsningsområde|fokusområde|insatsområde"
# A bullet "Trygga ungdomar, genom att arbeta med metoderna SSPF och EST" holds the
# area's title before the comma and how it is worked with after it.
_AREA_SPLIT = re.compile(r",\s+(?=(?:genom|bland annat|med hjälp av|t\.ex\.|exempelvis)\s)")


def _subheading_titles(doc: _Document, section: _Section) -> list[str]:
    """Titles of Markdown/Word sub-headings directly under ``section``."""
    if section.level == 0:
        return []
    index = doc.sections.index(section)
    below: list[_Section] = []
    for later in doc.sections[index + 1 :]:
        if 0 < later.level <= section.level:
            break
        if later.level > section.level:
            below.append(later)
    top = min((s.level for s in below), default=0)
    return [s.heading for s in below if s.level == top]


def _priority_titles(doc: _Document) -> tuple[list[str], str]:
    """The listed area titles and the heading they were found under ("" if none)."""
    sections = _find_sections(doc, _PRIORITY)
    for section in sections:
        if items := section.bullets():
            return items, section.heading
    for section in sections:
        if titles := _subheading_titles(doc, section):
            return titles, section.heading
    listed = _bullets_after_lead_in(
        doc, lambda _heading, lead_in: bool(re.search(_PRIORITY, lead_in, re.IGNORECASE))
    )
    return listed or [], ""


def _find_priority_areas(doc: _Document) -> list[ParsedPriorityArea]:
    items, heading = _priority_titles(doc)
    areas = []
    for item in _unique(items):
        title, method = _split_area(item)
        descriptions = [_capitalise(method)] if method else []
        # The same title used again as a heading further on: its text describes it.
        for section in doc.sections:
            if section.heading != heading and _normal(section.heading) == _normal(title):
                if text := _section_text(section):
                    descriptions.append(text)
                break
        areas.append(ParsedPriorityArea(title, "\n\n".join(descriptions)))
    return areas


def _split_area(item: str) -> tuple[str, str]:
    """Split a list item into the area's title and how it is to be worked with."""
    parts = _AREA_SPLIT.split(item, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(), parts[1].strip().rstrip(".")
    return item.strip().rstrip("."), ""


# ---------------------------------------------------------------------------
# Forums and methods
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _ForumRule:
    kind: str
    # Patterns in order of preference for the forum's name.
    patterns: tuple[re.Pattern[str], ...]
    # Fixed name when the matched words are only a stem ("grannsamverkansmetoden").
    canonical: str = ""


_FORUM_RULES = (
    _ForumRule(
        "steering_group",
        (
            # "Lokala Brottsförebyggande Rådet (BRÅ)", "lokalt brottsförebyggande råd",
            # "Olycks- och brottsförebyggande rådet (OBRÅ)". A bare "Brottsförebyggande
            # rådet" is the national agency, not a local forum.
            re.compile(
                r"(?:olycks-\s+och\s+|lokal[at]?\s+|kommunal[at]?\s+)brottsförebyggande\s+"
                r"råd(?:et)?(?:\s*\((?:o?brå)\))?",
                re.IGNORECASE,
            ),
            re.compile(r"\blokal[at]?\s+brå\b", re.IGNORECASE),
            re.compile(r"\bOBRÅ\b|\bOBrå\b"),
            re.compile(r"\bstyrgrupp\w*", re.IGNORECASE),
        ),
    ),
    _ForumRule("friday_meeting", (re.compile(r"\bfredagsmöte\w*", re.IGNORECASE),), "Fredagsmöte"),
    _ForumRule(
        "est",
        (
            re.compile(
                r"\beffektiv\s+samordning\s+för\s+(?:ökad\s+)?trygghet(?:\s*\(EST\))?",
                re.IGNORECASE,
            ),
            re.compile(r"\bEST\b"),
        ),
    ),
    _ForumRule("sspf", (re.compile(r"\bSSPF\b(?:\s*\([^)]*\))?"),)),
    _ForumRule("tistel", (re.compile(r"\btistel\b", re.IGNORECASE),), "Tistel"),
    _ForumRule(
        "neighbourhood_watch",
        (re.compile(r"\bgrannsamverkan\w*", re.IGNORECASE),),
        "Grannsamverkan",
    ),
    _ForumRule("boat_watch", (re.compile(r"\bbåtsamverkan\w*", re.IGNORECASE),), "Båtsamverkan"),
    _ForumRule(
        "school_leadership",
        (re.compile(r"\bmöte\w*\s+med\s+(?:skol)?ledning\w*", re.IGNORECASE),),
    ),
    # "samarbete … med kommunpolisen"; "kommunpolis Mattias Hedström" is a person's
    # title, not a way of working together.
    _ForumRule(
        "community_police",
        (re.compile(rf"\bkommunpolis\w*(?!\s+{_CAP_WORD}\s+{_CAP_WORD})", re.IGNORECASE),),
        "Kommunpolis",
    ),
)
_SCHOOL = re.compile(r"skol|gymnasi|rektor", re.IGNORECASE)


def _forum_matches(rule: _ForumRule, text: str) -> list[re.Match[str]]:
    matches = [m for pattern in rule.patterns for m in pattern.finditer(text)]
    if rule.kind == "school_leadership":
        matches = [m for m in matches if _SCHOOL.search(_sentence_around(text, m))]
    return matches


def _sentence_around(text: str, match: re.Match[str]) -> str:
    start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    ends = [i for i in (text.find(". ", match.end()), text.find("\n", match.end())) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()


def _forum_name(rule: _ForumRule, text: str) -> str:
    if rule.canonical:
        return rule.canonical
    for pattern in rule.patterns:
        matches = list(pattern.finditer(text))
        if matches:
            # Prefer a full name with its abbreviation, written as a proper name.
            best = max(matches, key=lambda m: ("(" in m[0], m[0][:1].isupper()))
            return _capitalise(re.sub(r"\s+", " ", best[0]))
    return ""


def _forum_description(rule: _ForumRule, doc: _Document) -> str:
    """A section headed by the forum, else a paragraph opening with it, else the first
    sentence mentioning it."""
    for section in doc.sections:
        heading_match = section.heading and _forum_matches(rule, section.heading)
        if heading_match and section.paragraphs():
            return section.paragraphs()[0]
    paragraphs = [b.text for s in doc.sections for b in s.blocks if b.kind == "paragraph"]
    for paragraph in paragraphs:
        if any(m.start() <= 40 for m in _forum_matches(rule, paragraph)):
            return paragraph
    for _, sentence in doc.sentences():
        if _forum_matches(rule, sentence):
            return sentence
    return ""


def _find_forums(doc: _Document) -> list[ParsedForum]:
    """One entry per kind of forum, in the order they are first mentioned."""
    found: list[tuple[int, ParsedForum]] = []
    for rule in _FORUM_RULES:
        matches = _forum_matches(rule, doc.text)
        if not matches:
            continue
        forum = ParsedForum(rule.kind, _forum_name(rule, doc.text), _forum_description(rule, doc))
        found.append((min(m.start() for m in matches), forum))
    return [forum for _, forum in sorted(found, key=lambda pair: pair[0])]


# ---------------------------------------------------------------------------
# Lägesbild sources
# ---------------------------------------------------------------------------

_PICTURE = re.compile(r"lägesbild|problembild", re.IGNORECASE)
_SOURCE_CUE = re.compile(
    r"\butgå|\bkällor|\bunderlag|\bbygg(?:a|er)\s+på|\bbaser|\bhämta", re.IGNORECASE
)
# "Källor som alltid ska ingå i framtagande av lägesbilden är A, B, C samt D."
_SOURCES_ARE = re.compile(r"\bkällor\b[^.]*?\bär\s+(.+?)\.?$", re.IGNORECASE)
# "… har tagits fram genom insamling av data i form av A, B samt C."
_SOURCES_INLINE = re.compile(
    r"\b(?:i form av|utgå(?:r)? (?:i)?från|bygg(?:a|er) på|baseras på)\s+(.+?)\.?$",
    re.IGNORECASE,
)


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


def _find_sources(doc: _Document) -> list[str]:
    def lead_in(heading: str, paragraph: str) -> bool:
        last_sentence = _split_sentences(paragraph)[-1]
        about_picture = _PICTURE.search(paragraph) or _PICTURE.search(heading)
        about_areas = re.search(_PRIORITY, last_sentence, re.IGNORECASE)
        return bool(about_picture and _SOURCE_CUE.search(last_sentence) and not about_areas)

    if items := _bullets_after_lead_in(doc, lead_in):
        return _unique(items)
    sentences = [s for _, s in doc.sentences() if _PICTURE.search(s)]
    for pattern in (_SOURCES_ARE, _SOURCES_INLINE):
        for sentence in sentences:
            if match := pattern.search(sentence):
                items = _split_list(match[1])
                if len(items) >= 2:
                    return _unique(items)
    return []


# ---------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------

_PLACE = rf"{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,2}}"
_PLACE_DATE_LINE = re.compile(rf"^({_PLACE})\s*,?\s+(?:den\s+)?(?:{_ISO_DATE}|{_TEXT_DATE})$")
_PLACE_LINE = re.compile(rf"^{_PLACE}$")
_PERSON_NAME = re.compile(
    rf"^{_CAP_WORD}(?:\s+(?:(?:af|av|von|van|de|der|la)\s+)?{_CAP_WORD}){{1,3}}$"
)
# Words in a title that make a capitalised line a title rather than a name.
_TITLE_WORDS = re.compile(
    r"chef|ordförande|råd|direktör|polis|kommun|samordnare|sekreterare|ansvarig", re.IGNORECASE
)
_LABEL_LINE = re.compile(
    r"^(?:ort(?:\s+och\s+datum)?|datum|underskrift\w*|namnförtydligande|namn)\s*:?\s*$",
    re.IGNORECASE,
)
_ON_BEHALF = re.compile(r"^(?:för|på uppdrag av)\s+(.+)$", re.IGNORECASE)


@dataclass
class _Anchor:
    first: int  # index of the place line, or of the place-and-date line
    after: int  # index of the first line after the date
    place: str
    signed_on: date | None


def _anchors(texts: list[str]) -> list[_Anchor]:
    """Place-and-date lines: "Västervik 2025-01-27", or "Olofström" over "2020-12-18"."""
    anchors = []
    for i, text in enumerate(texts):
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
    return bool(_PERSON_NAME.match(text)) and not _TITLE_WORDS.search(text)


def _organization(title: str, on_behalf: str) -> str:
    """ "lpo" or "kommun" from the title ("Lokalpolischef", "Kommunalråd"), else from a
    "För Polismyndigheten" / "För X kommun" line above the signature."""
    for text in (title, on_behalf):
        if re.search(r"polis|\blpo\b", text, re.IGNORECASE):
            return "lpo"
        if re.search(r"kommun", text, re.IGNORECASE):
            return "kommun"
    return ""


def _signatories_after(texts: list[str], anchor: _Anchor, stop: int) -> list[ParsedSignatory]:
    """Name lines, each followed by its title line(s), until ``stop`` or prose."""
    people: list[ParsedSignatory] = []
    on_behalf = person_on_behalf = ""
    blank_since_name = False
    for text in texts[anchor.after : stop]:
        if not text:
            blank_since_name = True
            continue
        if _LABEL_LINE.match(text):
            continue
        if (match := _ON_BEHALF.match(text)) and len(text) <= 80:
            on_behalf = match[1]  # "För Västerviks kommun" above the signature
            continue
        if _person(text):
            person_on_behalf, on_behalf = on_behalf, ""
            organization = _organization("", person_on_behalf)
            people.append(ParsedSignatory(text, "", anchor.place, anchor.signed_on, organization))
            blank_since_name = False
            continue
        current = people[-1] if people else None
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


def _find_signatories(doc: _Document) -> list[ParsedSignatory]:
    """Each signatory gets the place and date of the block it stands in."""
    texts = [line.text for line in doc.lines]
    anchors = _anchors(texts)
    people = []
    for i, anchor in enumerate(anchors):
        stop = anchors[i + 1].first if i + 1 < len(anchors) else len(texts)
        people += _signatories_after(texts, anchor, stop)
    return people


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
    signatories = _find_signatories(doc)
    period = _find_period(doc, title)
    starts_on = period.starts_on
    if starts_on is None and period.from_signing:
        signed = [s.signed_on for s in signatories if s.signed_on]
        starts_on = min(signed) if signed else None
    agreement = ParsedAgreement(
        title=title,
        parties=_find_parties(doc, title),
        starts_on=starts_on,
        ends_on=period.ends_on,
        extension_years=_find_extension_years(doc),
        consultation_months=_find_consultation_months(doc),
        purpose=_find_purpose(doc),
        vision=_find_vision(doc),
        overall_goals=_find_overall_goals(doc),
        two_parts=_two_parts(doc),
        priority_areas=_find_priority_areas(doc),
        forums=_find_forums(doc),
        situation_picture_sources=_find_sources(doc),
        signatories=signatories,
    )
    agreement.missing = [
        name for name in _OPTIONAL_FIELDS if getattr(agreement, name) in (None, "", [])
    ]
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


def _docx_paragraph_line(paragraph: DocxParagraph) -> str:
    """One Word paragraph as a line, with headings and list items marked as Markdown."""
    text = paragraph.text.strip()
    if not text:
        return ""
    style = paragraph.style.name if paragraph.style is not None else ""
    style = style or ""
    if style == "Title":
        return f"# {text}"
    if heading := re.match(r"(?:Heading|Rubrik)\s*(\d)", style):
        return f"{'#' * min(int(heading[1]) + 1, 6)} {text}"
    p_pr = paragraph._p.pPr
    if "List" in style or "Lista" in style or (p_pr is not None and p_pr.numPr is not None):
        return f"- {text}"
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs) and "\n" not in text:
        return f"**{text}**"
    return text


def _docx_lines(container: DocxDocument | _Cell) -> Iterator[str]:
    """Paragraphs and table cells in document order, each followed by a blank line."""
    from docx.table import Table as DocxTable

    for item in container.iter_inner_content():
        if isinstance(item, DocxTable):
            seen: set[int] = set()
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    yield from _docx_lines(cell)
        else:
            yield _docx_paragraph_line(item)
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
    return "\n".join(_docx_lines(document))


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
