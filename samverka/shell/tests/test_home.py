"""The start page, the shell and the language switch, for every persona."""

import datetime as dt

import time_machine
from django.urls import reverse

from samverka.agreements.models import AgreementStatus
from samverka.testing import PERSONAS, PersonaTestCase


class HomeTest(PersonaTestCase):
    def test_everyone_gets_a_start_page(self) -> None:
        self.assert_statuses("get", "/", dict.fromkeys(PERSONAS, 200))

    def test_an_anonymous_visitor_is_invited_to_sign_in(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, "Logga in")
        self.assertNotContains(response, "Dina organisationer")

    def test_a_coordinator_sees_organizations_agreements_and_no_others(self) -> None:
        self.login_as("coordinator")
        response = self.client.get("/")
        self.assertContains(response, "Välkommen, Cora")
        self.assertContains(response, "Oskarshamn")
        self.assertContains(response, "Samordnare")
        self.assertContains(response, "Samverkansavtal Oskarshamn")
        self.assertNotContains(response, "Samverkansöverenskommelse Lessebo")

    def test_the_police_sees_the_agreement_it_is_party_to(self) -> None:
        self.login_as("police")
        response = self.client.get("/")
        self.assertContains(response, "LPO Västervik")
        self.assertContains(response, "Samverkansavtal Oskarshamn")

    def test_the_next_duties_of_the_arshjul_are_listed(self) -> None:
        from samverka.agreements import services

        self.agreement.status = AgreementStatus.DRAFT
        self.agreement.save()
        services.sign(self.agreement, user=None, made_on=self.agreement.starts_on)
        self.login_as("police")
        response = self.client.get("/")
        self.assertContains(response, "Närmast i årshjulet")
        self.assertEqual(len(response.context["next_duties"]), 5)
        dates = [d.due_on for d in response.context["next_duties"]]
        self.assertEqual(dates, sorted(dates))
        self.login_as("outsider")
        self.assertNotContains(self.client.get("/"), "Närmast i årshjulet")

    def test_a_user_without_memberships_is_told_what_to_do(self) -> None:
        from samverka.testing import make_user

        self.client.force_login(make_user("ny@test.example", "Ny"))
        response = self.client.get("/")
        self.assertContains(response, "Du är inte medlem i någon organisation ännu")
        self.assertContains(response, "Ingen av dina organisationer är part")

    def test_a_lonely_coordinator_is_asked_to_add_colleagues(self) -> None:
        from samverka.tenancy.access import Role
        from samverka.tenancy.models import Membership

        Membership.objects.filter(organization=self.kommun).exclude(role=Role.COORDINATOR).delete()
        self.login_as("coordinator")
        response = self.client.get("/")
        self.assertContains(response, "Du är ensam i Oskarshamn")
        self.assertContains(
            response, reverse("organizations:member_add", kwargs={"slug": "oskarshamn"})
        )

    def test_a_kommun_without_an_agreement_in_force_is_flagged(self) -> None:
        self.agreement.status = AgreementStatus.DRAFT
        self.agreement.save()
        self.login_as("coordinator")
        self.assertContains(
            self.client.get("/"), "Oskarshamn har ingen gällande samverkansöverenskommelse"
        )

    def test_an_agreement_is_flagged_six_months_before_it_ends_and_after(self) -> None:
        ends_on = self.agreement.ends_on
        # Sessions expire over such jumps in time: sign in again after each.
        with time_machine.travel(ends_on - dt.timedelta(days=200), tick=False):
            self.login_as("coordinator")
            self.assertNotContains(self.client.get("/"), "löper ut")
        with time_machine.travel(ends_on - dt.timedelta(days=90), tick=False):
            self.login_as("coordinator")
            response = self.client.get("/")
            self.assertContains(response, "löper ut")
            self.assertContains(response, "Samråd med de andra parterna")
            self.login_as("viewer")  # not a coordinator: not their duty
            self.assertNotContains(self.client.get("/"), "löper ut")
        with time_machine.travel(ends_on + dt.timedelta(days=1), tick=False):
            self.login_as("coordinator")
            self.assertContains(
                self.client.get("/"), "Oskarshamn har ingen gällande samverkansöverenskommelse"
            )

    def test_the_start_page_does_not_grow_queries_with_memberships(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from samverka.tenancy.access import Role
        from samverka.tenancy.models import Membership

        self.login_as("coordinator")
        self.client.get("/")  # warm the session and content-type caches
        with CaptureQueriesContext(connection) as one:
            self.client.get("/")
        for organization in (self.lpo, self.other_kommun, self.other_lpo):
            Membership.objects.create(
                user=self.coordinator, organization=organization, role=Role.COORDINATOR
            )
        with CaptureQueriesContext(connection) as four:
            response = self.client.get("/")
        self.assertContains(response, "Samverkansöverenskommelse Lessebo")
        self.assertEqual(len(four), len(one))
        # The user's memberships are read once for every check of the page (the menu,
        # the attention, the access policy), not once per check; two for EST (where to
        # report, what to review).
        self.assertEqual(len(one), 16, "\n".join(q["sql"][:120] for q in one.captured_queries))


class ShellTest(PersonaTestCase):
    def test_the_layout_has_landmarks_and_a_skip_link(self) -> None:
        self.login_as("coordinator")
        html = self.client.get("/").content.decode()
        self.assertIn('<a class="skip-link" href="#main">Hoppa till innehållet</a>', html)
        self.assertIn('<main id="main"', html)
        self.assertIn('<nav aria-label="Huvudmeny">', html)
        self.assertIn("<header", html)
        self.assertIn("<footer", html)

    def test_the_interface_switches_to_english_and_back(self) -> None:
        self.login_as("coordinator")
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Welcome, Cora")
        self.assertContains(response, "Your organizations")
        response = self.client.post("/i18n/setlang/", {"language": "sv", "next": "/"}, follow=True)
        self.assertContains(response, "Välkommen, Cora")

    def test_the_audit_link_is_shown_only_to_those_who_may_read_the_trail(self) -> None:
        for persona, shown in (("coordinator", True), ("admin", True), ("police", False)):
            with self.subTest(persona=persona):
                self.login_as(persona)
                self.assertEqual('href="/logg/"' in self.client.get("/").content.decode(), shown)
