"""A lägesbild never takes a source by itself (issue 12, failure 5).

Another organization's dataset becomes a source only when a party of the agreement
chooses it; a dataset's rows about a kommun outside its owner's own area count only
where a party of that kommun's agreement chose it. The plan's follow-up follows.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.urls import reverse
from django.utils import timezone

from samverka.agreements.models import Agreement, AgreementStatus
from samverka.organizations.models import Organization, OrganizationKind
from samverka.plans import followup
from samverka.plans import services as plans
from samverka.plans.models import ActionPlan
from samverka.situation import services
from samverka.situation.models import SituationPicture
from samverka.situation.tests.factories import event_dataset
from samverka.sources.models import Dataset, Event
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_kommun, make_lpo, make_user

YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


class SourceChoiceTest(PersonaTestCase):
    """Västervik and LPO Tjust under an agreement; Oskarshamn (a persona's kommun)
    places a public dataset of made-up events in Västervik."""

    vastervik: ClassVar[Organization]
    tjust: ClassVar[Organization]
    vastervik_agreement: ClassVar[Agreement]
    own: ClassVar[Dataset]
    injected: ClassVar[Dataset]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.vastervik = make_kommun("Västervik", "0883", cls.kommun.county, population=36000)
        cls.tjust = make_lpo("Tjust", [cls.vastervik])
        cls.vastervik_agreement = Agreement.objects.create(
            title="Samverkansavtal Västervik",
            starts_on=cls.agreement.starts_on,
            ends_on=cls.agreement.ends_on,
            status=AgreementStatus.SIGNED,
        )
        cls.vastervik_agreement.parties.set([cls.vastervik, cls.tjust])
        cls.vastervik_coordinator = make_user("vastervik@test.example", "Vera")
        Membership.objects.create(
            user=cls.vastervik_coordinator, organization=cls.vastervik, role=Role.COORDINATOR
        )
        # The police's own events of Västervik, shared with the agreement.
        cls.own = event_dataset(
            cls.tjust,
            cls.vastervik,
            YEAR_START,
            YEAR_END,
            agreement=cls.vastervik_agreement,
            seed=1,
        )
        # The attack: Oskarshamn's public dataset of 200 made-up events in Västervik.
        cls.injected = event_dataset(
            cls.kommun,
            cls.vastervik,
            YEAR_START,
            YEAR_END,
            visibility=Visibility.INTERNAL,
            title="Oskarshamns händelser i Västervik",
            seed=2,
        )
        keep = Event.objects.filter(dataset=cls.injected).order_by("pk").values("pk")[:200]
        Event.objects.filter(dataset=cls.injected).exclude(pk__in=keep).delete()
        Dataset.objects.filter(pk=cls.injected.pk).update(
            visibility=Visibility.PUBLIC, published_at=timezone.now()
        )
        cls.injected.refresh_from_db()

    def start(self) -> SituationPicture:
        return services.start_picture(
            self.vastervik_agreement,
            self.vastervik,
            self.vastervik,
            YEAR_START,
            YEAR_END,
            "Lägesbild Västervik 2025",
            self.vastervik_coordinator,
        )

    def count(self, picture: SituationPicture) -> int:
        return int(services.figures(picture)["categories"]["total"])

    def plan_of(self, picture: SituationPicture) -> ActionPlan:
        services.adopt(picture, dt.date(2026, 2, 10), "KS §12", self.vastervik_coordinator)
        plan = plans.start_plan(
            picture,
            "Åtgärdsplan Västervik",
            dt.date(2026, 1, 1),
            dt.date(2027, 12, 31),
            self.vastervik_coordinator,
        )
        return plan

    def test_another_kommuns_dataset_is_not_taken_by_itself(self) -> None:
        self.assertEqual(Event.objects.filter(dataset=self.injected).count(), 200)
        picture = self.start()
        self.assertEqual(services.used_dataset_ids(picture), [self.own.pk])
        own_count = Event.objects.filter(dataset=self.own).count()
        self.assertEqual(self.count(picture), own_count)
        # It may still be chosen: it is listed among the eligible sources.
        self.assertIn(self.injected, services.eligible_datasets(picture))
        # Nor does the plan's follow-up take it, even when it arrives later.
        plan = self.plan_of(picture)
        self.assertEqual(followup.plan_datasets(plan), [self.own.pk])
        later = event_dataset(
            self.other_kommun,
            self.vastervik,
            dt.date(2026, 1, 1),
            dt.date(2026, 6, 30),
            visibility=Visibility.INTERNAL,
            seed=3,
        )
        Dataset.objects.filter(pk=later.pk).update(
            visibility=Visibility.PUBLIC, published_at=timezone.now()
        )
        self.assertEqual(followup.plan_datasets(plan), [self.own.pk])

    def test_the_partys_own_new_data_still_arrives_in_the_follow_up(self) -> None:
        plan = self.plan_of(self.start())
        more = event_dataset(
            self.tjust,
            self.vastervik,
            dt.date(2026, 1, 1),
            dt.date(2026, 6, 30),
            agreement=self.vastervik_agreement,
            seed=4,
        )
        self.assertEqual(followup.plan_datasets(plan), sorted([self.own.pk, more.pk]))

    def test_a_partys_chosen_dataset_is_used(self) -> None:
        picture = self.start()
        self.client.force_login(self.vastervik_coordinator)
        self.client.post(
            reverse("situation:sources", args=[picture.pk]),
            {f"use-{self.own.pk}": "on", f"use-{self.injected.pk}": "on"},
        )
        self.assertEqual(
            services.used_dataset_ids(picture), sorted([self.own.pk, self.injected.pk])
        )
        self.assertEqual(
            self.count(picture),
            Event.objects.filter(dataset__in=[self.own, self.injected]).count(),
        )
        plan = self.plan_of(picture)
        self.assertEqual(followup.plan_datasets(plan), sorted([self.own.pk, self.injected.pk]))

    def test_the_sources_save_without_a_reason_for_a_dataset_nobody_chose(self) -> None:
        picture = self.start()
        self.client.force_login(self.vastervik_coordinator)
        answer = self.client.post(
            reverse("situation:sources", args=[picture.pk]),
            {f"use-{self.own.pk}": "on"},
            follow=True,
        )
        self.assertContains(answer, "Källorna är sparade")
        self.assertEqual(services.used_dataset_ids(picture), [self.own.pk])
        self.assertFalse(picture.source_choices.filter(dataset=self.injected).exists())

    def test_a_national_dataset_waits_for_a_partys_choice_too(self) -> None:
        polisen = Organization.objects.create(
            name="Polismyndigheten", slug="polismyndigheten", kind=OrganizationKind.NATIONAL
        )
        national = event_dataset(polisen, self.vastervik, YEAR_START, YEAR_END, seed=5)
        Dataset.objects.filter(pk=national.pk).update(
            visibility=Visibility.PUBLIC, published_at=timezone.now()
        )
        picture = self.start()
        self.assertNotIn(national.pk, services.used_dataset_ids(picture))
        services.set_sources(picture, {national.pk: (True, "")})
        self.assertIn(national.pk, services.used_dataset_ids(picture))
