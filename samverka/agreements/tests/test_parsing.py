"""The agreement importer's parser, on five real agreements and on made-up ones.

Plain pytest functions: the parser is pure Python and needs no database.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from samverka.agreements.parsing import (
    ParsedAgreement,
    extract_text,
    parse_file,
    parse_text,
)

# The five real agreements samverka was born from (also loaded by the demo).
FIXTURES = Path(__file__).resolve().parents[1] / "seeds"


def seed(prefix: str) -> str:
    (path,) = FIXTURES.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# Expected values for the five real agreements, checked by hand against the texts.
# Signatories are (name, title, place, signed_on, organization).
# ---------------------------------------------------------------------------

EXPECTED: dict[str, dict[str, Any]] = {
    "000": {
        "title": "Samverkansavtal mellan Oskarshamns kommun och Polisen",
        "parties": [("Oskarshamn", "kommun"), ("LPO Västervik", "lpo")],
        "starts_on": date(2020, 1, 1),
        "ends_on": date(2023, 12, 31),
        "extension_years": 4,
        "consultation_months": 6,
        "two_parts": False,
        # Nine bullets in the text: the two areas, then each area repeated as the head
        # of its activities (issue 16: two areas with their activities, not seven areas).
        "priority_areas": [
            "Trafiksäkerhetsarbete med fokus på hastighet och beteendeövervakning",
            "Ökad trygghet i både offentlig miljö och boendemiljö",
        ],
        "activities": [
            [
                "Arbeta aktivt med trafikkontroller (hastighet, alkohol/droger och beteende)",
                "Trafiksäkerhetsfrågorna beaktas vid kommunens samhällsbyggnadsplanering",
            ],
            [
                "Underhålla och jobba enligt grannsamverkansmetoden",
                "Information till nyanlända",
                "Samverkan inom befintliga nätverk (exempelvis fastighetsägare, "
                "näringsidkare inom handel, restaurang med mera)",
            ],
        ],
        "forums": ["steering_group", "est", "neighbourhood_watch"],
        "forum_names": {
            "steering_group": "Lokala Brottsförebyggande Rådet (BRÅ)",
            "est": "Effektiv Samordning för Trygghet (EST)",
        },
        "sources": [
            "Statistik från polisens anmälningssystem",
            "Polisens trygghetsundersökningar",
            "Polismyndighetens kriminalunderrättelserapport",
            "Medarbetarsamtal inom polisen och kommunen",
            "Kommunens LUPP-undersökning (Lokal uppföljning av ungdomspolitiken)",
            "Medborgardialog",
        ],
        "purpose_starts": "Syftet med samverkan är att utifrån den lokala problembilden",
        "vision_starts": "",
        "overall_goals": [],
        "signatories": [],
        "missing": ["vision", "overall_goals", "signatories"],
    },
    "001": {
        "title": "Samverkansöverenskommelse för minskad brottslighet och ökad trygghet "
        "mellan Lokalpolisområde Västervik och Västerviks kommun 2025-2027",
        "parties": [("Västervik", "kommun"), ("LPO Västervik", "lpo")],
        "starts_on": date(2025, 1, 1),  # from "2025-2027" in the title
        "ends_on": date(2027, 12, 31),  # "sträcker sig till 2027-12-31"
        "extension_years": None,
        "consultation_months": None,
        "two_parts": False,
        "priority_areas": [
            "Organiserad brottslighet och kriminella gäng",
            "Ungdomskriminalitet och normbrytande unga",
            "Våld och andra brott i nära relation",
            "Hedersförtryck",
            "Välfärdsbrottslighet och annan kriminell ekonomi",
            "Brottskoncentrationer kopplade till tider och platser",
            "Narkotika- och alkoholrelaterade brott",
            "Trafikbrott",
        ],
        "forums": [
            "steering_group",
            "friday_meeting",
            "community_police",
            "sspf",
            "tistel",
            "school_leadership",
        ],
        "forum_names": {
            "steering_group": "Olycks- och brottsförebyggande rådet (OBRÅ)",
            "sspf": "SSPF (Skola, Socialtjänst, Polis och Fritid)",
        },
        "sources": [],
        "purpose_starts": "",
        "vision_starts": "Västerviks kommun ska vara den säkraste",
        "overall_goals": [
            "Olyckorna och brottsligheten ska minska",
            "Känslan av trygghet ska öka",
            "Fler ska känna delaktighet i och ansvar för det brottsförebyggande arbetet",
        ],
        "signatories": [
            ("Sofia Karlsson", "Lokalpolisområdeschef", "Västervik", date(2025, 1, 27), "lpo"),
            ("Harald Hjalmarsson", "Kommunalråd", "Västervik", date(2025, 1, 27), "kommun"),
        ],
        "missing": [
            "extension_years",
            "consultation_months",
            "purpose",
            "situation_picture_sources",
        ],
    },
    "002": {
        "title": "Samverkansöverenskommelse om brottsförebyggande och trygghetsskapande arbete",
        "parties": [("Olofström", "kommun"), ("LPO Karlshamn", "lpo")],
        # "från och med undertecknat datum": the earlier of the two signatures.
        "starts_on": date(2020, 12, 11),
        "ends_on": date(2023, 12, 31),
        "extension_years": None,
        "consultation_months": None,
        "two_parts": False,
        "priority_areas": [
            "Kommunikation och synlighet",
            "Stöd till brottsutsatta och avhoppare",
            "Organiserad brottslighet och våldsbejakande extremism",
            "Säkra och trygga platser/offentliga miljöer",
            "Trygghet för barn och unga",
            "Trafiksäkerhet",
        ],
        "forums": [],
        "forum_names": {},
        # "… i form av lokala samt nationella trygghetsmätningar, …"
        "sources": [
            "Lokala samt nationella trygghetsmätningar",
            "Levnadsvaneundersökningar",
            "Medarbetar- och medborgardialoger",
            "Polisens samlade bedömning utifrån underrättelser och brottsstatistik",
        ],
        "purpose_starts": "Överenskommelsen anger de yttre ramarna för samverkan vars syfte",
        "vision_starts": "",
        "overall_goals": [],
        "signatories": [
            (
                "Morgan Bengtsson",
                "Kommunstyrelsens ordförande",
                "Olofström",
                date(2020, 12, 18),
                "kommun",
            ),
            (
                "Louise Englund",
                "Lokalpolischef LPO Karlshamn",
                "Karlshamn",
                date(2020, 12, 11),
                "lpo",
            ),
        ],
        "missing": ["extension_years", "consultation_months", "vision", "overall_goals", "forums"],
    },
    "003": {
        "title": "Samverkansöverenskommelse mellan Lokalpolisområde Nybro och Lessebo kommun",
        "parties": [("Lessebo", "kommun"), ("LPO Nybro", "lpo")],
        "starts_on": date(2019, 1, 1),  # "2019-2023" under "Överenskommelsens giltighetstid"
        "ends_on": date(2023, 12, 31),
        "extension_years": None,
        "consultation_months": None,
        "two_parts": False,
        "priority_areas": [
            "Unga i riskzon att utveckla en kriminell livsstil",
            "Otrygga platser",
            "Skolsäkerhet",
            "Inbrott och stölder",
        ],
        "forums": ["steering_group"],
        "forum_names": {"steering_group": "Lokalt brottsförebyggande råd"},
        "sources": [
            "Polisens statistik över brottslighetens utveckling",
            "Trygghetsmätningar",
            "Medborgardialoger",
            "Medarbetardialog",
            "Information som lyfts i Brå och operativt Brå",
        ],
        "purpose_starts": "Syftet med samverkansöverenskommelsen är att underlätta",
        "vision_starts": "",
        "overall_goals": [],
        "signatories": [
            ("Lotta Petersson", "TF Lokalpolisområdeschef", "Lessebo", date(2019, 4, 26), "lpo"),
            (
                "Lars Altgård",
                "Kommunstyrelsens ordförande",
                "Lessebo",
                date(2019, 4, 26),
                "kommun",
            ),
        ],
        "missing": ["extension_years", "consultation_months", "vision", "overall_goals"],
    },
    "004": {
        # The first line, "Sök", is the web page's search box.
        "title": "Samverkan mellan Oxelösunds kommun och Polismyndigheten",
        "parties": [("Oxelösund", "kommun"), ("LPO Nyköping", "lpo")],
        "starts_on": None,  # the press page does not state the period
        "ends_on": None,
        "extension_years": None,
        "consultation_months": None,
        "two_parts": True,
        "priority_areas": ["Stöld- och tillgreppsbrott", "Trygga ungdomar"],
        # "kommunpolis Mattias Hedström" is a person's title, not a forum.
        "forums": ["neighbourhood_watch", "est", "sspf", "boat_watch"],
        "forum_names": {
            "est": "Effektiv samordning för ökad trygghet (EST)",
            "neighbourhood_watch": "Grannsamverkan",
            "boat_watch": "Båtsamverkan",
        },
        "sources": [],
        "purpose_starts": "Kommunstyrelsens ordförande Dag Bergentoft",
        "vision_starts": "",
        "overall_goals": [],
        "signatories": [],
        "missing": [
            "starts_on",
            "ends_on",
            "extension_years",
            "consultation_months",
            "vision",
            "overall_goals",
            "situation_picture_sources",
            "signatories",
        ],
    },
}


def signatory_tuples(agreement: ParsedAgreement) -> list[tuple[Any, ...]]:
    return [(s.name, s.title, s.place, s.signed_on, s.organization) for s in agreement.signatories]


@pytest.fixture(params=sorted(EXPECTED))
def case(request: pytest.FixtureRequest) -> tuple[ParsedAgreement, dict[str, Any]]:
    return parse_text(seed(request.param)), EXPECTED[request.param]


def test_seed_title_and_parties(case: tuple[ParsedAgreement, dict[str, Any]]) -> None:
    agreement, expected = case
    assert agreement.title == expected["title"]
    assert [(p.name, p.kind) for p in agreement.parties] == expected["parties"]


def test_seed_period(case: tuple[ParsedAgreement, dict[str, Any]]) -> None:
    agreement, expected = case
    assert agreement.starts_on == expected["starts_on"]
    assert agreement.ends_on == expected["ends_on"]
    assert agreement.extension_years == expected["extension_years"]
    assert agreement.consultation_months == expected["consultation_months"]


def test_seed_priority_areas(case: tuple[ParsedAgreement, dict[str, Any]]) -> None:
    agreement, expected = case
    assert [a.title for a in agreement.priority_areas] == expected["priority_areas"]
    if "activities" in expected:
        assert [a.activities for a in agreement.priority_areas] == expected["activities"]


def test_seed_forums(case: tuple[ParsedAgreement, dict[str, Any]]) -> None:
    agreement, expected = case
    assert [f.kind for f in agreement.forums] == expected["forums"]
    names = {f.kind: f.name for f in agreement.forums}
    for kind, name in expected["forum_names"].items():
        assert names[kind] == name
    assert all(f.description for f in agreement.forums)


def test_seed_texts(case: tuple[ParsedAgreement, dict[str, Any]]) -> None:
    agreement, expected = case
    assert agreement.situation_picture_sources == expected["sources"]
    assert agreement.purpose.startswith(expected["purpose_starts"])
    assert bool(agreement.purpose) == bool(expected["purpose_starts"])
    assert agreement.vision.startswith(expected["vision_starts"])
    assert bool(agreement.vision) == bool(expected["vision_starts"])
    assert agreement.overall_goals == expected["overall_goals"]
    assert agreement.two_parts is expected["two_parts"]


def test_seed_signatories_and_missing(case: tuple[ParsedAgreement, dict[str, Any]]) -> None:
    agreement, expected = case
    assert signatory_tuples(agreement) == expected["signatories"]
    assert agreement.missing == expected["missing"]


def test_sub_headings_describe_priority_areas() -> None:
    """Seed 002 lists its areas, then gives each a heading and a paragraph."""
    areas = parse_text(seed("002")).priority_areas
    assert all(area.description for area in areas)
    assert areas[0].description.startswith("För att öka invånarnas förståelse")
    assert areas[-1].description.startswith("Trafik och infrastruktur är en viktig del")


def test_methods_move_from_area_title_to_description() -> None:
    areas = parse_text(seed("004")).priority_areas
    assert [(a.title, a.description) for a in areas] == [
        ("Stöld- och tillgreppsbrott", "Genom att arbeta med metoderna Grannsamverkan och EST"),
        ("Trygga ungdomar", "Genom att arbeta med metoderna SSPF och EST"),
    ]


def test_forum_descriptions_are_the_describing_text() -> None:
    forums = {f.kind: f for f in parse_text(seed("001")).forums}
    assert forums["tistel"].description.startswith("Tistel är en samverkan mellan polisen")
    assert forums["friday_meeting"].description.startswith("I fredagsmötena som hålls digitalt")
    steering = {f.kind: f for f in parse_text(seed("000")).forums}["steering_group"]
    # The section headed "Styrgrupp" describes the council.
    assert steering.description.startswith("Det övergripande ansvaret för avtalets genomförande")


def test_markdown_line_breaks_and_emphasis_are_removed() -> None:
    agreement = parse_text(seed("003"))
    assert "*" not in agreement.title
    assert all(not s.name.endswith(" ") for s in agreement.signatories)
    assert "**" not in "".join(a.title for a in parse_text(seed("002")).priority_areas)


# ---------------------------------------------------------------------------
# A made-up agreement: proves the parser works from structure, not from the seeds.
# ---------------------------------------------------------------------------

ESKILSTUNA = """\
Samverkansöverenskommelse mellan Lokalpolisområde Eskilstuna och Eskilstuna kommun 2026–2029

