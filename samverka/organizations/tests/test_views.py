"""Directory, organization page and membership management, for every persona."""

import datetime as dt
import re

from django.core import mail
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from samverka.accounts.models import User
from samverka.organizations.models import Invitation, Organization, OrganizationKind
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase

LOGIN = 302  # anonymous visitors are sent to the login page


class DirectoryTest(PersonaTestCase):
    def test_everyone_may_read_the_directory(self) -> None:
        self.assert_statuses(
            "get",
            reverse("organizations:directory"),
            dict.fromkeys(
                ("coordinator", "police", "outsider", "reporter", "viewer", "admin", "anonymous"),
                200,
            ),
        )

    def test_it_filters_by_kind_and_name(self) -> None:
        url = reverse("organizations:directory")
        response = self.client.get(url, {"kind": OrganizationKind.LOCAL_POLICE_AREA})
        self.assertContains(response, "LPO Västervik")
        self.assertNotContains(response, "Oskarshamn</a>")
        response = self.client.get(url, {"q": "0761"})
        self.assertContains(response, "Lessebo")
        self.assertNotContains(response, "Oskarshamn</a>")
        response = self.client.get(url, {"q": "Ingenstans"})
        self.assertContains(response, "Ingen organisation matchar")

    def test_the_add_button_is_shown_to_coordinators_only(self) -> None:
        add = reverse("organizations:actor_add")
        self.login_as("coordinator")
        self.assertContains(self.client.get(reverse("organizations:directory")), add)
        self.login_as("police")
        self.assertNotContains(self.client.get(reverse("organizations:directory")), add)


class DetailTest(PersonaTestCase):
    def test_everyone_may_read_an_organization(self) -> None:
        self.assert_statuses(
            "get",
            self.kommun.get_absolute_url(),
            dict.fromkeys(
                ("coordinator", "police", "outsider", "reporter", "viewer", "admin", "anonymous"),
                200,
            ),
        )

    def test_members_are_shown_to_readers_of_the_organization_only(self) -> None:
        email_shown = {
            "coordinator": True,
            "viewer": True,
            "admin": True,
            "police": False,
            "outsider": False,
            "reporter": False,
            "anonymous": False,
        }
        for persona, shown in email_shown.items():
            with self.subTest(persona=persona):
                self.login_as(persona)
                response = self.client.get(self.kommun.get_absolute_url())
                self.assertEqual("Cora Testperson" in response.content.decode(), shown)

    def test_an_lpo_shows_the_kommuner_it_covers(self) -> None:
        response = self.client.get(self.lpo.get_absolute_url())
        self.assertContains(response, "Oskarshamn")
        self.assertContains(response, "Polisregion Syd")

    def test_an_unknown_organization_is_not_found(self) -> None:
        self.assertEqual(self.client.get("/organisationer/finns-inte/").status_code, 404)


