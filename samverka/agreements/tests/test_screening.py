"""Personal data is refused in every text of an agreement, on the field that holds it."""

from pathlib import Path

from django.urls import reverse

from samverka.agreements.models import Agreement, Forum, ForumKind
from samverka.testing import PersonaTestCase


def url(name: str, **kwargs: object) -> str:
    return reverse(f"agreements:{name}", kwargs=kwargs)


class AgreementScreeningTest(PersonaTestCase):
    def edit_data(self, **extra: object) -> dict[str, object]:
        return {
            "title": "Samverkansavtal Oskarshamn",
            "kommuner": [self.kommun.pk],
            "police": self.lpo.pk,
            "starts_on": self.agreement.starts_on.isoformat(),
            "ends_on": self.agreement.ends_on.isoformat(),
            **extra,
        }

    def test_the_title_refuses_a_personnummer_whatever_its_check_digit(self) -> None:
        self.login_as("coordinator")
        for title in (
            "Avtal om 19800101-1234",  # a wrong check digit
            "Avtal om 800101-1234",
            "Avtal, kontakt 070-123 45 67",
            "Avtal, kontakt kalle.anka@example.se",
        ):
            response = self.client.post(
                url("edit", pk=self.agreement.pk), self.edit_data(title=title)
            )
            self.assertEqual(response.status_code, 200, title)
            errors = response.context["form"].errors
            self.assertEqual(list(errors), ["title"], title)
            self.assertIn("Fältet ”Rubrik” verkar innehålla", errors["title"][0])
        self.assertContains(response, "Fältet ”Rubrik” verkar innehålla en e-postadress")
        self.agreement.refresh_from_db()
        self.assertNotIn("Avtal", self.agreement.title)

    def test_a_title_with_dates_and_a_diarienummer_is_kept(self) -> None:
        self.login_as("coordinator")
        title = "Samverkansavtal 2026-01-01–2029-12-31, KS 2025/123"
        response = self.client.post(url("edit", pk=self.agreement.pk), self.edit_data(title=title))
        # The agreement is joint, so the change is a proposal the police's coordinator accepts.
        proposal = self.agreement.change_proposals.get()
        self.assertRedirects(
            response,
            reverse(
                "agreements:proposal_detail",
                kwargs={"pk": self.agreement.pk, "proposal_pk": proposal.pk},
            ),
        )
        self.assertEqual(proposal.proposed["title"], title)

    def test_a_new_agreement_is_refused_on_its_title(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            url("create"),
            self.edit_data(
                title="Avtal 811218-9875",
                starts_on="2026-01-01",
                ends_on="2029-12-31",
                extension_years="4",
                consultation_months="6",
            ),
        )
        self.assertIn("personnummer", response.context["form"].errors["title"][0])
        self.assertFalse(Agreement.objects.filter(title__startswith="Avtal 8112").exists())

    def test_a_forums_meeting_rule_refuses_a_phone_number_and_a_personnummer(self) -> None:
        self.login_as("police")
        for rule, what in (
            ("varannan vecka, ring 0470-12 34 56", "ett telefonnummer"),
            ("sammankallande 19800101-1234", "ett personnummer"),
        ):
            response = self.client.post(
                url("part_create", pk=self.agreement.pk, kind="forum"),
                {
                    "kind": ForumKind.SSPF,
                    "name": "SSPF Oskarshamn",
                    "coordinator": self.kommun.pk,
                    "participants": [self.kommun.pk, self.lpo.pk],
                    "meeting_rule": rule,
                    "position": 1,
                },
            )
            errors = response.context["form"].errors
            self.assertEqual(list(errors), ["meeting_rule"])
            self.assertEqual(
                errors["meeting_rule"][0],
                f"Fältet ”Mötesregel” verkar innehålla {what}. samverka sparar inga "
                "personuppgifter om invånare: ta bort det och spara igen.",
            )
        self.assertFalse(Forum.objects.filter(name="SSPF Oskarshamn").exists())

    def test_a_signatory_and_a_revision_summary_are_screened_too(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            url("part_create", pk=self.agreement.pk, kind="undertecknare"),
            {
                "name": "Anna Andersson",
                "title": "Kommunstyrelsens ordförande, 0491-76 40 00",
                "organization": self.kommun.pk,
                "position": 1,
            },
        )
        self.assertIn("Befattning", response.context["form"].errors["title"][0])
        response = self.client.post(
            url("revision_create", pk=self.agreement.pk),
            {"made_on": "2026-03-01", "summary": "Kontakt: anna@example.se"},
        )
        self.assertIn("e-postadress", response.context["form"].errors["summary"][0])


class ImportScreeningTest(PersonaTestCase):
    def test_an_imported_part_holding_a_phone_number_is_refused_until_left_out(self) -> None:
        (seed,) = (Path(__file__).resolve().parents[1] / "seeds").glob("000_*.txt")
        text = seed.read_text("utf-8").replace(
            "• Information till nyanlända", "• Information till nyanlända, ring 0491-76 40 00"
        )
        self.login_as("coordinator")
        self.client.post(url("import"), {"text": text})
        form = self.client.get(url("import_review")).context["form"]
        choices = dict(form.fields["areas"].choices)
        # The number stands among the activities of the second area.
        areas = form.parsed["priority_areas"]
        phone = next(i for i in choices if any("0491" in a for a in areas[i]["activities"]))
        data = {
            "title": "Samverkansavtal Oskarshamn 2020–2023",
            "kommuner": [self.kommun.pk],
            "police": self.lpo.pk,
            "starts_on": "2020-01-01",
            "ends_on": "2023-12-31",
            "extension_years": "4",
            "consultation_months": "6",
            "areas": list(choices),
        }
        response = self.client.post(url("import_review"), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "verkar innehålla ett telefonnummer", response.context["form"].errors["areas"][0]
        )
        self.assertFalse(Agreement.objects.filter(title=data["title"]).exists())
        data["areas"] = [i for i in choices if i != phone]
        response = self.client.post(url("import_review"), data)
        agreement = Agreement.objects.get(title=data["title"])
        self.assertRedirects(response, agreement.get_absolute_url())
        self.assertFalse(agreement.priority_areas.filter(title__contains="0491").exists())
        self.assertFalse(agreement.priority_areas.filter(description__contains="0491").exists())
