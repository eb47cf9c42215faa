"""Sharing within the agreement (issue 13, point 2).

Oskarshamn's coordinator shares an internal dataset with the parties of one or more of
Oskarshamn's agreements: with agreement A (Oskarshamn and LPO Västervik) and a second
one, with the housing company Oskarshamnshem. The parties of the agreements it is shared
with read it and may choose it as a source of their lägesbild; nobody else reads it.
Withdrawing a sharing first says which lägesbilder use it; adopted ones keep their figures.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverka.accounts.models import User
from samverka.agreements import joint
from samverka.agreements.models import Agreement, AgreementStatus
from samverka.audit.models import AuditEntry
from samverka.organizations.models import Organization, OrganizationKind
from samverka.plans import followup
from samverka.plans import services as plans
from samverka.situation import services as situation
from samverka.situation.models import SituationPicture
from samverka.sources import sharing
from samverka.sources.models import (
    Dataset,
    DatasetShare,
    DatasetStatus,
    Event,
    ImportJob,
    JobStatus,
    PlacePrecision,
    RejectedRow,
    SourceKind,
    TimePrecision,
)
from samverka.taxonomy.models import Category
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_user

YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
TITLE = "Kommunens trygghetsronder 2025"


class SharingTestBase(PersonaTestCase):
    housing: ClassVar[Organization]
    housing_agreement: ClassVar[Agreement]
    tenant_officer: ClassVar[User]
    police_coordinator: ClassVar[User]
    dataset: ClassVar[Dataset]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.housing = Organization.objects.create(
            name="Oskarshamnshem", slug="oskarshamnshem", kind=OrganizationKind.HOUSING_COMPANY
        )
        cls.housing_agreement = Agreement.objects.create(
            title="Trygghetssamverkan Oskarshamnshem",
            starts_on=cls.agreement.starts_on,
            ends_on=cls.agreement.ends_on,
            status=AgreementStatus.SIGNED,
        )
        cls.housing_agreement.parties.set([cls.kommun, cls.housing])
        cls.tenant_officer = make_user("hem@test.example", "Hanna")
        Membership.objects.create(
            user=cls.tenant_officer, organization=cls.housing, role=Role.MEMBER
        )
        # The police party of agreement A, as a coordinator: reads what A's parties read.
        cls.police_coordinator = make_user("polis-samordnare@test.example", "Per")
        Membership.objects.create(
            user=cls.police_coordinator, organization=cls.lpo, role=Role.COORDINATOR
        )
        cls.dataset = Dataset.objects.create(
            kind=SourceKind.EVENT_TABLE,
            title=TITLE,
            owner=cls.kommun,
            visibility=Visibility.INTERNAL,
            period_start=YEAR_START,
            period_end=YEAR_END,
            status=DatasetStatus.DONE,
            progress=100,
        )
        graffiti = Category.objects.current().get(code="damage.graffiti")
        Event.objects.bulk_create(
            Event(
                dataset=cls.dataset,
                source=SourceKind.EVENT_TABLE,
                external_id=f"rond-{n}",
                occurred_at=dt.datetime(2025, 1 + n % 12, 10, 21, tzinfo=dt.UTC),
                time_precision=TimePrecision.EXACT,
                category=graffiti,
                source_type="Klotter",
                place_precision=PlacePrecision.KOMMUN,
                kommun=cls.kommun,
            )
            for n in range(24)
        )
        RejectedRow.objects.create(dataset=cls.dataset, row_number=7, field="plats", reason="x")

    def picture(self, agreement: Agreement, title: str) -> SituationPicture:
        return situation.start_picture(
            agreement, self.kommun, self.kommun, YEAR_START, YEAR_END, title, self.coordinator
        )

    def readers(self) -> dict[str, bool]:
        """Who reads the dataset, its page and its rejected rows."""
        people = {
            "coordinator": self.coordinator,
            "viewer": self.viewer,
            "tenant_officer": self.tenant_officer,
            "police": self.police,
            "police_coordinator": self.police_coordinator,
            "outsider": self.outsider,
            "anonymous": None,
        }
        seen = {}
        for name, user in people.items():
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            page = self.client.get(self.dataset.get_absolute_url())
            rejects = self.client.get(reverse("sources:rejected_csv", args=[self.dataset.pk]))
            self.assertEqual(page.status_code, rejects.status_code, name)
            seen[name] = page.status_code == 200
        self.client.logout()
        return seen


class ShareTest(SharingTestBase):
    def test_the_coordinator_shares_with_one_agreement_and_only_its_parties_read_it(
        self,
    ) -> None:
        self.client.force_login(self.coordinator)
        page = self.client.get(self.dataset.get_absolute_url())
        self.assertContains(page, reverse("sources:share", args=[self.dataset.pk]))
        form = self.client.get(reverse("sources:share", args=[self.dataset.pk]))
        self.assertContains(form, self.housing_agreement.title)
        self.assertNotContains(form, self.other_agreement.title)  # not a party of it
        response = self.client.post(
            reverse("sources:share", args=[self.dataset.pk]),
            {"agreements": [self.housing_agreement.pk]},
        )
        self.assertRedirects(response, self.dataset.get_absolute_url())
        self.dataset.refresh_from_db()
        self.assertEqual(self.dataset.visibility, Visibility.SHARED)
        self.assertEqual(list(sharing.shared_agreements(self.dataset)), [self.housing_agreement])
        self.assertEqual(
            self.readers(),
            {
                "coordinator": True,
                "viewer": True,
                "tenant_officer": True,
                # The police is a party of agreement A, which it is not shared with.
                "police": False,
                "police_coordinator": False,
                "outsider": False,
                "anonymous": False,
            },
        )
        # The police of agreement A does not even see it in the list of sources.
        self.client.force_login(self.police_coordinator)
        self.assertNotContains(self.client.get(reverse("sources:list")), TITLE)

    def test_a_party_leaving_the_agreement_is_told_it_loses_the_shared_dataset(self) -> None:
        sharing.share(self.dataset, [self.housing_agreement], by=self.coordinator)
        loses = joint.readable_through_agreement(self.housing_agreement, self.housing)
        self.assertTrue(any(TITLE in item for item in loses), loses)
        police_loses = joint.readable_through_agreement(self.agreement, self.lpo)
        self.assertFalse(any(TITLE in item for item in police_loses))

    def test_shared_with_two_agreements_both_parties_read_it(self) -> None:
        sharing.share(self.dataset, [self.housing_agreement, self.agreement], by=self.coordinator)
        self.assertEqual(DatasetShare.objects.filter(dataset=self.dataset).count(), 2)
        seen = self.readers()
        self.assertTrue(seen["tenant_officer"] and seen["police"] and seen["police_coordinator"])
        self.assertFalse(seen["outsider"] or seen["anonymous"])

    def test_only_the_owners_coordinator_shares_and_only_with_the_owners_agreements(
        self,
    ) -> None:
        for user in (self.viewer, self.police_coordinator, self.outsider):
            with self.subTest(user=str(user)), self.assertRaises(PermissionDenied):
                sharing.share(self.dataset, [self.housing_agreement], by=user)
        self.client.force_login(self.viewer)
        url = reverse("sources:share", args=[self.dataset.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(
            self.client.post(url, {"agreements": [self.housing_agreement.pk]}).status_code, 403
        )
        with self.assertRaises(ValidationError):
            sharing.share(self.dataset, [self.other_agreement], by=self.coordinator)
        self.client.force_login(self.coordinator)
        response = self.client.post(url, {"agreements": [self.other_agreement.pk]})
        self.assertEqual(response.status_code, 200)  # not a choice: Lessebo's agreement
        self.dataset.refresh_from_db()
        self.assertEqual(self.dataset.visibility, Visibility.INTERNAL)
        self.assertFalse(DatasetShare.objects.exists())

    def test_each_sharing_and_withdrawal_is_in_the_audit_trail(self) -> None:
        before = AuditEntry.objects.filter(object_pk=str(self.dataset.pk)).count()
        sharing.share(self.dataset, [self.housing_agreement], by=self.coordinator)
        sharing.unshare(self.dataset, self.housing_agreement, by=self.coordinator)
        entries = AuditEntry.objects.filter(object_pk=str(self.dataset.pk)).order_by("pk")
        about = [
            e.changes
            for e in entries[before:]
            if self.housing_agreement.title in json.dumps(e.changes, ensure_ascii=False)
        ]
        self.assertEqual(len(about), 2, about)
        (shared,) = about[0].values()
        (withdrawn,) = about[1].values()
        self.assertEqual(shared, [None, self.housing_agreement.title])
        self.assertEqual(withdrawn, [self.housing_agreement.title, None])
        # The visibility's change is recorded too.
        self.assertTrue(any("visibility" in e.changes for e in entries[before:]))


class SourceChoiceTest(SharingTestBase):
    def test_a_shared_dataset_is_a_source_choice_of_its_agreements_parties_only(self) -> None:
        picture_a = self.picture(self.agreement, "Lägesbild Oskarshamn")
        picture_home = self.picture(self.housing_agreement, "Lägesbild bostadsområdena")
        for picture in (picture_a, picture_home):
            self.assertNotIn(self.dataset, situation.eligible_datasets(picture))
        sharing.share(self.dataset, [self.housing_agreement], by=self.coordinator)
        self.assertIn(self.dataset, situation.eligible_datasets(picture_home))
        self.assertNotIn(self.dataset, situation.eligible_datasets(picture_a))
        # As the parties see it: the housing agreement's lägesbild offers it, A's does not.
        self.client.force_login(self.tenant_officer)
        self.assertContains(self.client.get(picture_home.get_absolute_url()), TITLE)
        self.client.force_login(self.police)
        self.assertNotContains(self.client.get(picture_a.get_absolute_url()), TITLE)
        # Chosen by a party, it is a source of the picture.
        situation.set_sources(picture_home, {self.dataset.pk: (True, "")})
        self.assertEqual(situation.used_dataset_ids(picture_home), [self.dataset.pk])
        # Shared with A too: A's lägesbild offers it as well.
        sharing.share(self.dataset, [self.agreement], by=self.coordinator)
        self.assertIn(self.dataset, situation.eligible_datasets(picture_a))
        # The sharing with the housing agreement withdrawn: its lägesbild loses it.
        sharing.unshare(self.dataset, self.housing_agreement, by=self.coordinator)
        self.assertNotIn(self.dataset, situation.eligible_datasets(picture_home))
        self.assertEqual(situation.used_dataset_ids(picture_home), [])
        self.assertIn(self.dataset, situation.eligible_datasets(picture_a))
        self.dataset.refresh_from_db()
        self.assertEqual(self.dataset.visibility, Visibility.SHARED)
        sharing.unshare(self.dataset, self.agreement, by=self.coordinator)
        self.dataset.refresh_from_db()
        self.assertEqual(self.dataset.visibility, Visibility.INTERNAL)
        self.assertNotIn(self.dataset, situation.eligible_datasets(picture_a))

    def test_a_withdrawal_names_what_uses_it_first_and_adopted_pictures_keep_their_figures(
        self,
    ) -> None:
        sharing.share(self.dataset, [self.housing_agreement], by=self.coordinator)
        # The owner is a party and the kommun its own: the new picture takes it at once.
        adopted = self.picture(self.housing_agreement, "Lägesbild 2025 fastställd")
        self.assertEqual(situation.used_dataset_ids(adopted), [self.dataset.pk])
        situation.adopt(adopted, YEAR_END, "Styrgruppen §3", self.coordinator)
        adopted.refresh_from_db()
        frozen = adopted.snapshot
        draft = self.picture(self.housing_agreement, "Lägesbild 2025 utkast")
        plan_period = (dt.date(2026, 1, 1), dt.date(2027, 12, 31))
        plan = plans.start_plan(adopted, "Åtgärdsplan 2026", *plan_period, self.coordinator)
        self.assertEqual(followup.plan_datasets(plan), [self.dataset.pk])
        url = reverse("sources:unshare", args=[self.dataset.pk, self.housing_agreement.pk])
        self.client.force_login(self.coordinator)
        page = self.client.get(url)
        self.assertContains(page, "Lägesbild 2025 fastställd")
        self.assertContains(page, "Lägesbild 2025 utkast")
        self.assertContains(page, draft.get_absolute_url())
        self.dataset.refresh_from_db()
        self.assertEqual(self.dataset.visibility, Visibility.SHARED)  # nothing happened yet
        response = self.client.post(url)
        self.assertRedirects(response, self.dataset.get_absolute_url())
        self.dataset.refresh_from_db()
        self.assertEqual(self.dataset.visibility, Visibility.INTERNAL)
        self.assertEqual(situation.used_dataset_ids(draft), [])
        self.assertEqual(followup.plan_datasets(plan), [])  # its parties may not read it now
        adopted.refresh_from_db()
        self.assertEqual(adopted.snapshot, frozen)
        self.assertIn(self.dataset.pk, [s.get("dataset_id") for s in frozen["sources"]])
        # The housing company no longer reads it.
        self.assertFalse(self.readers()["tenant_officer"])


def police_file(name: str = "events.json") -> SimpleUploadedFile:
    record = {
        "id": 901,
        "datetime": "2026-08-22 9:48:12 +02:00",
        "name": "22 augusti 08:15, Stöld, Oskarshamn",
        "summary": "En cykel stals.",
        "type": "Stöld",
        "location": {"name": "Oskarshamn", "gps": "57.264,16.448"},
    }
    return SimpleUploadedFile(name, json.dumps([record]).encode(), "application/json")


class UploadSharedTest(SharingTestBase):
    def test_the_upload_offers_shared_with_an_agreement_and_shares_it(self) -> None:
        self.client.force_login(self.coordinator)
        form = self.client.get(reverse("sources:upload"))
        self.assertContains(form, f'value="shared:{self.housing_agreement.pk}"')
        self.assertContains(form, f"Delad med överenskommelse {self.housing_agreement.title}")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("sources:upload"),
                {
                    "kind": SourceKind.POLICE_EVENTS,
                    "owner": self.kommun.pk,
                    "visibility": f"shared:{self.housing_agreement.pk}",
                    "title": "Polisens händelser augusti",
                    "file": police_file(),
                },
            )
        job = ImportJob.objects.get()
        self.assertRedirects(response, job.get_absolute_url())
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        dataset = job.dataset
        assert dataset is not None
        self.assertEqual(dataset.visibility, Visibility.SHARED)
        self.assertEqual(list(sharing.shared_agreements(dataset)), [self.housing_agreement])
        self.assertEqual(DatasetShare.objects.get(dataset=dataset).shared_by, self.coordinator)

    def test_a_member_who_does_not_coordinate_cannot_upload_shared(self) -> None:
        self.client.force_login(self.police)  # a member of LPO Västervik, party of A
        form = self.client.get(reverse("sources:upload"))
        self.assertNotContains(form, 'value="shared:')
        response = self.client.post(
            reverse("sources:upload"),
            {
                "kind": SourceKind.POLICE_EVENTS,
                "owner": self.lpo.pk,
                "visibility": f"shared:{self.agreement.pk}",
                "file": police_file(),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ImportJob.objects.exists())


class DatasetCleanTest(SharingTestBase):
    def test_a_dataset_shared_through_its_shares_is_valid_and_one_shared_with_none_is_not(
        self,
    ) -> None:
        self.dataset.visibility = Visibility.SHARED
        with self.assertRaises(ValidationError):
            self.dataset.full_clean()
        sharing.share(self.dataset, [self.housing_agreement], by=self.coordinator)
        self.dataset.refresh_from_db()
        self.assertIsNone(self.dataset.agreement_id)
        self.dataset.full_clean()
