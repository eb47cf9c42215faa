"""Comparing two versions of a lägesbild shows each reader only what that reader may
read: the police's internal summary and a dataset its owner has made internal are
named to the police only (issue 12, failure 3)."""

from __future__ import annotations

import datetime as dt
import io
from typing import ClassVar

import docx
from django.urls import reverse

from samverka.accounts.models import User
from samverka.situation import services
from samverka.situation.models import InputKind, QualitativeInput, SituationPicture
from samverka.situation.tests.factories import event_dataset
from samverka.situation.tests.test_workspace import (
    YEAR_END,
    YEAR_START,
    WorkspaceTestCase,
    pdf_text,
)
from samverka.sources.models import Dataset
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import make_user

SECRET_TITLE = "Underrättelsebild hamnen"
SECRET_TEXT = "Narkotikaförsäljningen har flyttat till kajen vid färjeläget."
HIDDEN_SOURCE = "Polisens egna iakttagelser 2025"


class CompareVisibilityTest(WorkspaceTestCase):
    draft: ClassVar[SituationPicture]
    kommun_member: ClassVar[User]
    police_coordinator: ClassVar[User]
    hidden: ClassVar[Dataset]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.kommun_member = make_user("member@test.example", "Maja")
        Membership.objects.create(user=cls.kommun_member, organization=cls.kommun, role=Role.MEMBER)
        cls.police_coordinator = make_user("lpo-coordinator@test.example", "Lars")
        Membership.objects.create(
            user=cls.police_coordinator, organization=cls.lpo, role=Role.COORDINATOR
        )
        services.adopt(cls.picture, dt.date(2026, 2, 10), "Styrgruppen §4", cls.coordinator)
        cls.draft = services.new_version(cls.picture, cls.coordinator)
        QualitativeInput.objects.create(
            picture=cls.draft,
            owner=cls.lpo,
            agreement=cls.agreement,
            visibility=Visibility.INTERNAL,
            kind=InputKind.POLICE_SUMMARY,
            title=SECRET_TITLE,
            text=SECRET_TEXT,
        )
        QualitativeInput.objects.create(
            picture=cls.draft,
            owner=cls.kommun,
            agreement=cls.agreement,
            visibility=Visibility.SHARED,
            kind=InputKind.CITIZEN_DIALOGUE,
            title="Medborgardialog i centrum",
            text="Oro kring busstationen kvällstid.",
        )
        # The police shared a dataset, it was chosen, then the police made it internal.
        cls.hidden = event_dataset(
            cls.lpo,
            cls.kommun,
            YEAR_START,
            YEAR_END,
            agreement=cls.agreement,
            title=HIDDEN_SOURCE,
            seed=9,
        )
        services.set_sources(cls.draft, {cls.hidden.pk: (True, "")})
        Dataset.objects.filter(pk=cls.hidden.pk).update(visibility=Visibility.INTERNAL)

    def compare_page(self, user: User) -> str:
        self.client.force_login(user)
        response = self.client.get(reverse("situation:compare", args=[self.draft.pk]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_kommun_does_not_see_the_police_internal_summary_in_the_comparison(self) -> None:
        for user in (self.coordinator, self.kommun_member, self.viewer):
            with self.subTest(user=user.email):
                page = self.compare_page(user)
                self.assertIn("Medborgardialog i centrum", page)  # a shared section is named
                self.assertNotIn(SECRET_TITLE, page)
                self.assertNotIn(SECRET_TEXT, page)
                self.assertNotIn(HIDDEN_SOURCE, page)

    def test_the_police_see_their_own_summary_and_source_in_the_comparison(self) -> None:
        for user in (self.police_coordinator, self.police):
            with self.subTest(user=user.email):
                page = self.compare_page(user)
                self.assertIn(f"Tillagt avsnitt: {SECRET_TITLE}", page)
                self.assertIn(HIDDEN_SOURCE, page)

    def test_the_comparison_service_reads_through_the_policy(self) -> None:
        for_kommun = services.compare(self.picture, self.draft, self.coordinator)
        self.assertEqual(for_kommun["inputs_added"], ["Medborgardialog i centrum"])
        self.assertNotIn(HIDDEN_SOURCE, for_kommun["sources_added"])
        for_police = services.compare(self.picture, self.draft, self.police_coordinator)
        self.assertEqual(
            sorted(for_police["inputs_added"]), ["Medborgardialog i centrum", SECRET_TITLE]
        )
        self.assertIn(HIDDEN_SOURCE, for_police["sources_added"])

    def test_the_documents_and_the_page_do_not_name_the_internal_source_to_the_kommun(
        self,
    ) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("situation:detail", args=[self.draft.pk])
        self.assertNotContains(self.client.get(url), HIDDEN_SOURCE)
        pdf = pdf_text(self.client.get(reverse("situation:pdf", args=[self.draft.pk])).content)
        self.assertNotIn(HIDDEN_SOURCE, pdf)
        self.assertNotIn(SECRET_TITLE, pdf)
        document = docx.Document(
            io.BytesIO(self.client.get(reverse("situation:docx", args=[self.draft.pk])).content)
        )
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Medborgardialog i centrum", text)
        self.assertNotIn(HIDDEN_SOURCE, text)
        self.assertNotIn(SECRET_TITLE, text)
        self.client.force_login(self.police_coordinator)
        document = docx.Document(
            io.BytesIO(self.client.get(reverse("situation:docx", args=[self.draft.pk])).content)
        )
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn(HIDDEN_SOURCE, text)
        self.assertIn(SECRET_TITLE, text)
