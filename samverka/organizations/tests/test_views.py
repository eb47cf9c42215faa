"""Directory, organization page and membership management, for every persona."""

from django.core import mail
from django.urls import reverse

from samverka.accounts.models import User
from samverka.core.access import Role
from samverka.organizations.models import Membership, Organization, OrganizationKind
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

    def test_a_post_by_anyone_else_adds_nobody(self) -> None:
        data = {"email": "ny@test.example", "first_name": "N", "last_name": "N", "role": "member"}
        self.assert_statuses(
            "post",
            self.url(),
            {
                "coordinator": 302,
                "admin": 200,  # a duplicate by then: the form again, with the error
                "police": 403,
                "outsider": 403,
                "reporter": 403,
                "viewer": 403,
                "anonymous": LOGIN,
            },
            data,
        )
        # The coordinator's post added the person, once.
        self.assertEqual(Membership.objects.filter(user__email="ny@test.example").count(), 1)

    def test_a_new_person_is_invited_by_email(self) -> None:
        self.login_as("coordinator")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url(),
                {
                    "email": "Ny.Kollega@Test.example",
                    "first_name": "Ny",
                    "last_name": "Kollega",
                    "title": "Fritidsledare",
                    "role": Role.REPORTER,
                },
            )
        self.assertRedirects(response, self.kommun.get_absolute_url())
        user = User.objects.get(email="ny.kollega@test.example")
        self.assertFalse(user.has_usable_password())
        self.assertEqual(Membership.objects.get(user=user).role, Role.REPORTER)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("/konto/losenord/aterstall/", mail.outbox[0].body)
        self.assertIn("Oskarshamn", mail.outbox[0].body)

    def test_an_existing_user_gets_a_membership_without_a_new_account(self) -> None:
        self.login_as("coordinator")
        self.client.post(
            self.url(),
            {
                "email": "police@test.example",
                "first_name": "P",
                "last_name": "P",
                "role": Role.VIEWER,
            },
        )
        self.assertEqual(User.objects.filter(email="police@test.example").count(), 1)
        self.assertTrue(
            Membership.objects.filter(user=self.police, organization=self.kommun).exists()
        )
        self.assertEqual(len(mail.outbox), 0)

    def test_a_second_membership_is_refused_with_a_message_on_the_field(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url(),
            {
                "email": "viewer@test.example",
                "first_name": "V",
                "last_name": "V",
                "role": Role.MEMBER,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("email", response.context["form"].errors)
        self.assertContains(response, "aria-invalid")
        self.assertEqual(Membership.objects.get(user=self.viewer).role, Role.VIEWER)

    def test_bad_input_names_the_field_and_saves_nothing(self) -> None:
        self.login_as("coordinator")
        before = User.objects.count()
        response = self.client.post(self.url(), {"email": "inte-en-adress", "role": "boss"})
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"email", "first_name", "last_name", "role"})
        self.assertEqual(User.objects.count(), before)


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
