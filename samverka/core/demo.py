"""The demo: the five seed agreements, a coordinator and a kommunpolis for each
seed kommun, and a platform administrator. Names are invented; e-mail addresses
use the reserved ``.example`` domain. Loading is idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from samverka.accounts.models import User
from samverka.agreements import services
from samverka.agreements.models import Agreement
from samverka.audit.recorder import acting_as
from samverka.core.access import Role
from samverka.organizations.models import Membership, Organization

DEMO_PASSWORD = "samverka-demo"  # noqa: S105  (published on purpose: demo logins only)
ADMIN_EMAIL = "admin@demo.example"


@dataclass(frozen=True)
class SeedKommun:
    code: str
    lpo_slug: str
    agreement: str
    starts_on: dt.date
    ends_on: dt.date
    coordinator: tuple[str, str]
    police: tuple[str, str]
    extension_years: int | None = None
    consultation_months: int | None = None
    purpose: str = ""
    extended_on: dt.date | None = None  # demo assumption: extended once by its own rule


SEEDS = (
    SeedKommun(
        "0882",
        "lpo-vastervik",
        "Samverkansavtal mellan Oskarshamns kommun och Polisen",
        dt.date(2020, 1, 1),
        dt.date(2023, 12, 31),
        ("Saga", "Exempelsson"),
        ("Tore", "Påhittsson"),
        extension_years=4,
        consultation_months=6,
        extended_on=dt.date(2023, 6, 15),
        purpose=(
            "Att utifrån den lokala problembilden gemensamt arbeta för att förebygga brott och "
            "öka tryggheten för de som bor, vistas och verkar inom Oskarshamns kommun."
        ),
    ),
    SeedKommun(
        "0883",
        "lpo-vastervik",
        "Samverkansöverenskommelse för minskad brottslighet och ökad trygghet 2025–2027",
        dt.date(2025, 1, 1),
        dt.date(2027, 12, 31),
        ("Vera", "Provlund"),
        ("Nils", "Låtsasberg"),
    ),
    SeedKommun(
        "1060",
        "lpo-karlshamn",
        "Samverkansöverenskommelse om brottsförebyggande och trygghetsskapande arbete",
        dt.date(2020, 12, 18),
        dt.date(2023, 12, 31),
        ("Elsa", "Testgren"),
        ("Arvid", "Demodal"),
    ),
    SeedKommun(
        "0761",
        "lpo-nybro",
        "Samverkansöverenskommelse mellan Lokalpolisområde Nybro och Lessebo kommun",
        dt.date(2019, 1, 1),
        dt.date(2023, 12, 31),
        ("Maja", "Fiktivsson"),
        ("Olle", "Exempelström"),
    ),
    SeedKommun(
        "0481",
        "lpo-nykoping",
        "Samverkan mellan Oxelösunds kommun och Polismyndigheten",
        dt.date(2024, 5, 1),
        dt.date(2027, 12, 31),
        ("Ida", "Påhittdahl"),
        ("Erik", "Provqvist"),
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    what: str


def _user(email: str, first: str, last: str, title: str, *, admin: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, is_staff=admin, is_superuser=admin)
        user.set_password(DEMO_PASSWORD)
    for name, value in (("first_name", first), ("last_name", last), ("title", title)):
        setattr(user, name, value)
    user.save()
    return user


def _member(user: User, organization: Organization, role: str) -> None:
    Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": role})


@transaction.atomic
def load() -> list[DemoLogin]:
    logins = []
    with acting_as(label="demo data"):
        _user(ADMIN_EMAIL, "Ada", "Plattformsdemo", "Plattformsadministratör", admin=True)
        logins.append(DemoLogin(ADMIN_EMAIL, "Ada Plattformsdemo", "platform administrator"))
        today = timezone.localdate()
        for seed in SEEDS:
            kommun = Organization.objects.get(municipality_code=seed.code)
            lpo = Organization.objects.get(slug=seed.lpo_slug)
            place = kommun.slug
            coordinator = _user(
                f"samordnare.{place}@demo.example", *seed.coordinator, "Trygghetssamordnare"
            )
            _member(coordinator, kommun, Role.COORDINATOR)
            police = _user(f"kommunpolis.{place}@demo.example", *seed.police, "Kommunpolis")
            _member(police, lpo, Role.COORDINATOR)
            logins.append(DemoLogin(coordinator.email, str(coordinator), f"coordinator, {kommun}"))
            logins.append(DemoLogin(police.email, str(police), f"kommunpolis, {lpo}"))
            agreement, created = Agreement.objects.get_or_create(
                title=seed.agreement,
                defaults={
                    "starts_on": seed.starts_on,
                    "ends_on": seed.ends_on,
                    "extension_years": seed.extension_years,
                    "consultation_months": seed.consultation_months,
                    "purpose": seed.purpose,
                },
            )
            if created:
                agreement.parties.set([kommun, lpo])
                services.sign(agreement, user=coordinator, made_on=min(seed.starts_on, today))
                if seed.extended_on is not None:
                    services.extend(agreement, user=coordinator, made_on=seed.extended_on)
    return logins
