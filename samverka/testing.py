"""The persona test base every feature's tests reuse (STYLE.md item 10).

Two agreements, each between a kommun and its lokalpolisområde, and these people:

* ``coordinator``: trygghetssamordnare, coordinator of Oskarshamn;
* ``police``: kommunpolis, member of LPO Västervik, the other party of Oskarshamn's agreement;
* ``outsider``: member of Lessebo, party only to another agreement;
* ``reporter``: reporter (EST) in Oskarshamn;
* ``viewer``: viewer in Oskarshamn;
* ``admin``: platform administrator, member of nothing;
* ``anonymous``: not signed in.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.test import TestCase
from django.utils import timezone

from samverka.accounts.models import User
from samverka.agreements.models import Agreement, AgreementStatus
from samverka.organizations.models import County, Organization, OrganizationKind
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership

PASSWORD = "a-long-test-password"
PERSONAS = ("coordinator", "police", "outsider", "reporter", "viewer", "admin", "anonymous")


def make_kommun(name: str, code: str, county: County, **extra: Any) -> Organization:
    """A kommun organization; the slug is its name in lower case."""
    return Organization.objects.create(
        name=name,
        slug=name.lower().replace("å", "a").replace("ä", "a").replace("ö", "o"),
        kind=OrganizationKind.KOMMUN,
        municipality_code=code,
        county=county,
        **extra,
    )


def make_lpo(name: str, covers: list[Organization], **extra: Any) -> Organization:
    """A lokalpolisområde named "LPO <name>" covering ``covers``."""
    lpo = Organization.objects.create(
        name=f"LPO {name}",
        slug=f"lpo-{name.lower().replace('å', 'a').replace('ä', 'a').replace('ö', 'o')}",
        kind=OrganizationKind.LOCAL_POLICE_AREA,
        **extra,
    )
    lpo.covers.set(covers)
    return lpo


def make_user(email: str, first_name: str = "", **extra: Any) -> User:
    return User.objects.create_user(
        email=email, password=PASSWORD, first_name=first_name, last_name="Testperson", **extra
    )


class PersonaTestCase(TestCase):
    kommun: ClassVar[Organization]
    lpo: ClassVar[Organization]
    other_kommun: ClassVar[Organization]
    other_lpo: ClassVar[Organization]
    agreement: ClassVar[Agreement]
    other_agreement: ClassVar[Agreement]
    coordinator: ClassVar[User]
    police: ClassVar[User]
    outsider: ClassVar[User]
    reporter: ClassVar[User]
    viewer: ClassVar[User]
    admin: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        kalmar = County.objects.create(code="08", name="Kalmar län")
        kronoberg = County.objects.create(code="07", name="Kronobergs län")
        region = Organization.objects.create(
            name="Polisregion Syd", slug="polisregion-syd", kind=OrganizationKind.POLICE_REGION
        )
        cls.kommun = make_kommun("Oskarshamn", "0882", kalmar, population=27000)
        cls.lpo = make_lpo("Västervik", [cls.kommun], parent=region, county=kalmar)
        cls.other_kommun = make_kommun("Lessebo", "0761", kronoberg)
        cls.other_lpo = make_lpo("Nybro", [cls.other_kommun], parent=region, county=kalmar)
        today = timezone.localdate()
        cls.agreement = Agreement.objects.create(
            title="Samverkansavtal Oskarshamn",
            starts_on=today.replace(year=today.year - 1, month=1, day=1),
            ends_on=today.replace(year=today.year + 2, month=12, day=31),
            status=AgreementStatus.SIGNED,
        )
        cls.agreement.parties.set([cls.kommun, cls.lpo])
        cls.other_agreement = Agreement.objects.create(
            title="Samverkansöverenskommelse Lessebo",
            starts_on=cls.agreement.starts_on,
            ends_on=cls.agreement.ends_on,
            status=AgreementStatus.SIGNED,
        )
        cls.other_agreement.parties.set([cls.other_kommun, cls.other_lpo])

        cls.coordinator = make_user("coordinator@test.example", "Cora", title="Trygghetssamordnare")
        cls.police = make_user("police@test.example", "Pelle", title="Kommunpolis")
        cls.outsider = make_user("outsider@test.example", "Otto")
        cls.reporter = make_user("reporter@test.example", "Rita")
        cls.viewer = make_user("viewer@test.example", "Vilma")
        cls.admin = make_user("admin@test.example", "Ada", is_staff=True, is_superuser=True)
        Membership.objects.create(
            user=cls.coordinator, organization=cls.kommun, role=Role.COORDINATOR
        )
        Membership.objects.create(user=cls.police, organization=cls.lpo, role=Role.MEMBER)
        Membership.objects.create(
            user=cls.outsider, organization=cls.other_kommun, role=Role.MEMBER
        )
        Membership.objects.create(user=cls.reporter, organization=cls.kommun, role=Role.REPORTER)
        Membership.objects.create(user=cls.viewer, organization=cls.kommun, role=Role.VIEWER)

    def persona(self, name: str) -> User | None:
        """The user of persona ``name`` (None for anonymous)."""
        return None if name == "anonymous" else getattr(self, name)

    def login_as(self, name: str) -> User | None:
        self.client.logout()
        user = self.persona(name)
        if user is not None:
            self.client.force_login(user)
        return user

    def assert_statuses(
        self, method: str, url: str, expected: dict[str, int], data: dict[str, Any] | None = None
    ) -> None:
        """Request ``url`` as each persona named in ``expected`` and check the status code.

        Every persona in PERSONAS must be named, so no persona is forgotten.
        """
        missing = set(PERSONAS) - set(expected)
        self.assertFalse(missing, f"no expectation for personas {sorted(missing)}")
        for name, status in expected.items():
            with self.subTest(persona=name):
                self.login_as(name)
                response = getattr(self.client, method)(url, data or {})
                self.assertEqual(response.status_code, status, f"{name} {method.upper()} {url}")
        self.client.logout()