Eskilstuna kommun och Polismyndigheten, Lokalpolisområde Eskilstuna, ingår denna \
överenskommelse om brottsförebyggande och trygghetsskapande arbete.

Syfte

Syftet med överenskommelsen är att minska brottsligheten och öka tryggheten i hela kommunen.

Vision

Eskilstuna ska vara en trygg kommun för alla som bor, arbetar och vistas här.

Övergripande mål

• Färre ska utsättas för brott
• Fler ska känna sig trygga i sitt bostadsområde

Giltighetstid

Överenskommelsen gäller från och med den 1 januari 2026 till och med den 31 december 2029. \
Den kan förlängas med två år i taget. Samråd om förlängning ska ske senast tre månader \
innan överenskommelsen löper ut.

Gemensam lägesbild

Lägesbilden ska varje år utgå från följande källor:

• Polisens anmälningsstatistik
• Kommunens trygghetsmätning
• Skolornas elevenkäter

Prioriterade områden

Parterna har kommit överens om följande prioriterade områden:

• Narkotikabrott bland unga
• Otrygghet i centrum
• Våld i nära relation

Samverkansformer

Det lokala brottsförebyggande rådet följer upp arbetet två gånger per år. \
SSPF används för barn som riskerar att hamna i kriminalitet. Parterna arbetar \
också med Tistel mot arbetslivskriminalitet och stöttar Grannsamverkan i bostadsområdena.

