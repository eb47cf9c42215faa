"""What a first user noticed: Swedish first, own error pages, clear messages."""

from django.conf import settings
from django.core.exceptions import ValidationError

from samverka.audit.recorder import acting_as
from samverka.organizations import services
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_user


class SwedishFirstTest(PersonaTestCase):
    def test_an_english_browser_still_gets_swedish_until_the_user_switches(self) -> None:
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
        self.assertContains(response, '<html lang="sv">')
        self.assertEqual(response["Content-Language"], "sv")
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.assertContains(self.client.get("/"), '<html lang="en">')

    def test_an_unknown_language_cookie_falls_back_to_swedish(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        self.assertContains(self.client.get("/"), '<html lang="sv">')


class ErrorPagesTest(PersonaTestCase):
    def test_a_denied_page_explains_in_swedish(self) -> None:
        self.login_as("police")
        response = self.client.get("/organisationer/oskarshamn/medlemmar/lagg-till/")
        self.assertContains(response, "Det här får du inte göra", status_code=403)

    def test_a_missing_page_explains_in_swedish(self) -> None:
        response = self.client.get("/finns-inte/")
        self.assertContains(response, "Sidan finns inte", status_code=404)


class MessagesTest(PersonaTestCase):
    def test_a_wrong_password_gets_a_plain_message(self) -> None:
        response = self.client.post(
            "/konto/logga-in/", {"username": "police@test.example", "password": "fel"}
        )
        self.assertContains(response, "Fel e-postadress eller lösenord.")

    def test_the_lockout_page_says_how_long_to_wait(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            response = self.client.post(
                "/konto/logga-in/", {"username": "police@test.example", "password": "fel"}
            )
        self.assertContains(response, "pausad i 15 minuter", status_code=429)

    def test_the_last_coordinator_is_not_offered_a_remove_button(self) -> None:
        membership = Membership.objects.get(user=self.coordinator)
        self.login_as("coordinator")
        url = f"/organisationer/oskarshamn/medlemmar/{membership.pk}/ta-bort/"
        response = self.client.get(url)
        self.assertContains(response, "minst en samordnare")
        self.assertNotContains(response, 'class="danger"')

    def test_an_invited_person_keeps_their_profile_and_is_not_invited_twice(self) -> None:
        person = make_user("namnlos@test.example", "Nora")
        request = self.client.request().wsgi_request
        request.user = self.coordinator
        invitation = services.invite_member(
            request, self.kommun, email="Namnlos@test.example", role=Role.MEMBER
        )
        services.accept_invitation(invitation, person)
        person.refresh_from_db()
        self.assertEqual((person.first_name, person.title), ("Nora", ""))
        self.assertEqual(Membership.objects.get(user=person).role, Role.MEMBER)
        with self.assertRaises(ValidationError):
            services.invite_member(
                request, self.kommun, email="namnlos@test.example", role=Role.MEMBER
            )


class TrailReadabilityTest(PersonaTestCase):
    def test_system_actors_and_lists_read_well(self) -> None:
        with acting_as(label="reference data"):
            self.lpo.covers.add(self.other_kommun)
        self.login_as("admin")
        html = self.client.get("/logg/").content.decode()
        self.assertIn("referensdata", html)
        self.assertIn("<td>Oskarshamn</td><td>Lessebo, Oskarshamn</td>", html.replace("\n", ""))
