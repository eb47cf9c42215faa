"""The Django admin is for platform administrators only."""

from samverka.audit.models import AuditEntry
from samverka.testing import PersonaTestCase, make_user


class AdminAccessTest(PersonaTestCase):
    def test_only_the_platform_administrator_enters(self) -> None:
        # Everyone else is sent to the admin's login page.
        self.assert_statuses(
            "get",
            "/admin/",
            {
                "admin": 200,
                "coordinator": 302,
                "police": 302,
                "outsider": 302,
                "reporter": 302,
                "viewer": 302,
                "anonymous": 302,
            },
        )

    def test_staff_status_alone_does_not_open_the_admin(self) -> None:
        staff = make_user("staff@test.example", is_staff=True)
        self.client.force_login(staff)
        self.assertEqual(self.client.get("/admin/accounts/user/").status_code, 302)

    def test_the_administrator_manages_users_and_organizations(self) -> None:
        self.login_as("admin")
        for url in (
            "/admin/accounts/user/",
            "/admin/organizations/organization/",
            "/admin/tenancy/membership/",
            "/admin/agreements/agreement/",
            "/admin/sources/dataset/",
            "/admin/sources/event/",
            "/admin/sources/typemapping/",
            "/admin/taxonomy/category/",
            f"/admin/organizations/organization/{self.kommun.pk}/change/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_audit_trail_is_read_only_even_in_the_admin(self) -> None:
        self.login_as("admin")
        entry = AuditEntry.objects.first()
        assert entry is not None
        self.assertEqual(self.client.get("/admin/audit/auditentry/").status_code, 200)
        self.assertEqual(self.client.get("/admin/audit/auditentry/add/").status_code, 403)
        response = self.client.post(
            f"/admin/audit/auditentry/{entry.pk}/change/", {"object_label": "förfalskad"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(
            self.client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code, 403
        )
        entry.refresh_from_db()
        self.assertNotEqual(entry.object_label, "förfalskad")
