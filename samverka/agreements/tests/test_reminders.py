"""Reminders of the årshjul by e-mail: ahead of time, then weekly while overdue."""

import datetime as dt
from io import StringIO

from django.core import mail
from django.core.management import call_command

from samverka.agreements import services
from samverka.agreements.models import AgreementStatus, Duty, DutyKind
from samverka.agreements.reminders import send_reminders
from samverka.testing import PersonaTestCase


class ReminderTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.agreement.status = AgreementStatus.DRAFT
        cls.agreement.save()
        services.sign(cls.agreement, user=None, made_on=cls.agreement.starts_on)
        Duty.objects.filter(agreement=cls.agreement).delete()
        cls.duty = Duty.objects.create(
            agreement=cls.agreement,
            kind=DutyKind.FOLLOW_UP,
            year=2030,
            due_on=dt.date(2030, 10, 31),
        )

    def test_coordinators_of_the_parties_are_reminded_two_weeks_ahead_once(self) -> None:
        self.assertEqual(send_reminders(dt.date(2030, 10, 1)).duties, 0)
        result = send_reminders(dt.date(2030, 10, 17))
        self.assertEqual((result.duties, result.emails), (1, 1))
        self.assertEqual(mail.outbox[0].to, ["coordinator@test.example"])
        self.assertIn("Årlig uppföljning 2030", mail.outbox[0].body)
        self.assertIn("samverka: 1 uppgift i årshjulet", mail.outbox[0].subject)
        self.assertEqual(send_reminders(dt.date(2030, 10, 18)).duties, 0)  # not daily

    def test_an_overdue_duty_is_reminded_weekly_until_done(self) -> None:
        send_reminders(dt.date(2030, 10, 17))
        self.assertEqual(send_reminders(dt.date(2030, 11, 2)).duties, 1)  # now overdue
        self.assertIn("försenad", mail.outbox[-1].body)
        self.assertEqual(send_reminders(dt.date(2030, 11, 5)).duties, 0)  # within the week
        self.assertEqual(send_reminders(dt.date(2030, 11, 9)).duties, 1)
        self.duty.done_on = dt.date(2030, 11, 8)
        self.duty.save()
        self.assertEqual(send_reminders(dt.date(2030, 11, 20)).duties, 0)

    def test_the_command_reports_what_it_sent(self) -> None:
        out = StringIO()
        call_command("send_duty_reminders", "--base-url", "https://samverka.example/", stdout=out)
        self.assertIn("duties reminded", out.getvalue())
