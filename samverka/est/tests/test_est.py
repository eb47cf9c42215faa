"""EST reporting: filing from the form (once per key), screening, the week for
corrections, the coordinator's review and the events it makes, and who sees what."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.urls import reverse
from django.utils import timezone

from samverka.est import services
from samverka.est.models import Observation, ObservationStatus, Report
from samverka.organizations.models import Organization, OrganizationKind, SubArea
from samverka.situation import services as situation
from samverka.situation.models import SituationPicture
from samverka.situation.services import eligible_datasets
from samverka.sources import dataversion
from samverka.sources.models import Dataset, Event, PlacePrecision, SourceKind
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_user


def observation(index: int = 0, **values: Any) -> dict[str, str]:
    fields = {
        "category": "klotter",
        "sub_area": "",
        "place_name": "",
        "latitude": "",
        "longitude": "",
        "accuracy_m": "",
        "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "ends_at": "",
        "people": "",
        "description": "",
    } | {k: str(v) for k, v in values.items()}
    return {f"obs-{index}-{name}": value for name, value in fields.items()}


class EstTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.centrum = SubArea.objects.create(kommun=cls.kommun, name="Centrum")
        cls.elsewhere = SubArea.objects.create(kommun=cls.other_kommun, name="Hovmantorp")
        cls.housing = Organization.objects.create(
            name="Oskarshamnshem", slug="oskarshamnshem", kind=OrganizationKind.HOUSING_COMPANY
        )
        cls.agreement.parties.add(cls.housing)
        cls.caretaker = make_user("vard@test.example", "Vera")
        Membership.objects.create(user=cls.caretaker, organization=cls.housing, role=Role.REPORTER)

    def post(
        self,
        key: uuid.UUID | None = None,
        *observations: dict[str, str],
        add: str = "",
        **extra: Any,
    ) -> Any:
        observations = observations or (observation(sub_area=self.centrum.pk),)
        data: dict[str, Any] = {
            "agreement": self.agreement.pk,
            "key": str(key or uuid.uuid4()),
            "obs-TOTAL_FORMS": str(len(observations)),
            "obs-INITIAL_FORMS": "0",
            "obs-MIN_NUM_FORMS": "1",
            "obs-MAX_NUM_FORMS": "20",
        }
        for one in observations:
            data |= one
        if add:
            data["add"] = add
        return self.client.post(reverse("est:report"), data, **extra)

    def test_a_reporter_files_two_observations_in_one_report(self) -> None:
        self.client.force_login(self.reporter)
        response = self.post(
            None,
            observation(0, sub_area=self.centrum.pk, people=4, category="samling_ungdomar"),
            observation(1, latitude="57.264", longitude="16.448", accuracy_m=12),
        )
        self.assertRedirects(response, reverse("est:mine"))
        report = Report.objects.get()
        self.assertEqual(report.kommun, self.kommun)
        self.assertEqual(report.organization, self.kommun)
        first, second = report.observations.all()
        self.assertEqual((first.sub_area, first.people), (self.centrum, 4))
        self.assertEqual((second.latitude, second.accuracy_m), (57.264, 12))
        page = self.client.get(reverse("est:mine"))
        self.assertContains(page, "Samling av ungdomar")

    def test_the_same_key_is_stored_once(self) -> None:
        self.client.force_login(self.reporter)
        key = uuid.uuid4()
        headers = {"headers": {"X-Requested-With": "samverka-est"}}
        first = self.post(key, **headers)
        again = self.post(key, **headers)
        self.assertEqual((first.status_code, first.json()["status"]), (201, "created"))
        self.assertEqual((again.status_code, again.json()["status"]), (200, "duplicate"))
        self.assertEqual(Observation.objects.count(), 1)
        # Another user cannot use (or learn about) a key that is taken.
        self.client.force_login(self.coordinator)
        self.assertEqual(self.post(key).status_code, 403)
        self.assertEqual(Report.objects.count(), 1)

    def test_a_description_with_personal_data_is_refused_and_nothing_is_stored(self) -> None:
        self.client.force_login(self.reporter)
        response = self.post(
            None,
            observation(sub_area=self.centrum.pk, description="Ring 070-123 45 67 om det"),
            headers={"X-Requested-With": "samverka-est"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("telefonnummer", str(response.json()["errors"]).lower())
        self.assertFalse(Report.objects.exists())
        page = self.post(None, observation(sub_area=self.centrum.pk, description="19800101-1234"))
        self.assertContains(page, "personnummer")
        self.assertFalse(Report.objects.exists())

    def test_a_place_is_required_and_a_sub_area_of_another_kommun_is_refused(self) -> None:
        self.client.force_login(self.reporter)
        self.assertContains(self.post(None, observation()), "Ange var")
        self.post(None, observation(sub_area=self.elsewhere.pk))
        self.assertFalse(Report.objects.exists())

    def test_a_housing_company_reports_but_sees_nothing_of_the_situation_picture(self) -> None:
        picture = SituationPicture.objects.create(
            title="Lägesbild 2025",
            owner=self.kommun,
            kommun=self.kommun,
            agreement=self.agreement,
            visibility=Visibility.SHARED,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
        )
        self.client.force_login(self.caretaker)
        self.assertRedirects(self.post(), reverse("est:mine"))
        self.assertEqual(Report.objects.get().organization, self.housing)
        self.assertEqual(self.client.get(picture.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get(reverse("situation:list")), "Lägesbild 2025")

    def test_corrections_for_a_week_then_not(self) -> None:
        self.client.force_login(self.reporter)
        self.post()
        report = Report.objects.get()
        item = report.observations.get()
        url = reverse("est:edit", kwargs={"pk": report.pk})
        data = {
            "obs-TOTAL_FORMS": "1",
            "obs-INITIAL_FORMS": "1",
            "obs-0-id": str(item.pk),
        } | observation(sub_area=self.centrum.pk, category="brand", people=2)
        self.assertRedirects(self.client.post(url, data), reverse("est:mine"))
        item.refresh_from_db()
        self.assertEqual((item.category, item.people), ("brand", 2))
        Report.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - dt.timedelta(days=7, minutes=1)
        )
        page = self.client.post(url, data | {"obs-0-category": "klotter"})
        self.assertContains(page, "en vecka")
        item.refresh_from_db()
        self.assertEqual(item.category, "brand")
        # Only the reporter corrects; the coordinator reviews instead.
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_coordinator_accepts_merges_and_rejects(self) -> None:
        self.client.force_login(self.reporter)
        self.post(
            None,
            observation(0, latitude="57.264", longitude="16.448", accuracy_m=12),
            observation(1, sub_area=self.centrum.pk),
            observation(2, sub_area=self.centrum.pk, category="annat"),
        )
        first, second, third = Observation.objects.order_by("pk")
        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(reverse("est:review")), "Klotter")
        version = dataversion.current()
        url = reverse("est:observation", kwargs={"pk": first.pk})
        self.assertRedirects(self.client.post(url, {"action": "accept"}), reverse("est:review"))
        self.assertGreater(dataversion.current(), version)
        merge_url = reverse("est:observation", kwargs={"pk": second.pk})
        self.client.post(merge_url, {"action": "merge", "into": first.pk})
        reject_url = reverse("est:observation", kwargs={"pk": third.pk})
        self.assertContains(self.client.post(reject_url, {"action": "reject"}), "varför")
        self.client.post(reject_url, {"action": "reject", "reason": "Inte en trygghetsfråga"})
        first.refresh_from_db()
        second.refresh_from_db()
        third.refresh_from_db()
        self.assertEqual(first.status, ObservationStatus.ACCEPTED)
        self.assertEqual((second.status, second.merged_into), (ObservationStatus.MERGED, first))
        self.assertEqual(third.status, ObservationStatus.REJECTED)
        event = Event.objects.get()
        self.assertEqual(event, first.event)
        self.assertEqual(
            (event.source, event.place_precision, event.category.code, event.kommun),
            (SourceKind.EST, PlacePrecision.EXACT, "damage.graffiti", self.kommun),
        )
        dataset = Dataset.objects.get(kind=SourceKind.EST)
        self.assertEqual(
            (dataset.owner, dataset.agreement, dataset.visibility, dataset.rows_imported),
            (self.kommun, self.agreement, Visibility.SHARED, 1),
        )
        # The police, a party of the agreement, reads the dataset: the lägesbild's source.
        self.assertTrue(Dataset.objects.visible_to(self.police).filter(pk=dataset.pk).exists())
        picture = SituationPicture.objects.create(
            title="Lägesbild",
            owner=self.kommun,
            kommun=self.kommun,
            agreement=self.agreement,
            visibility=Visibility.SHARED,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
        self.assertIn(dataset, eligible_datasets(picture))
        situation.set_sources(picture, {dataset.pk: (True, "")})
        self.assertTrue(picture.source_choices.filter(dataset=dataset, included=True).exists())
        # A second decision on a reviewed observation changes nothing.
        self.client.post(url, {"action": "reject", "reason": "Ångrar"})
        first.refresh_from_db()
        self.assertEqual(first.status, ObservationStatus.ACCEPTED)

    def test_a_reporter_sees_only_own_reports_and_cannot_review(self) -> None:
        report, _ = services.file_report(
            self.caretaker,
            self.agreement,
            uuid.uuid4(),
            [
                Observation(
                    category="klotter",
                    sub_area=self.centrum,
                    starts_at=timezone.now(),
                    description="Taggar på gaveln",
                )
            ],
        )
        item = report.observations.get()
        self.client.force_login(self.reporter)
        self.assertNotContains(self.client.get(reverse("est:mine")), "Taggar på gaveln")
        self.assertNotContains(self.client.get(reverse("est:review")), "Taggar på gaveln")
        self.assertEqual(
            self.client.get(reverse("est:observation", kwargs={"pk": item.pk})).status_code, 404
        )
        self.client.force_login(self.outsider)
        self.assertNotContains(self.client.get(reverse("est:review")), "Taggar på gaveln")
        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(reverse("est:review")), "Taggar på gaveln")

    def test_the_form_is_light(self) -> None:
        self.client.force_login(self.reporter)
        page = self.client.get(reverse("est:report"))
        self.assertContains(page, "Centrum")
        self.assertLess(len(page.content), 40_000)

    def test_the_start_page_leads_a_reporter_to_the_form_and_a_coordinator_to_the_review(
        self,
    ) -> None:
        self.client.force_login(self.reporter)
        self.assertContains(self.client.get(reverse("core:home")), reverse("est:report"))
        self.post()
        self.client.force_login(self.coordinator)
        page = self.client.get(reverse("core:home"))
        self.assertContains(page, "1 iakttagelse väntar på din granskning")
        self.client.force_login(self.outsider)
        self.assertNotContains(self.client.get(reverse("core:home")), "väntar på din granskning")

    def test_without_javascript_another_observation_is_added_keeping_what_was_typed(
        self,
    ) -> None:
        self.client.force_login(self.reporter)
        page = self.post(
            None, observation(sub_area=self.centrum.pk, description="Trasig belysning"), add="1"
        )
        self.assertContains(page, 'name="obs-TOTAL_FORMS" value="2"')
        self.assertContains(page, "Trasig belysning")
        self.assertContains(page, 'name="obs-1-category"')
        self.assertFalse(Report.objects.exists())
