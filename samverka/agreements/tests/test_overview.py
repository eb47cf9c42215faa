"""The national overview: who may see it, what it counts, and the map."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from samverka.agreements.models import Agreement, AgreementStatus, PriorityArea
from samverka.organizations.models import County, Organization, OrganizationKind
from samverka.taxonomy.models import Category
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PERSONAS, PersonaTestCase, make_kommun, make_user

URL = reverse("agreements:overview")


class OverviewTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        syd = Organization.objects.get(slug="polisregion-syd")
        County.objects.filter(code__in=["07", "08"]).update(police_region=syd)
        ost = Organization.objects.create(
            name="Polisregion Öst", slug="polisregion-ost", kind=OrganizationKind.POLICE_REGION
        )
        sodermanland = County.objects.create(code="04", name="Södermanlands län", police_region=ost)
        cls.oxelosund = make_kommun(
            "Oxelösund",
            "0481",
            sodermanland,
            geometry={
                "type": "Polygon",
                "coordinates": [[[17.0, 58.6], [17.2, 58.6], [17.1, 58.7], [17.0, 58.6]]],
            },
        )
        cls.analyst = make_user("analyst@test.example", "Rut")
        Membership.objects.create(user=cls.analyst, organization=syd, role=Role.VIEWER)
        national = Organization.objects.create(
            name="Brå", slug="bra", kind=OrganizationKind.NATIONAL
        )
        cls.expert = make_user("expert@test.example", "Bo")
        Membership.objects.create(user=cls.expert, organization=national, role=Role.VIEWER)
        # Oskarshamn: in force; Lessebo: in force but expiring; Oxelösund: none.
        today = timezone.localdate()
        Agreement.objects.filter(pk=cls.other_agreement.pk).update(
            ends_on=today + dt.timedelta(days=30)
        )
        area = PriorityArea.objects.create(agreement=cls.agreement, title="Trafik")
        area.categories.set([Category.objects.current().get(code="traffic.speeding")])

    def test_only_region_national_and_platform_users_may_open_it(self) -> None:
        expected = dict.fromkeys(PERSONAS, 403) | {"admin": 200, "anonymous": 302}
        self.assert_statuses("get", URL, expected)
        for user in (self.analyst, self.expert):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 200)

    def test_it_counts_kommuner_by_the_status_of_their_agreement(self) -> None:
        self.client.force_login(self.expert)
        overview = self.client.get(URL).context["overview"]
        status = {item.kommun.name: item.status for item in overview.kommuner}
        self.assertEqual(
            status, {"Oskarshamn": "in_force", "Lessebo": "expiring", "Oxelösund": "none"}
        )
        self.assertEqual(overview.top_categories, [("Trafik", 1)])
        self.assertEqual(overview.by_county[0], {"name": "Kalmar län", "top": [("Trafik", 1)]})

    def test_a_region_user_sees_only_the_regions_kommuner(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(URL)
        names = {item.kommun.name for item in response.context["overview"].kommuner}
        self.assertEqual(names, {"Oskarshamn", "Lessebo"})
        self.assertNotContains(response, "Oxelösund")

    def test_a_national_user_narrows_to_one_region(self) -> None:
        self.client.force_login(self.expert)
        ost = Organization.objects.get(slug="polisregion-ost")
        response = self.client.get(URL, {"region": ost.pk})
        names = {item.kommun.name for item in response.context["overview"].kommuner}
        self.assertEqual(names, {"Oxelösund"})

    def test_the_map_draws_each_kommun_with_its_status_and_a_table_beside_it(self) -> None:
        self.client.force_login(self.expert)
        response = self.client.get(URL)
        self.assertContains(response, '<svg viewBox="')
        self.assertContains(response, "<title>Oxelösund: Ingen gällande överenskommelse</title>")
        self.assertContains(response, 'class="kommun status-none"')
        self.assertContains(response, "<caption>Kommuner efter överenskommelse</caption>")

    def test_a_draft_is_not_an_agreement_in_force(self) -> None:
        Agreement.objects.filter(pk=self.agreement.pk).update(status=AgreementStatus.DRAFT)
        self.client.force_login(self.expert)
        overview = self.client.get(URL).context["overview"]
        status = {item.kommun.name: item.status for item in overview.kommuner}
        self.assertEqual(status["Oskarshamn"], "none")