Eskilstuna den 3 mars 2026

Anna Lindqvist
Kommunstyrelsens ordförande

Erik Sandberg
Lokalpolisområdeschef
"""


def test_made_up_agreement_parses() -> None:
    agreement = parse_text(ESKILSTUNA)
    assert agreement.title == (
        "Samverkansöverenskommelse mellan Lokalpolisområde Eskilstuna och Eskilstuna kommun "
        "2026–2029"
    )
    assert [(p.name, p.kind) for p in agreement.parties] == [
        ("Eskilstuna", "kommun"),
        ("LPO Eskilstuna", "lpo"),
    ]
    assert (agreement.starts_on, agreement.ends_on) == (date(2026, 1, 1), date(2029, 12, 31))
    assert (agreement.extension_years, agreement.consultation_months) == (2, 3)
    assert agreement.purpose.startswith("Syftet med överenskommelsen är att minska")
    assert (
        agreement.vision
        == "Eskilstuna ska vara en trygg kommun för alla som bor, arbetar och vistas här."
    )
    assert agreement.overall_goals == [
        "Färre ska utsättas för brott",
        "Fler ska känna sig trygga i sitt bostadsområde",
    ]
    assert [a.title for a in agreement.priority_areas] == [
        "Narkotikabrott bland unga",
        "Otrygghet i centrum",
        "Våld i nära relation",
    ]
    assert agreement.situation_picture_sources == [
        "Polisens anmälningsstatistik",
        "Kommunens trygghetsmätning",
        "Skolornas elevenkäter",
    ]
    assert [f.kind for f in agreement.forums] == [
        "steering_group",
        "sspf",
        "tistel",
        "neighbourhood_watch",
    ]
    assert signatory_tuples(agreement) == [
        (
            "Anna Lindqvist",
            "Kommunstyrelsens ordförande",
            "Eskilstuna",
            date(2026, 3, 3),
            "kommun",
        ),
        ("Erik Sandberg", "Lokalpolisområdeschef", "Eskilstuna", date(2026, 3, 3), "lpo"),
    ]
    assert agreement.two_parts is False
    assert agreement.missing == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A genitive s is removed ...
        ("Avtal mellan Oskarshamns kommun och Polisen.", [("Oskarshamn", "kommun")]),
        # ... but not from names that really end in s ...
        ("Avtal mellan Borås kommun och Polisen.", [("Borås", "kommun")]),
        # ... or when the text uses the name with its s on its own.
        (
            "Mönsterås kommun och Polisen samverkar. I Mönsterås är det tryggt.",
            [("Mönsterås", "kommun")],
        ),
        # Two-word names and no named lokalpolisområde.
        (
            "Avtal mellan Upplands Väsby kommun och Polismyndigheten.",
            [("Upplands Väsby", "kommun")],
        ),
    ],
)
def test_kommun_names(text: str, expected: list[tuple[str, str]]) -> None:
    parties = parse_text(text).parties
    assert [(p.name, p.kind) for p in parties] == [*expected, ("Polismyndigheten", "police")]


def test_priority_areas_as_sub_headings() -> None:
    agreement = parse_text(
        "# Samverkansöverenskommelse mellan Ale kommun och LPO Kungälv\n\n"
        "## Prioriterade områden\n\n### Ungdomsbrott\n\nFärre unga ska begå brott.\n\n"
        "#### Uppföljning\n\nVarje halvår.\n\n### Trafik\n\nLägre hastigheter.\n\n"
        "## Avtalstid\n\nÖverenskommelsen gäller 2024-2026.\n"
    )
    assert [(a.title, a.description) for a in agreement.priority_areas] == [
        ("Ungdomsbrott", "Färre unga ska begå brott."),
        ("Trafik", "Lägre hastigheter."),
    ]
    assert (agreement.starts_on, agreement.ends_on) == (date(2024, 1, 1), date(2026, 12, 31))


def test_period_from_textual_dates_and_number_words() -> None:
    agreement = parse_text(
        "Överenskommelse\n\nAvtalstid\n\nAvtalet gäller från den 1 mars 2024 till och med "
        "den 28 februari 2027. Det kan förlängas med ett år i taget. Samråd ska ske senast "
        "12 månader före avtalstidens slut.\n"
    )
    assert (agreement.starts_on, agreement.ends_on) == (date(2024, 3, 1), date(2027, 2, 28))
    assert (agreement.extension_years, agreement.consultation_months) == (1, 12)


def test_parse_text_rejects_empty_text() -> None:
    with pytest.raises(ValueError, match="empty"):
        parse_text("")
    with pytest.raises(ValueError, match="empty"):
        parse_text("  \n\t\n")


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

# Seed 001's plain-text headings, which become Word headings below.
SEED_001_HEADINGS = {
    "Vision",
    "Övergripande mål",
    "Områden som vi gemensamt prioriterar kommande år",
    "Befintliga samverkansformer",
    "Medborgarlöfte",
}


def without_lines(value: Any) -> Any:
    """A parsed agreement as a dict, without the lines of the text it was read from."""
    if isinstance(value, dict):
        dropped = ("line", "lines", "source_lines")
        return {k: without_lines(v) for k, v in value.items() if k not in dropped}
    if isinstance(value, list):
        return [without_lines(v) for v in value]
    return value


def seed_001_as_docx() -> bytes:
    """Seed 001 as Word would hold it: a title, headings, list paragraphs, one line each."""
    document = Document()
    lines = [line.strip() for line in seed("001").splitlines() if line.strip()]
    document.add_heading(lines[0], level=0)
    for line in lines[1:]:
        if line in SEED_001_HEADINGS:
            document.add_heading(line, level=1)
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        elif "**" in line:
            paragraph = document.add_paragraph()
            for i, part in enumerate(line.split("**")):
                paragraph.add_run(part).bold = i % 2 == 1
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_gives_the_same_result_as_plain_text() -> None:
    data = seed_001_as_docx()
    text = extract_text(data, "Överenskommelse Västervik.docx")
    assert "## Vision" in text
    assert "- Trafikbrott" in text
    # Line numbers point into each text, which Word and plain text lay out differently.
    assert without_lines(asdict(parse_file(data, "Överenskommelse Västervik.docx"))) == (
        without_lines(asdict(parse_text(seed("001"))))
    )


def test_docx_signatures_in_a_table() -> None:
    document = Document()
    document.add_heading(
        "Samverkansöverenskommelse mellan Lokalpolisområde Eskilstuna och Eskilstuna kommun", 0
    )
    document.add_heading("Prioriterade områden", 1)
    document.add_paragraph("Narkotikabrott bland unga", style="List Bullet")
    document.add_paragraph("Otrygghet i centrum", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    for cell, (name, title) in zip(
        table.rows[0].cells,
        [
            ("Anna Lindqvist", "Kommunstyrelsens ordförande"),
            ("Erik Sandberg", "Lokalpolisområdeschef"),
        ],
        strict=True,
    ):
        cell.paragraphs[0].text = "Eskilstuna 2026-03-03"
        cell.add_paragraph(name)
        cell.add_paragraph(title)
    buffer = io.BytesIO()
    document.save(buffer)
    agreement = parse_file(buffer.getvalue(), "avtal.docx")
    assert [a.title for a in agreement.priority_areas] == [
        "Narkotikabrott bland unga",
        "Otrygghet i centrum",
    ]
    assert signatory_tuples(agreement) == [
        ("Anna Lindqvist", "Kommunstyrelsens ordförande", "Eskilstuna", date(2026, 3, 3), "kommun"),
        ("Erik Sandberg", "Lokalpolisområdeschef", "Eskilstuna", date(2026, 3, 3), "lpo"),
    ]


def test_docx_table_of_areas_and_activities() -> None:
    document = Document()
    document.add_heading("Samverkansöverenskommelse Kiruna kommun och LPO Kiruna", 0)
    document.add_heading("Prioriteringar", 1)
    rows = [
        ("Område", "Aktivitet", "Ansvarig"),
        ("Trygghet i nya centrum", "Trygghetsvandringar varje höst", "Kommunen"),
        ("Unga vuxna", "Uppsökande arbete helgkvällar", "Polisen"),
    ]
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.paragraphs[0].text = value
    document.add_heading("Uppföljning", 1)
    document.add_paragraph("Arbetet följs upp varje år.")
    buffer = io.BytesIO()
    document.save(buffer)
    agreement = parse_file(buffer.getvalue(), "kiruna.docx")
    assert [(a.title, a.activities) for a in agreement.priority_areas] == [
        ("Trygghet i nya centrum", ["Trygghetsvandringar varje höst"]),
        ("Unga vuxna", ["Uppsökande arbete helgkvällar"]),
    ]
    assert agreement.follow_up == "Arbetet följs upp varje år."


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with one line of Helvetica text per entry (blank entries leave a gap).

    pypdf reads PDFs but cannot lay out text, so the file is written by hand.
    """

    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    operators = ["BT", "/F1 9 Tf", "11 TL", "30 810 Td"]
    for line in lines:
        if line:
            operators.append(f"({escape(line)}) Tj")
        operators.append("T*")
    operators.append("ET")
    content = "\n".join(operators).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def test_pdf_gives_the_same_result_as_plain_text() -> None:
    data = minimal_pdf(ESKILSTUNA.splitlines())
    assert "Prioriterade områden" in extract_text(data, "avtal.PDF")
    assert without_lines(asdict(parse_file(data, "avtal.PDF"))) == without_lines(
        asdict(parse_text(ESKILSTUNA))
    )


def test_text_files_are_decoded() -> None:
    assert parse_file(seed("003").encode("utf-8-sig"), "avtal.md") == parse_text(seed("003"))
    latin = ESKILSTUNA.encode("cp1252")
    assert parse_file(latin, "avtal.txt") == parse_text(ESKILSTUNA)


@pytest.mark.parametrize("filename", ["avtal.doc", "avtal.odt", "avtal"])
def test_unsupported_file_types_are_refused(filename: str) -> None:
    with pytest.raises(ValueError, match=rf"'{filename}' has an unsupported file type"):
        extract_text(b"anything", filename)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "tom.txt", "'tom.txt' contains no text"),
        (b"   \n\n", "tom.md", "'tom.md' contains no text"),
        (b"not a zip file", "trasig.docx", "'trasig.docx' is not a readable Word"),
        (b"%PDF-1.4 garbage", "trasig.pdf", "'trasig.pdf' is not a readable PDF"),
        (b"\x00\x01\x02binary", "binär.txt", "'binär.txt' is not a readable text file"),
        (minimal_pdf([]), "skannad.pdf", "'skannad.pdf' contains no text"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_file(data, filename)
