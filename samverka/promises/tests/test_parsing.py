"""Commitments found in promise texts written in many idioms: bullets under a giver's
heading, prose, inverted word order, numbered lists, joint subjects, and the background
sentences that promise nothing. The texts are written for these tests, in the ways real
medborgarlöften are written, not copied from any one of them."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from samverka.promises.parsing import (
    BOTH,
    KOMMUN,
    POLICE,
    VOCABULARY,
    find_commitments,
    giver_of,
    is_promise,
    vocabulary,
)


def found(text: str) -> list[tuple[str, str]]:
    return [(c.giver, c.text) for c in find_commitments(text)]


class GiverTest(SimpleTestCase):
    def test_the_subject_before_the_verb_gives(self) -> None:
        cases = {
            "Polisen lovar att synas i centrum på kvällarna.": POLICE,
            "Lokalpolisområde Kalmar ska genomföra fler trafikkontroller.": POLICE,
            "LPO Nybro kommer att besöka skolorna.": POLICE,
            "Polisen i Oxelösund ska synas vid hamnen.": POLICE,
            "Kommunen ska laga trasig belysning inom en vecka.": KOMMUN,
            "Västerviks kommun lovar att röja buskage.": KOMMUN,
            "Socialtjänsten åtar sig att ha fältarbete på helger.": KOMMUN,
            "Vi lovar att bjuda in till medborgardialog.": BOTH,
            "Polisen och kommunen ska hålla trygghetsvandringar.": BOTH,
            "Kommunen tillsammans med polisen ska ordna möten.": BOTH,
            "Lokalpolisområde Nyköping och Oxelösunds kommun ska starta Grannsamverkan.": BOTH,
        }
        for sentence, giver in cases.items():
            with self.subTest(sentence=sentence):
                self.assertEqual(giver_of(sentence), giver)

    def test_an_inverted_sentence_finds_its_subject_after_the_verb(self) -> None:
        self.assertEqual(giver_of("Därför ska polisen öka närvaron i Norrby."), POLICE)
        self.assertEqual(giver_of("Under 2026 kommer vi att öka närvaron."), BOTH)
        self.assertEqual(giver_of("Tillsammans ska vi minska klottret."), BOTH)
        self.assertEqual(
            giver_of("Därför ska lokalpolisområde Nyköping och Oxelösunds kommun skapa …"), BOTH
        )

    def test_a_sentence_that_promises_nothing_has_no_giver(self) -> None:
        for sentence in (
            "Vi vill ju alla att kommunen ska vara trygg.",
            "Medborgarlöftet ska fastställas på styrgruppens sista möte.",
            "I lägesbilden syns att klottret i centrum har ökat.",
            "Polisen konstaterar att inbrotten har minskat.",
        ):
            with self.subTest(sentence=sentence):
                self.assertIsNone(giver_of(sentence))

    def test_a_joined_helper_is_not_a_giver(self) -> None:
        self.assertEqual(
            giver_of("Polisen ska genomföra trygghetsvandringar tillsammans med kommunen."),
            POLICE,
        )


class FindTest(SimpleTestCase):
    def test_bullets_take_the_giver_of_their_heading(self) -> None:
        text = """Medborgarlöfte 2026

Polisen lovar att:
- genomföra minst 20 trafikkontroller vid skolorna
- synas i centrum på fredagskvällar

Kommunen lovar att:
• förbättra belysningen i gångtunneln
• röja buskage längs Strandpromenaden

Tillsammans lovar vi att:
1. genomföra två trygghetsvandringar
2) bjuda in till medborgardialog i Norrby
"""
        self.assertEqual(
            found(text),
            [
                (POLICE, "Genomföra minst 20 trafikkontroller vid skolorna"),
                (POLICE, "Synas i centrum på fredagskvällar"),
                (KOMMUN, "Förbättra belysningen i gångtunneln"),
                (KOMMUN, "Röja buskage längs Strandpromenaden"),
                (BOTH, "Genomföra två trygghetsvandringar"),
                (BOTH, "Bjuda in till medborgardialog i Norrby"),
            ],
        )

    def test_a_bullet_that_names_its_giver_keeps_it(self) -> None:
        text = (
            "Vi lovar:\n– Polisen ska öka närvaron.\n– Kommunen ska laga lamporna.\n– Vi ska ses."
        )
        self.assertEqual([giver for giver, _text in found(text)], [POLICE, KOMMUN, BOTH])

    def test_items_under_a_heading_without_bullet_marks(self) -> None:
        text = (
            "Polisen lovar att:\ngenomföra fler kontroller\nvara synliga vid skolan\n\n"
            "Bakgrund\nKlottret ökar."
        )
        self.assertEqual(
            found(text),
            [(POLICE, "Genomföra fler kontroller"), (POLICE, "Vara synliga vid skolan")],
        )

    def test_prose_gives_one_commitment_per_promising_sentence(self) -> None:
        text = (
            "Inbrotten har ökat i Norrby. Kommunen ska under året laga trasig belysning "
            "inom en vecka efter anmälan. Polisen ska genomföra riktade insatser vid "
            "resecentrum.\nVi lovar att återkomma med en uppföljning i december. "
            "Medborgarlöftet följs upp av styrgruppen."
        )
        self.assertEqual(
            found(text),
            [
                (
                    KOMMUN,
                    "Kommunen ska under året laga trasig belysning inom en vecka efter anmälan.",
                ),
                (POLICE, "Polisen ska genomföra riktade insatser vid resecentrum."),
                (BOTH, "Vi lovar att återkomma med en uppföljning i december."),
            ],
        )

    def test_a_line_says_where_it_was_found(self) -> None:
        commitments = find_commitments("Rubrik\n\nBakgrund här.\n\n- Polisen ska synas.")
        self.assertEqual([c.line for c in commitments], [5])

    def test_the_vocabulary_is_data(self) -> None:
        """A giver the vocabulary does not name is not found; named in the data, it is."""
        sentence = "Räddningstjänsten ska besöka alla skolor."
        self.assertIsNone(giver_of(sentence))
        data = json.loads(VOCABULARY.read_text(encoding="utf-8"))
        data["givers"]["kommun"].append("räddningstjänsten")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "vocabulary.json"
            path.write_text(json.dumps(data), encoding="utf-8")
            self.assertEqual(giver_of(sentence, vocabulary(path)), KOMMUN)


SEEDS = Path(__file__).resolve().parents[2] / "agreements" / "seeds"


class RecogniseTest(SimpleTestCase):
    PROMISE = (
        "Medborgarlöfte för Lessebo 2027\n\nPolisen lovar att:\n- synas vid skolorna\n\n"
        "Kommunen lovar att:\n- laga belysningen\n"
    )

    def test_a_promise_is_recognised_and_an_agreement_is_not(self) -> None:
        self.assertTrue(is_promise(self.PROMISE))
        # Untitled, but two commitments and no word of an agreement.
        self.assertTrue(is_promise("Polisen ska synas.\nKommunen ska laga lamporna."))
        self.assertFalse(is_promise("Polisen ska synas."))
        self.assertFalse(is_promise("Medborgarlöfte 2027\n\nInget är bestämt ännu."))

    def test_no_real_agreement_is_taken_for_a_promise(self) -> None:
        """The five seed agreements have a section on the medborgarlöfte and many "ska"."""
        seeds = sorted(SEEDS.glob("*.txt"))
        self.assertEqual(len(seeds), 5)
        for path in seeds:
            with self.subTest(seed=path.name):
                self.assertFalse(is_promise(path.read_text("utf-8")))
