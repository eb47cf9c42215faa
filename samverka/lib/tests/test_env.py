import pytest
from django.core.exceptions import ImproperlyConfigured

from samverka.lib.env import env_bool, env_int, env_list, env_secret, env_str


def test_unset_and_empty_variables_give_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMVERKA_X", raising=False)
    assert env_str("SAMVERKA_X", "d") == "d"
    monkeypatch.setenv("SAMVERKA_X", "  ")
    assert env_bool("SAMVERKA_X", default=True) is True
    assert env_int("SAMVERKA_X", 7) == 7
    assert env_list("SAMVERKA_X", ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]
)
def test_booleans_are_read_in_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("SAMVERKA_X", raw)
    assert env_bool("SAMVERKA_X") is expected


def test_a_value_that_cannot_be_read_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMVERKA_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SAMVERKA_X"):
        env_bool("SAMVERKA_X")
    monkeypatch.setenv("SAMVERKA_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="SAMVERKA_X must be an integer"):
        env_int("SAMVERKA_X", 1)


def test_lists_drop_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMVERKA_X", "a.example, b.example,,")
    assert env_list("SAMVERKA_X") == ["a.example", "b.example"]


def test_a_secret_is_read_from_its_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "key"
    secret.write_text("s3cret\n", encoding="utf-8")
    monkeypatch.delenv("SAMVERKA_KEY", raising=False)
    monkeypatch.setenv("SAMVERKA_KEY_FILE", str(secret))
    assert env_secret("SAMVERKA_KEY") == "s3cret"
    monkeypatch.setenv("SAMVERKA_KEY", "direct")
    assert env_secret("SAMVERKA_KEY") == "direct"
    monkeypatch.delenv("SAMVERKA_KEY")
    monkeypatch.setenv("SAMVERKA_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SAMVERKA_KEY_FILE"):
        env_secret("SAMVERKA_KEY")
