"""The common category taxonomy and how the seeds' priority areas map into it."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from samverka.agreements.parsing import parse_text
from samverka.taxonomy.models import Category, TaxonomyVersion
from samverka.taxonomy.suggest import suggest_for_area

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parents[2] / "agreements" / "seeds"


def test_version_one_has_two_levels_and_labels_in_both_languages() -> None:
    version = TaxonomyVersion.current()
    assert version.number == 1
    categories = Category.objects.current()
    top = set(categories.top_level().values_list("code", flat=True))
    assert top == {
        "person",
        "theft",
        "damage",
        "drugs",
        "traffic",
        "order",
        "fraud",
        "organized",
        "extremism",
        "other",
    }
    assert not categories.filter(parent__parent__isnull=False).exists()
    speeding = categories.get(code="traffic.speeding")
    assert str(speeding) == "Trafik › Hastighet"
    with translation.override("en"):
        assert str(speeding) == "Traffic › Speeding"
    for code in (
        "order.unsafe_lighting",
        "order.unsafe_litter",
        "order.unsafe_sightlines",
        "order.unsafe_deserted",
        "organized.shooting",
        "theft.boat",
        "person.honour",
    ):
        assert categories.filter(code=code).exists(), code


def test_a_third_level_is_refused() -> None:
    speeding = Category.objects.current().get(code="traffic.speeding")
    with pytest.raises(ValidationError):
        Category(
            version=speeding.version, code="x", parent=speeding, label_sv="x", label_en="x"
        ).full_clean()


# Every priority area (or activity) of the five seeds, and where it should land.
EXPECTED = {
    "Trafiksäkerhetsarbete med fokus på hastighet och beteendeövervakning": ["traffic.speeding"],
    "Underhålla och jobba enligt grannsamverkansmetoden": ["theft.residential"],
    "Organiserad brottslighet och kriminella gäng": ["organized.networks"],
    "Våld och andra brott i nära relation": ["person.domestic"],
    "Hedersförtryck": ["person.honour"],
    "Välfärdsbrottslighet och annan kriminell ekonomi": ["fraud.welfare", "fraud.work"],
    "Narkotika- och alkoholrelaterade brott": ["drugs", "traffic.drink_driving"],
    "Trafikbrott": ["traffic"],
    "Organiserad brottslighet och våldsbejakande extremism": ["organized", "extremism"],
    "Säkra och trygga platser/offentliga miljöer": ["order"],
    "Trafiksäkerhet": ["traffic"],
    "Otrygga platser": ["order"],
    "Inbrott och stölder": ["theft.residential"],
    "Stöld- och tillgreppsbrott": ["theft"],
}
THEMES = {  # across categories: a target group instead
    "Unga i riskzon att utveckla en kriminell livsstil": ["children_youth"],
    "Ungdomskriminalitet och normbrytande unga": ["children_youth"],
    "Trygghet för barn och unga": ["children_youth"],
    "Trygga ungdomar": ["children_youth"],
    "Stöd till brottsutsatta och avhoppare": ["victims", "leavers"],
    "Information till nyanlända": ["newcomers"],
}


def test_every_seed_priority_area_maps_somewhere_sensible() -> None:
    seen = set()
    for path in sorted(SEEDS.glob("*.txt")):
        areas = parse_text(path.read_text("utf-8")).priority_areas
        # An area's activities (Oskarshamn lists them under a repeat of the area) map
        # on their own too.
        parts = [(a.title, a.description) for a in areas]
        parts += [(activity, "") for a in areas for activity in a.activities]
        for title, description in parts:
            suggestion = suggest_for_area(title, description)
            if title in EXPECTED:
                assert suggestion.categories == EXPECTED[title], title
                seen.add(title)
            if title in THEMES:
                assert suggestion.categories == [], title
                assert suggestion.target_groups == THEMES[title], title
                seen.add(title)
            codes = set(Category.objects.current().values_list("code", flat=True))
            assert set(suggestion.categories) <= codes
    assert seen == set(EXPECTED) | set(THEMES)
