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
        ("811218-9875 är inte giltigt enligt kontrollsiffran", []),
    ],
)
def test_it_finds_personal_data_and_not_dates_or_counts(text: str, kinds: list[str]) -> None:
    assert find_personal_data(text) == kinds


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

    from samverka.lib import dates
    from samverka.taxonomy import suggest

    for module in (dates, suggest):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
