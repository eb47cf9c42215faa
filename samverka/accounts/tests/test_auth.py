"""Signing in and out, throttling, password reset and change."""

import re

from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from samverka.accounts.models import User
from samverka.testing import PASSWORD, PersonaTestCase

LOGIN_URL = "/konto/logga-in/"


class LoginTest(PersonaTestCase):
    def test_the_login_page_is_swedish_and_labels_its_fields(self) -> None:
        response = self.client.get(LOGIN_URL)
        self.assertContains(response, '<html lang="sv">', html=False)
        self.assertContains(response, '<label for="id_username">E-postadress</label>', html=True)
        self.assertContains(response, '<label for="id_password">Lösenord</label>', html=True)

    def test_a_user_signs_in_with_email_and_password(self) -> None:
        response = self.client.post(
            LOGIN_URL, {"username": "Coordinator@Test.example", "password": PASSWORD}
        )
        self.assertRedirects(response, "/")
        self.assertContains(self.client.get("/"), "Välkommen, Cora")

    def test_a_wrong_password_gives_an_error_and_no_session(self) -> None:
        response = self.client.post(
            LOGIN_URL, {"username": "coordinator@test.example", "password": "fel"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'role="alert"')
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_repeated_failures_lock_the_account_from_that_address(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.client.post(LOGIN_URL, {"username": "police@test.example", "password": "fel"})
        response = self.client.post(
            LOGIN_URL, {"username": "police@test.example", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "För många misslyckade inloggningar", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Another account from the same address is not locked.
        response = self.client.post(
            LOGIN_URL, {"username": "viewer@test.example", "password": PASSWORD}
        )
        self.assertRedirects(response, "/")

    def test_a_success_before_the_limit_resets_the_count(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.client.post(LOGIN_URL, {"username": "police@test.example", "password": "fel"})
        self.client.post(LOGIN_URL, {"username": "police@test.example", "password": PASSWORD})
        self.client.logout()
        self.client.post(LOGIN_URL, {"username": "police@test.example", "password": "fel"})
        response = self.client.post(
            LOGIN_URL, {"username": "police@test.example", "password": PASSWORD}
        )
        self.assertRedirects(response, "/")

    def test_a_deactivated_user_cannot_sign_in(self) -> None:
        self.outsider.is_active = False
        self.outsider.save()
        self.client.post(LOGIN_URL, {"username": "outsider@test.example", "password": PASSWORD})
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_logout_is_a_post_and_ends_the_session(self) -> None:
        self.login_as("coordinator")
        self.assertEqual(self.client.get("/konto/logga-ut/").status_code, 405)
        response = self.client.post("/konto/logga-ut/")
        self.assertRedirects(response, "/")
        self.assertNotIn("_auth_user_id", self.client.session)


class AccountPagesAccessTest(PersonaTestCase):
    def test_the_login_page_is_for_visitors_and_sends_the_signed_in_home(self) -> None:
        signed_in = dict.fromkeys(
            ("coordinator", "police", "outsider", "reporter", "viewer", "admin"), 302
        )
        self.assert_statuses("get", LOGIN_URL, {**signed_in, "anonymous": 200})

    def test_everyone_may_ask_for_a_password_reset(self) -> None:
        everyone = dict.fromkeys(
            ("coordinator", "police", "outsider", "reporter", "viewer", "admin", "anonymous"), 200
        )
        self.assert_statuses("get", reverse("accounts:password_reset"), everyone)


class PasswordHashingTest(PersonaTestCase):
    def test_the_application_hashes_passwords_with_argon2(self) -> None:
        self.assertEqual(
            settings.PRODUCTION_PASSWORD_HASHERS[0],
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        )
        with override_settings(PASSWORD_HASHERS=settings.PRODUCTION_PASSWORD_HASHERS):
            user = User.objects.create_user("argon@test.example", "ett-långt-lösenord")
            self.assertTrue(user.password.startswith("argon2$"))
            response = self.client.post(
                LOGIN_URL, {"username": "argon@test.example", "password": "ett-långt-lösenord"}
            )
            self.assertRedirects(response, "/")


class PasswordResetTest(PersonaTestCase):
    def test_a_user_resets_a_forgotten_password_by_email(self) -> None:
        response = self.client.post(
            reverse("accounts:password_reset"), {"email": "coordinator@test.example"}
        )
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].subject, "Nytt lösenord till samverka")
        link = re.search(r"https?://[^/]+(/konto/\S+)", mail.outbox[0].body)
        assert link is not None
        response = self.client.get(link.group(1), follow=True)
        self.assertContains(response, "Välj ett nytt lösenord")
        form_url = response.redirect_chain[-1][0]
        response = self.client.post(
            form_url, {"new_password1": "helt-nytt-losen-42", "new_password2": "helt-nytt-losen-42"}
        )
        self.assertRedirects(response, reverse("accounts:password_reset_complete"))
        self.coordinator.refresh_from_db()
        self.assertTrue(self.coordinator.check_password("helt-nytt-losen-42"))
        # The link works once.
        response = self.client.get(link.group(1), follow=True)
        self.assertContains(response, "Länken gäller inte längre")

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self) -> None:
        response = self.client.post(
            reverse("accounts:password_reset"), {"email": "ingen@test.example"}
        )
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(len(mail.outbox), 0)


class PasswordResetLimitTest(PersonaTestCase):
    """With the real cache of limits (a database table, as in production)."""

    url = "/konto/losenord/aterstall/"

    def setUp(self) -> None:
        super().setUp()
        caches["limits"].clear()

    def test_many_requests_for_one_address_send_three_emails_and_answer_the_same(self) -> None:
        for _ in range(23):
            response = self.client.post(self.url, {"email": "coordinator@test.example"})
            self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(len(mail.outbox), 3)
        # Another address is not held up by it.
        self.client.post(self.url, {"email": "police@test.example"})
        self.assertEqual(mail.outbox[-1].to, ["police@test.example"])

    @override_settings(PASSWORD_RESET_LIMIT_PER_CLIENT=2)
    def test_one_client_asking_for_many_addresses_is_held_up(self) -> None:
        for email in ["coordinator@test.example", "ingen@test.example", "police@test.example"]:
            response = self.client.post(self.url, {"email": email}, REMOTE_ADDR="10.0.0.7")
            self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual([m.to for m in mail.outbox], [["coordinator@test.example"]])
        self.client.post(self.url, {"email": "police@test.example"}, REMOTE_ADDR="10.0.0.8")
        self.assertEqual(mail.outbox[-1].to, ["police@test.example"])


class PasswordChangeTest(PersonaTestCase):
    url = "/konto/losenord/byt/"

    def test_every_signed_in_persona_may_change_their_password(self) -> None:
        expected = dict.fromkeys(
            ("coordinator", "police", "outsider", "reporter", "viewer", "admin"), 200
        )
        self.assert_statuses("get", self.url, {**expected, "anonymous": 302})

    def test_a_weak_new_password_is_refused_on_its_field(self) -> None:
        self.login_as("police")
        response = self.client.post(
            self.url,
            {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
        )
        self.assertIn("new_password2", response.context["form"].errors)
        self.police.refresh_from_db()
        self.assertTrue(self.police.check_password(PASSWORD))
