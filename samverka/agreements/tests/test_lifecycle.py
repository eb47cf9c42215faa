"""An agreement's dates, status, extension, revisions and årshjul."""

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase

from samverka.agreements import services
from samverka.agreements.cycle import planned_duties
from samverka.agreements.models import Agreement, AgreementStatus, DutyKind, Lifecycle
from samverka.organizations.models import County
from samverka.testing import make_kommun, make_lpo

D = dt.date


def oskarshamn_agreement() -> Agreement:
    kommun = make_kommun("Oskarshamn", "0882", County.objects.create(code="08", name="Kalmar län"))
    lpo = make_lpo("Västervik", [kommun])
    agreement = Agreement.objects.create(
        title="Samverkansavtal mellan Oskarshamns kommun och Polisen",
        starts_on=D(2020, 1, 1),
        ends_on=D(2023, 12, 31),
        extension_years=4,
        consultation_months=6,
    )
    agreement.parties.set([kommun, lpo])
    return agreement


class LifecycleTest(TestCase):
    def test_oskarshamns_consultation_deadline_and_extension(self) -> None:
        agreement = oskarshamn_agreement()
        self.assertEqual(agreement.consultation_deadline, D(2023, 6, 30))
        with time_machine.travel(dt.datetime(2020, 1, 10, 9, tzinfo=dt.UTC)):
            services.sign(agreement, user=None, made_on=D(2019, 12, 18))
        with time_machine.travel(dt.datetime(2023, 6, 1, 9, tzinfo=dt.UTC)):
            revision = services.extend(agreement, user=None, made_on=D(2023, 6, 1))
        agreement.refresh_from_db()
        self.assertEqual(agreement.ends_on, D(2027, 12, 31))
        self.assertEqual(agreement.consultation_deadline, D(2027, 6, 30))
        self.assertEqual(revision.number, 2)
        self.assertIn("2027-12-31", revision.summary)
        self.assertEqual(revision.snapshot["ends_on"], "2027-12-31")
        self.assertEqual(agreement.revisions.get(number=1).snapshot["ends_on"], "2023-12-31")

    def test_the_status_follows_the_dates(self) -> None:
        agreement = oskarshamn_agreement()
        self.assertEqual(agreement.lifecycle(D(2021, 1, 1)), Lifecycle.DRAFT)
        agreement.status = AgreementStatus.SIGNED
        self.assertEqual(agreement.lifecycle(D(2019, 12, 1)), Lifecycle.UPCOMING)
        self.assertEqual(agreement.lifecycle(D(2021, 1, 1)), Lifecycle.IN_FORCE)
        self.assertEqual(agreement.lifecycle(D(2023, 6, 29)), Lifecycle.IN_FORCE)
        self.assertEqual(agreement.lifecycle(D(2023, 6, 30)), Lifecycle.EXPIRING)
        self.assertEqual(agreement.lifecycle(D(2024, 1, 1)), Lifecycle.EXPIRED)
        agreement.replaced_by = Agreement.objects.create(
            title="Ny", starts_on=D(2024, 1, 1), ends_on=D(2027, 12, 31)
        )
        self.assertEqual(agreement.lifecycle(D(2023, 12, 1)), Lifecycle.REPLACED)

    def test_a_draft_cannot_be_extended_and_an_agreement_without_a_rule_neither(self) -> None:
        agreement = oskarshamn_agreement()
        with self.assertRaises(ValidationError):
            services.extend(agreement, user=None, made_on=D(2023, 1, 1))
        services.sign(agreement, user=None, made_on=D(2020, 1, 1))
        agreement.extension_years = None
        with self.assertRaises(ValidationError):
            services.extend(agreement, user=None, made_on=D(2023, 1, 1))
        self.assertEqual(agreement.revisions.count(), 1)

    def test_signing_needs_two_parties_and_happens_once(self) -> None:
        agreement = oskarshamn_agreement()
        lone = Agreement.objects.create(
            title="Ensam", starts_on=D(2024, 1, 1), ends_on=D(2025, 1, 1)
        )
        with self.assertRaises(ValidationError):
            services.sign(lone, user=None, made_on=D(2024, 1, 1))
        services.sign(agreement, user=None, made_on=D(2020, 1, 1))
        with self.assertRaises(ValidationError):
            services.sign(agreement, user=None, made_on=D(2020, 1, 1))

    def test_comparing_versions_shows_words_and_lists_that_changed(self) -> None:
        old = {"purpose": "Minska brott i centrum", "priority_areas": [{"title": "Trafik"}]}
        new = {
            "purpose": "Minska brott och otrygghet i centrum",
            "priority_areas": [{"title": "Trafik"}, {"title": "Unga"}],
        }
        changes = {c.field: c for c in services.compare(old, new)}
        self.assertIn(("added", "och otrygghet"), changes["purpose"].diff)
        self.assertEqual(changes["priority_areas"].diff, [("added", "Unga")])


