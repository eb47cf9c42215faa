import pytest
from django.core.exceptions import ValidationError

from samverka.lib.dates import add_months
from samverka.lib.privacy import find_personal_data, validate_no_personal_data


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Anmälan från 811218-9876 om klotter", ["personnummer"]),
        ("personnummer 198112189876 i texten", ["personnummer"]),
        ("ring 070-123 45 67 efter fem", ["phone"]),
        ("eller +46 70 123 45 67", ["phone"]),
        ("mejla kalle.anka@example.se", ["email"]),
        ("Avtalet gäller 2020-01-01 till 2023-12-31, perioden 2019-2023.", []),
        ("Minst 12 möten, 3 400 invånare, 27000 personer", []),
        ("811218-9875 är inte giltigt enligt kontrollsiffran", ["personnummer"]),
    ],
)
def test_it_finds_personal_data_and_not_dates_or_counts(text: str, kinds: list[str]) -> None:
    assert find_personal_data(text) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "19800101-1234",  # the check digit is wrong: a mistyped number is still a person's
        "800101-1234",
        "800101+1234",  # a hundred years or older
        "198001011234",
        "8001011234",
        "800101 1234",
        "19800101 1234",
        "800101 - 1234",
        "800101–1234",  # the en dash a word processor puts in
        "pnr:800101-1234",
        "Anmälare 19811218-9876, ringde",
        "800161-1234",  # samordningsnummer: the day plus 60
        "19800191-1239",
        "0503151234 hittades",  # born 2005, written without the dash: a phone number too
    ],
)
def test_a_personnummer_is_found_whatever_its_check_digit_and_form(text: str) -> None:
    assert find_personal_data(text)
    with pytest.raises(ValidationError):
        validate_no_personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01–2025-12-31",
        "Perioden 2024-01-01 - 2025-12-31 och 20240101–20251231",
        "Avtalet löper 240101–271231.",
        "Diarienummer KS 2024/123, dnr 2023-000123 och KS-2024-0123",
        "Kommunkod 0882, länskod 08, kommunerna 0882, 0883 och 0884",
        "DeSO 0882C1010 och RegSO 0882R001",
        "Koordinat N 6347875, E 587375 (SWEREF 99 TM)",
        "57.26434, 16.44841",
        "Org.nr 212000-0142 (kommunen) och 202100-0076 (Polismyndigheten)",
        "Minst 12 möten, 3 400 invånare, 27000 personer, 1 250 000 kr",
        "Period 2026-08, 202608, 2026M08, 2026K3, åren 2019–2023 och 2019-2023",
        "Kl. 08.00–16.00, 593 80 Västervik",
        "Postnummer 572 30, 150000-200000 kr",
    ],
)
def test_dates_codes_coordinates_and_counts_pass(text: str) -> None:
    assert find_personal_data(text) == []
    validate_no_personal_data(text)


def test_the_validator_names_what_it_found() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_no_personal_data("Kontakt: 0701234567, a@b.se")
    message = exc.value.messages[0]
    assert "telefonnummer" in message or "phone number" in message
    assert "e-post" in message or "e-mail" in message
    validate_no_personal_data("Inga personuppgifter här.")


def test_months_are_added_with_the_end_of_month_kept() -> None:
    import datetime as dt

    assert add_months(dt.date(2023, 12, 31), -6) == dt.date(2023, 6, 30)
    assert add_months(dt.date(2023, 12, 31), 48) == dt.date(2027, 12, 31)
    assert add_months(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 1, 15), -13) == dt.date(2022, 12, 15)


def test_the_documented_examples_hold() -> None:
    import doctest

    from samverka.lib import dates, privacy
    from samverka.taxonomy import suggest

    for module in (dates, privacy, suggest):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
