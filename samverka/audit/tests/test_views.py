"""Reading the audit trail: coordinators see the trail of what they may see."""

import datetime as dt
from unittest import mock

from django.utils import timezone, translation

from samverka.audit.recorder import acting_as
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_user
from tests.contentapp.models import Note

URL = "/logg/"


class TrailTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with acting_as(cls.coordinator):
            Note.objects.create(owner=cls.kommun, text="kommunens interna anteckning")
        with acting_as(cls.police):
            Note.objects.create(
                owner=cls.lpo,
                agreement=cls.agreement,
                visibility=Visibility.SHARED,
                text="polisens delade anteckning",
            )
            Note.objects.create(owner=cls.lpo, text="polisens interna anteckning")
            Note.objects.create(
                owner=cls.lpo,
                agreement=cls.agreement,
                visibility=Visibility.PUBLIC,
                published_at=timezone.now(),
                text="polisens publicerade anteckning",
            )
        with acting_as(label="other"):
            Note.objects.create(owner=cls.other_kommun, text="Lessebos anteckning")

    def test_coordinators_and_admins_may_read_the_trail(self) -> None:
        self.assert_statuses(
            "get",
            URL,
            {
                "coordinator": 200,
                "admin": 200,
                "police": 403,
                "outsider": 403,
                "reporter": 403,
                "viewer": 403,
                "anonymous": 302,
            },
        )

    def test_a_coordinator_sees_own_and_shared_changes_only(self) -> None:
        self.login_as("coordinator")
        html = self.client.get(URL).content.decode()
        self.assertIn("kommunens interna anteckning", html)
        self.assertIn("polisens delade anteckning", html)
        self.assertNotIn("polisens interna anteckning", html)
        self.assertNotIn("Lessebos anteckning", html)

    def test_the_history_of_published_content_is_the_parties_own(self) -> None:
        # The note is public; its entry names the agreement, which is not.
        other_coordinator = make_user("samordnare@lessebo.example", "Lea")
        Membership.objects.create(
            user=other_coordinator, organization=self.other_kommun, role=Role.COORDINATOR
        )
        self.client.force_login(other_coordinator)
        html = self.client.get(URL).content.decode()
        self.assertNotIn("polisens publicerade anteckning", html)
        self.assertNotIn(self.agreement.title, html)
        self.assertIn("Lessebos anteckning", html)
        self.login_as("coordinator")
        self.assertContains(self.client.get(URL), "polisens publicerade anteckning")

    def test_the_trail_shows_who_changed_which_field_from_what_to_what(self) -> None:
        membership = self.viewer.memberships.get()
        self.client.force_login(self.coordinator)
        self.client.post(
            f"/organisationer/oskarshamn/medlemmar/{membership.pk}/", {"role": "member"}
        )
        response = self.client.get(URL, {"action": "update"})
        self.assertContains(response, "Cora Testperson")
        self.assertContains(response, "<td>roll</td><td>Läsare</td><td>Medlem</td>", html=True)

    def test_the_platform_administrator_sees_everything(self) -> None:
        self.login_as("admin")
        html = self.client.get(URL).content.decode()
        self.assertIn("polisens interna anteckning", html)
        self.assertIn("Lessebos anteckning", html)

    def test_bad_filters_are_ignored_not_an_error(self) -> None:
        self.login_as("coordinator")
        response = self.client.get(URL, {"kind": "inte-ett-tal", "action": "hack"})
        self.assertEqual(response.status_code, 200)


class TrailInWordsTest(PersonaTestCase):
    """The trail in words and Swedish time (issue 13, point 7)."""

    def test_a_change_at_23_30_utc_reads_as_swedish_time_with_the_fields_swedish_label(
        self,
    ) -> None:
        moment = dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC)
        with acting_as(self.coordinator):
            note = Note.objects.create(
                owner=self.kommun, agreement=self.agreement, visibility=Visibility.PUBLIC
            )
            with mock.patch("django.utils.timezone.now", return_value=moment):
                note.published_at = moment
                note.save()
        self.client.force_login(self.coordinator)
        response = self.client.get(URL, {"action": "update"})
        # When it happened, and the value it got: both in Swedish summer time.
        self.assertContains(response, "2 juni 2026 01:30</time>")
        self.assertContains(
            response, "<td>publicerad</td><td>–</td><td>2 juni 2026 01:30</td>", html=True
        )
        self.assertNotContains(response, "2026-06-01T23:30")

    def test_dicts_lists_and_yes_no_are_written_out(self) -> None:
        from samverka.audit.views import _display

        with translation.override("sv"):
            self.assertEqual(
                _display(None, {"category": "theft", "sub_area": None, "share": 0.4565}),
                "category: theft; sub_area: –; share: 0,4565",
            )
            self.assertEqual(_display(None, ["Oskarshamn", "Lessebo"]), "Oskarshamn, Lessebo")
            self.assertEqual(_display(None, True), "ja")
            self.assertEqual(_display(None, 26939), "26\u00a0939")