class CycleTest(TestCase):
    def test_the_yearly_duties_of_a_signed_agreement(self) -> None:
        agreement = oskarshamn_agreement()
        self.assertEqual(planned_duties(agreement), [])  # a draft has none
        agreement.status = AgreementStatus.SIGNED
        duties = {(d.kind, d.year): d.due_on for d in planned_duties(agreement)}
        self.assertEqual(duties[(DutyKind.CONSULTATION, 2023)], D(2023, 6, 30))
        self.assertEqual(duties[(DutyKind.EVALUATION, 2023)], D(2023, 5, 30))
        for year in range(2020, 2024):
            self.assertEqual(duties[(DutyKind.SITUATION_PICTURE, year)], D(year, 3, 31))
            self.assertEqual(duties[(DutyKind.FOLLOW_UP, year)], D(year, 10, 31))
        # Next year's promise is adopted in December, except in the last year.
        self.assertEqual(
            sorted(y for k, y in duties if k == DutyKind.CITIZEN_PROMISE), [2020, 2021, 2022]
        )

    def test_duties_are_stored_once_moved_by_hand_kept_and_done_ones_never_lost(self) -> None:
        agreement = oskarshamn_agreement()
        with time_machine.travel(dt.datetime(2020, 1, 10, 9, tzinfo=dt.UTC)):
            services.sign(agreement, user=None, made_on=D(2019, 12, 18))
        count = agreement.duties.count()
        self.assertEqual(count, len(planned_duties(agreement)))
        lagesbild = agreement.duties.get(kind=DutyKind.SITUATION_PICTURE, year=2021)
        lagesbild.due_on, lagesbild.due_on_set_by_hand = D(2021, 2, 15), True
        lagesbild.save()
        followup = agreement.duties.get(kind=DutyKind.FOLLOW_UP, year=2023)
        followup.done_on = D(2023, 10, 1)
        followup.save()
        agreement.ends_on = D(2022, 12, 31)  # shortened: 2023's open duties go
        services.save_agreement(agreement)
        self.assertEqual(agreement.duties.get(pk=lagesbild.pk).due_on, D(2021, 2, 15))
        self.assertTrue(agreement.duties.filter(pk=followup.pk).exists())
        self.assertFalse(
            agreement.duties.filter(kind=DutyKind.SITUATION_PICTURE, year=2023).exists()
        )

    def test_duties_before_the_agreement_was_recorded_are_not_created(self) -> None:
        agreement = oskarshamn_agreement()
        with time_machine.travel(dt.datetime(2022, 5, 1, 9, tzinfo=dt.UTC)):
            services.sign(agreement, user=None, made_on=D(2019, 12, 18))
        self.assertFalse(agreement.duties.filter(due_on__lt=D(2022, 5, 1)).exists())
        self.assertTrue(agreement.duties.filter(kind=DutyKind.CONSULTATION).exists())