class MemberAddTest(PersonaTestCase):
    def url(self) -> str:
        return reverse("organizations:member_add", kwargs={"slug": self.kommun.slug})

    def test_only_the_organizations_coordinators_and_admins_may_add(self) -> None:
        self.assert_statuses(
            "get",
            self.url(),
            {
                "coordinator": 200,
                "admin": 200,
                "police": 403,
                "outsider": 403,
                "reporter": 403,
                "viewer": 403,
                "anonymous": LOGIN,
            },
        )

    def setUp(self) -> None:
        super().setUp()
        caches["limits"].clear()  # the invitation limits (a real cache)

    def invite(self, email: str, role: str = Role.MEMBER) -> HttpResponse:
        self.login_as("coordinator")
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url(), {"email": email, "role": role})

    def link(self) -> str:
        found = re.search(r"https?://[^/]+(/organisationer/inbjudan/\S+/)", mail.outbox[-1].body)
        assert found is not None, mail.outbox[-1].body
        return found.group(1)

    def test_a_post_by_anyone_else_invites_nobody(self) -> None:
        data = {"email": "ny@test.example", "role": "member"}
        self.assert_statuses(
            "post",
            self.url(),
            {
                "coordinator": 302,
                "admin": 302,
                "police": 403,
                "outsider": 403,
                "reporter": 403,
                "viewer": 403,
                "anonymous": LOGIN,
            },
            data,
        )
        # The coordinator's and the admin's posts invited; nobody became a member.
        self.assertEqual(Invitation.objects.filter(email="ny@test.example").count(), 2)
        self.assertFalse(Membership.objects.filter(user__email="ny@test.example").exists())

    def test_the_coordinator_sees_the_same_answer_for_an_existing_and_a_new_address(
        self,
    ) -> None:
        answers = {}
        for email in ["police@test.example", "ny.kollega@test.example"]:
            response = self.invite(email)
            self.assertRedirects(
                response, self.kommun.get_absolute_url(), fetch_redirect_response=False
            )
            page = self.client.get(response.url).content.decode()
            self.assertIn(f"Inbjudan skickad till {email}.", page)
            main = page[page.index("<main") : page.index("</main>")]
            answers[email] = main.replace(email, "ADDRESS")
        self.assertEqual(answers["police@test.example"], answers["ny.kollega@test.example"])
        # Nothing about the existing person: not their name, not their title.
        self.assertNotIn("Pelle", answers["police@test.example"])
        self.assertNotIn("Kommunpolis", answers["police@test.example"])
        # Nobody was added and no account was made, until they accept.
        self.assertFalse(Membership.objects.filter(user=self.police, organization=self.kommun))
        self.assertFalse(User.objects.filter(email="ny.kollega@test.example").exists())
        self.assertEqual([m.to for m in mail.outbox], [[e] for e in answers])
        self.assertIn("Oskarshamn", mail.outbox[0].body)

    def test_an_existing_user_accepts_signed_in_as_the_invited_address(self) -> None:
        self.invite("police@test.example", Role.VIEWER)
        link = self.link()
        self.client.logout()
        response = self.client.get(link)
        self.assertRedirects(
            response, f"/konto/logga-in/?next={link}", fetch_redirect_response=False
        )
        # Signed in as someone else, the invitation is not theirs to accept.
        self.login_as("outsider")
        self.assertEqual(self.client.post(link).status_code, 403)
        self.assertFalse(Membership.objects.filter(user=self.police, organization=self.kommun))
        self.login_as("police")
        self.assertContains(self.client.get(link), "bjuder in dig att vara läsare i Oskarshamn")
        response = self.client.post(link)
        self.assertRedirects(response, self.kommun.get_absolute_url())
        membership = Membership.objects.get(user=self.police, organization=self.kommun)
        self.assertEqual(membership.role, Role.VIEWER)
        # The link works once.
        self.assertEqual(self.client.get(link).status_code, 404)

    def test_a_new_person_sets_up_an_account_from_the_invitation(self) -> None:
        self.invite("Ny.Kollega@Test.example", Role.REPORTER)
        link = self.link()
        self.client.logout()
        self.assertContains(self.client.get(link), "Lägg upp ditt konto")
        response = self.client.post(
            link,
            {
                "first_name": "Ny",
                "last_name": "Kollega",
                "title": "Fritidsledare",
                "password1": "ett-långt-lösen-42",
                "password2": "ett-långt-lösen-42",
            },
        )
        self.assertRedirects(response, self.kommun.get_absolute_url())
        user = User.objects.get(email="ny.kollega@test.example")
        self.assertTrue(user.check_password("ett-långt-lösen-42"))
        self.assertEqual((user.first_name, user.title), ("Ny", "Fritidsledare"))
        self.assertEqual(Membership.objects.get(user=user).role, Role.REPORTER)
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)

    def test_a_weak_password_names_the_field_and_saves_nothing(self) -> None:
        self.invite("ny@test.example")
        link = self.link()
        self.client.logout()
        response = self.client.post(
            link,
            {"first_name": "N", "last_name": "N", "password1": "123", "password2": "123"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("password1", response.context["form"].errors)
        self.assertFalse(User.objects.filter(email="ny@test.example").exists())

    def test_an_unknown_or_old_link_is_refused(self) -> None:
        self.assertEqual(self.client.get("/organisationer/inbjudan/fel/").status_code, 404)
        self.invite("ny@test.example")
        link = self.link()
        Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=4))
        self.client.logout()
        self.assertContains(self.client.get(link), "gäller inte längre", status_code=404)

    def test_many_invitations_to_one_address_send_three_emails(self) -> None:
        for _ in range(5):
            self.invite("ny@test.example")
        self.assertEqual(len(mail.outbox), 3)
        response = self.invite("ny@test.example")
        self.assertContains(response, "För många inbjudningar")

    def test_a_second_membership_is_refused_with_a_message_on_the_field(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(self.url(), {"email": "viewer@test.example", "role": "member"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("email", response.context["form"].errors)
        self.assertContains(response, "aria-invalid")
        self.assertEqual(Membership.objects.get(user=self.viewer).role, Role.VIEWER)

    def test_bad_input_names_the_field_and_saves_nothing(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(self.url(), {"email": "inte-en-adress", "role": "boss"})
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"email", "role"})
        self.assertFalse(Invitation.objects.exists())


class MemberChangeRemoveTest(PersonaTestCase):
    def change_url(self, membership: Membership) -> str:
        return reverse(
            "organizations:member_change",
            kwargs={"slug": membership.organization.slug, "pk": membership.pk},
        )

    def remove_url(self, membership: Membership) -> str:
        return reverse(
            "organizations:member_remove",
            kwargs={"slug": membership.organization.slug, "pk": membership.pk},
        )

    def test_only_coordinators_and_admins_may_change_or_remove(self) -> None:
        membership = Membership.objects.get(user=self.viewer)
        expected = {
            "coordinator": 200,
            "admin": 200,
            "police": 403,
            "outsider": 403,
            "reporter": 403,
            "viewer": 403,
            "anonymous": LOGIN,
        }
        self.assert_statuses("get", self.change_url(membership), expected)
        self.assert_statuses("get", self.remove_url(membership), expected)

    def test_a_membership_of_another_organization_is_not_found_here(self) -> None:
        membership = Membership.objects.get(user=self.outsider)
        self.login_as("coordinator")
        url = reverse(
            "organizations:member_change", kwargs={"slug": self.kommun.slug, "pk": membership.pk}
        )
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_coordinator_changes_a_role(self) -> None:
        membership = Membership.objects.get(user=self.viewer)
        self.login_as("coordinator")
        response = self.client.post(self.change_url(membership), {"role": Role.MEMBER})
        self.assertRedirects(response, self.kommun.get_absolute_url())
        membership.refresh_from_db()
        self.assertEqual(membership.role, Role.MEMBER)

    def test_the_last_coordinator_cannot_step_down_or_be_removed(self) -> None:
        membership = Membership.objects.get(user=self.coordinator)
        self.login_as("coordinator")
        response = self.client.post(self.change_url(membership), {"role": Role.MEMBER})
        self.assertContains(response, "minst en samordnare")
        response = self.client.post(self.remove_url(membership))
        self.assertContains(response, "minst en samordnare", status_code=400)
        membership.refresh_from_db()
        self.assertEqual(membership.role, Role.COORDINATOR)

    def test_the_coordinator_removes_a_member_who_keeps_the_account(self) -> None:
        membership = Membership.objects.get(user=self.viewer)
        self.login_as("coordinator")
        response = self.client.post(self.remove_url(membership))
        self.assertRedirects(response, self.kommun.get_absolute_url())
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())
        self.assertTrue(User.objects.filter(pk=self.viewer.pk).exists())

    def test_a_member_cannot_remove_by_posting_either(self) -> None:
        membership = Membership.objects.get(user=self.viewer)
        self.login_as("police")
        self.assertEqual(self.client.post(self.remove_url(membership)).status_code, 403)
        self.assertTrue(Membership.objects.filter(pk=membership.pk).exists())


class ActorAddTest(PersonaTestCase):
    url = "/organisationer/ny/"

    def test_only_coordinators_and_admins_may_add_actors(self) -> None:
        self.assert_statuses(
            "get",
            self.url,
            {
                "coordinator": 200,
                "admin": 200,
                "police": 403,
                "outsider": 403,
                "reporter": 403,
                "viewer": 403,
                "anonymous": LOGIN,
            },
        )

    def test_the_creator_coordinates_the_new_actor(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url, {"name": "Oskarshamnshem", "kind": OrganizationKind.HOUSING_COMPANY}
        )
        actor = Organization.objects.get(name="Oskarshamnshem")
        self.assertRedirects(response, actor.get_absolute_url())
        self.assertEqual(actor.slug, "oskarshamnshem")
        self.assertTrue(
            Membership.objects.filter(
                user=self.coordinator, organization=actor, role=Role.COORDINATOR
            ).exists()
        )

    def test_reference_kinds_cannot_be_added_here(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url, {"name": "Falsk kommun", "kind": OrganizationKind.KOMMUN}
        )
        self.assertIn("kind", response.context["form"].errors)
        self.assertFalse(Organization.objects.filter(name="Falsk kommun").exists())
