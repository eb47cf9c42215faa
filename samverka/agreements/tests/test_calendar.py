"""The årshjul as iCalendar: a standard library reads it, each duty once."""

import datetime as dt

import icalendar
import time_machine
from django.urls import reverse
from django.utils import timezone

from samverka.agreements import services
from samverka.agreements.models import Duty
from samverka.testing import PERSONAS, PersonaTestCase


class CalendarTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(dt.datetime(2020, 1, 2, 9, tzinfo=dt.UTC)):
            cls.agreement.status = "draft"
            cls.agreement.save()
            services.sign(cls.agreement, user=None, made_on=dt.date(2020, 1, 1))

    def events(self, url: str) -> list[icalendar.Event]:
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))

    def test_each_duty_appears_once_with_its_date(self) -> None:
        self.login_as("police")
        events = self.events(reverse("agreements:cycle_ics", kwargs={"pk": self.agreement.pk}))
        duties = list(Duty.objects.filter(agreement=self.agreement))
        self.assertGreater(len(duties), 5)
        uids = [str(e["uid"]) for e in events]
        self.assertEqual(len(uids), len(set(uids)))
        self.assertEqual(sorted(uids), sorted(f"duty-{d.pk}@samverka" for d in duties))
        by_uid = {str(e["uid"]): e for e in events}
        for duty in duties:
            event = by_uid[f"duty-{duty.pk}@samverka"]
            self.assertEqual(event.decoded("dtstart"), duty.due_on)
            self.assertIn(str(self.agreement), str(event["summary"]))

    def test_the_file_for_all_agreements_holds_only_the_users_own(self) -> None:
        self.login_as("outsider")
        events = self.events(reverse("agreements:cycle_all_ics"))
        self.assertEqual(events, [])  # Lessebo's agreement is a draft: no duties
        self.login_as("coordinator")
        self.assertEqual(
            len(self.events(reverse("agreements:cycle_all_ics"))),
            Duty.objects.filter(agreement=self.agreement).count(),
        )

    def test_who_may_download_an_agreements_calendar(self) -> None:
        url = reverse("agreements:cycle_ics", kwargs={"pk": self.agreement.pk})
        expected = dict.fromkeys(PERSONAS, 404)
        expected.update(coordinator=200, police=200, viewer=200)
        self.assert_statuses("get", url, expected)


class WheelTest(PersonaTestCase):
    """The årshjul as a circular year with a table of the same items (issue 16, point 5)."""

    def test_the_years_duties_are_on_the_wheel_and_in_its_table(self) -> None:
        from samverka.agreements.models import DutyKind

        year = timezone.localdate().year + 1
        Duty.objects.create(
            agreement=self.agreement,
            kind=DutyKind.choices[0][0],
            year=year,
            due_on=dt.date(year, 3, 15),
        )
        Duty.objects.create(
            agreement=self.other_agreement,
            kind=DutyKind.choices[0][0],
            year=year,
            due_on=dt.date(year, 4, 1),
        )
        self.login_as("coordinator")
        for url in (
            reverse("agreements:cycle", args=[self.agreement.pk]),
            reverse("agreements:cycle_all"),
        ):
            with self.subTest(url=url):
                page = self.client.get(url, {"ar": year})
                wheel = page.context["wheel"]
                # Only the user's own agreements' items: Lessebo's duty is not on it.
                self.assertEqual([p["item"].on for p in wheel["items"]], [dt.date(year, 3, 15)])
                self.assertContains(page, 'role="img"')
                self.assertContains(page, f"{year}-03-15")
                # 15 March sits a fifth of the way round, clockwise from the top: right of
                # the centre and above it, a little before three o'clock.
                placed = wheel["items"][0]
                self.assertGreater(placed["x"], wheel["centre"] + 70)
                self.assertLess(placed["y"], wheel["centre"] - 15)
                self.assertEqual(len(wheel["months"]), 12)

    def test_a_year_out_of_reason_falls_back_to_this_year(self) -> None:
        self.login_as("coordinator")
        page = self.client.get(reverse("agreements:cycle_all"), {"ar": "x"})
        self.assertEqual(page.context["wheel"]["year"], timezone.localdate().year)
        page = self.client.get(reverse("agreements:cycle_all"), {"ar": "1066"})
        self.assertEqual(page.context["wheel"]["year"], timezone.localdate().year)
