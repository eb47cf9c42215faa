"""Data has an owner that uploads cannot change (issue 12, failures 1, 2 and 5).

Re-categorising a type is the dataset owner's act (the platform administrator's for
the Police's events) and is audited; an upload by another organization never moves or
rewrites a stored event; a column mapping places rows only in its owner's own kommuner.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samverka.accounts.models import User
from samverka.audit.models import AuditEntry
from samverka.organizations.models import Organization, OrganizationKind, SubArea
from samverka.sources import services
from samverka.sources.event_table import scoped_id
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    Event,
    PeriodKind,
    SourceKind,
    TypeMapping,
)
from samverka.taxonomy.models import Category
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_kommun, make_user


def rec(id_: int, **extra: object) -> dict[str, object]:
    """A record of the Police events API, in Oskarshamn unless told otherwise."""
    base: dict[str, object] = {
        "id": id_,
        "datetime": "2026-08-22 9:48:12 +02:00",
        "name": "22 augusti 08:15, Rattfylleri, Oskarshamn",
        "summary": "En bilförare stoppades.",
        "url": "/",
        "type": "Rattfylleri",
        "location": {"name": "Oskarshamn", "gps": "57.264,16.448"},
    }
    base.update(extra)
    return base


def as_bytes(records: list[dict[str, object]]) -> bytes:
    return json.dumps(records, ensure_ascii=False).encode()


class OwnershipTestCase(PersonaTestCase):
    """The personas, Polismyndigheten, and Västervik with its own coordinator."""

    polisen: ClassVar[Organization]
    vastervik: ClassVar[Organization]
    vastervik_coordinator: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.polisen = Organization.objects.create(
            name="Polismyndigheten", slug="polismyndigheten", kind=OrganizationKind.NATIONAL
        )
        cls.vastervik = make_kommun("Västervik", "0883", cls.kommun.county)
        cls.vastervik_coordinator = make_user("vastervik@test.example", "Vera")
        Membership.objects.create(
            user=cls.vastervik_coordinator, organization=cls.vastervik, role=Role.COORDINATOR
        )

    def police_import(self, records: list[dict[str, object]], name: str = "p.json") -> Dataset:
        """Polismyndigheten's public dataset of the API's events."""
        dataset = services.import_police_events(
            as_bytes(records), file_name=name, owner=self.polisen
        ).dataset
        Dataset.objects.filter(pk=dataset.pk).update(
            visibility=Visibility.PUBLIC, published_at=timezone.now()
        )
        return dataset

    def category(self, code: str) -> Category:
        return Category.objects.current().get(code=code)

    def audit_of(self, dataset: Dataset, source_type: str) -> list[dict[str, Any]]:
        """The dataset's audit entries of re-categorising ``source_type``."""
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Dataset),
            object_pk=str(dataset.pk),
            action="update",
        )
        return [
            changes
            for changes in entries.values_list("changes", flat=True)
            if [None, source_type] in changes.values()
        ]


class RecategorisingTest(OwnershipTestCase):
    def test_a_coordinator_cannot_recategorise_the_polices_events(self) -> None:
        # The attack: Västervik's coordinator posts Rattfylleri → Dödligt våld.
        police = self.police_import([rec(i) for i in range(1, 6)])
        drink_driving = self.category("traffic.drink_driving")
        lethal = self.category("person.lethal")
        self.client.force_login(self.vastervik_coordinator)
        answer = self.client.post(
            reverse("sources:types"), {"source_type": "Rattfylleri", "category": lethal.pk}
        )
        self.assertEqual(answer.status_code, 302)
        # Naming Polismyndigheten as the owner is refused outright.
        refused = self.client.post(
            reverse("sources:types"),
            {"source_type": "Rattfylleri", "category": lethal.pk, "owner": self.polisen.pk},
        )
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(
            set(Event.objects.filter(dataset=police).values_list("category", flat=True)),
            {drink_driving.pk},
        )
        self.assertFalse(TypeMapping.objects.filter(owner__isnull=True).exists())
        # Nor through the service.
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            services.map_type(
                SourceKind.POLICE_EVENTS, "Rattfylleri", lethal, self.vastervik_coordinator
            )
        with self.assertRaises(PermissionDenied):
            services.map_type(
                SourceKind.POLICE_EVENTS,
                "Rattfylleri",
                lethal,
                self.vastervik_coordinator,
                self.polisen,
            )
        self.assertFalse(Event.objects.filter(category=lethal).exists())

    def test_the_page_lists_only_the_types_of_the_own_datasets(self) -> None:
        services.import_police_events(
            as_bytes([rec(1, type="Lessebos hemliga typ")]),
            file_name="l.json",
            owner=self.other_kommun,
        )
        services.import_police_events(
            as_bytes([rec(2, type="Oskarshamns egen typ"), rec(3, type="Oskarshamns egen typ")]),
            file_name="o.json",
            owner=self.kommun,
        )
        self.login_as("coordinator")
        page = self.client.get(reverse("sources:types"))
        self.assertContains(page, "Oskarshamns egen typ")
        self.assertNotContains(page, "Lessebos hemliga typ")
        # Another organization's type cannot be mapped by naming it either.
        self.client.post(
            reverse("sources:types"),
            {"source_type": "Lessebos hemliga typ", "category": self.category("order.mischief").pk},
        )
        self.assertIsNone(Event.objects.get(external_id="1").category)

    def test_the_owners_recategorising_changes_its_own_events_only_and_is_audited(self) -> None:
        mischief = self.category("order.mischief")
        own = services.import_police_events(
            as_bytes([rec(2, type="Ny typ"), rec(3, type="Ny typ")]),
            file_name="o.json",
            owner=self.kommun,
        ).dataset
        others = services.import_police_events(
            as_bytes([rec(4, type="Ny typ")]), file_name="l.json", owner=self.other_kommun
        ).dataset
        self.login_as("coordinator")
        answer = self.client.post(
            reverse("sources:types"), {"source_type": "Ny typ", "category": mischief.pk}
        )
        self.assertRedirects(answer, reverse("sources:types"))
        self.assertEqual(Event.objects.filter(dataset=own, category=mischief).count(), 2)
        self.assertIsNone(Event.objects.get(dataset=others).category)
        mapping = TypeMapping.objects.get(source_type="Ny typ")
        self.assertEqual(mapping.owner, self.kommun)
        (changes,) = self.audit_of(own, "Ny typ")
        self.assertIn([None, 2], changes.values())
        self.assertEqual(self.audit_of(others, "Ny typ"), [])
        # The owner's mapping serves its own later imports, not another's or the Police's.
        services.import_police_events(
            as_bytes([rec(5, type="Ny typ")]), file_name="o2.json", owner=self.kommun
        )
        self.police_import([rec(6, type="Ny typ")])
        self.assertEqual(Event.objects.get(external_id="5").category, mischief)
        self.assertIsNone(Event.objects.get(external_id="6").category)

    def test_the_administrator_maps_the_polices_types(self) -> None:
        police = self.police_import([rec(1, type="Helt ny typ"), rec(2, type="Helt ny typ")])
        disturbance = self.category("order.disturbance")
        self.login_as("admin")
        self.assertContains(self.client.get(reverse("sources:types")), "Helt ny typ")
        answer = self.client.post(
            reverse("sources:types"), {"source_type": "Helt ny typ", "category": disturbance.pk}
        )
        self.assertRedirects(answer, reverse("sources:types"))
        self.assertEqual(Event.objects.filter(dataset=police, category=disturbance).count(), 2)
        self.assertIsNone(TypeMapping.objects.get(source_type="Helt ny typ").owner)
        (changes,) = self.audit_of(police, "Helt ny typ")
        self.assertIn([None, 2], changes.values())
        # The platform's mapping serves the Police's imports to come.
        self.police_import([rec(3, type="Helt ny typ")], "later.json")
        self.assertEqual(Event.objects.get(external_id="3").category, disturbance)


class UploadTakeoverTest(OwnershipTestCase):
    def test_an_upload_cannot_take_over_a_stored_police_event(self) -> None:
        police = self.police_import([rec(4711, datetime="2026-08-22 9:48:12 +02:00")])
        # Oskarshamn uploads, as internal police events, the same id: made up, from 2099.
        fake = services.import_police_events(
            as_bytes(
                [
                    rec(
                        4711,
                        type="Mord/dråp",
                        name="1 januari 00:00, Mord/dråp, Oskarshamn",
                        datetime="2099-01-01 00:00:00 +01:00",
                    )
                ]
            ),
            file_name="fake.json",
            owner=self.kommun,
        ).dataset
        event = Event.objects.get(external_id="4711")
        self.assertEqual((event.dataset_id, event.source_type), (police.pk, "Rattfylleri"))
        self.assertEqual((fake.rows_imported, fake.rows_updated, fake.rows_rejected), (0, 0, 1))
        (rejected,) = fake.rejected.all()
        self.assertEqual((rejected.row_number, rejected.field), (1, "id"))
        self.assertIn("4711", rejected.reason)
        # Shown among the import's rejected rows, like any other.
        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(fake.get_absolute_url()), "4711")
        # The real record still imports as an update of its owner's own row.
        again = self.police_import(
            [rec(4711, type="Stöld", datetime="2026-08-22 9:48:12 +02:00")], "again.json"
        )
        self.assertEqual(Event.objects.get(external_id="4711").dataset_id, police.pk)
        self.assertEqual(again.rows_rejected, 0)

    def test_the_owners_newer_version_still_updates_its_own_row(self) -> None:
        first = self.police_import([rec(7, type="Stöld")])
        newer = self.police_import(
            [rec(7, type="Inbrott", datetime="2026-08-23 10:00:00 +02:00")], "newer.json"
        )
        event = Event.objects.get(external_id="7")
        self.assertEqual((event.dataset_id, event.source_type), (newer.pk, "Inbrott"))
        self.assertEqual((newer.rows_updated, newer.rows_rejected), (1, 0))
        self.assertNotEqual(first.pk, newer.pk)

    def test_a_table_of_events_cannot_rewrite_another_organizations_rows(self) -> None:
        mapping = ColumnMapping.objects.create(
            name="Händelser",
            owner=self.kommun,
            kind=SourceKind.EVENT_TABLE,
            kommun=self.kommun,
            id_column="id",
            date_column="datum",
            category_column="typ",
            categories={"Klotter": "damage.graffiti"},
            visibility=Visibility.PUBLIC,
        )
        header = "id;datum;typ\n"
        own = services.import_event_table(
            (header + "a1;2026-03-01;Klotter\na2;2026-03-02;Klotter\n").encode(),
            file_name="own.csv",
            mapping=mapping,
            owner=self.kommun,
        ).dataset
        # Polismyndigheten (whose area is national) imports through the same mapping.
        other = services.import_event_table(
            (header + "a3;2026-03-03;Klotter\na1;2030-01-01;damage.graffiti\n").encode(),
            file_name="other.csv",
            mapping=mapping,
            owner=self.polisen,
        ).dataset
        a1 = Event.objects.get(external_id=scoped_id(mapping, "a1"))
        self.assertEqual((a1.dataset_id, a1.occurred_at.year), (own.pk, 2026))
        self.assertEqual((other.rows_imported, other.rows_rejected), (1, 1))
        (rejected,) = other.rejected.all()
        self.assertEqual((rejected.row_number, rejected.field), (3, "id"))
        self.assertIn(scoped_id(mapping, "a1"), rejected.reason)
        # The owner's own later file meets its own rows: unchanged, not rejected (a table
        # has no publication time to be newer by).
        again = services.import_event_table(
            (header + "a2;2026-04-02;Klotter\n").encode(),
            file_name="own-again.csv",
            mapping=mapping,
            owner=self.kommun,
        ).dataset
        self.assertEqual((again.rows_unchanged, again.rows_rejected), (1, 0))


STATISTICS = (
    "area;year;crime_type;count\n"
    "<script>alert(1)</script>;2025;alla_brott;12\n"
    "Västervik;2025;alla_brott;340\n"
)


class MappingAreaTest(OwnershipTestCase):
    def test_a_mapping_cannot_name_another_organizations_kommun(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": "Inskjutna siffror",
                "kind": SourceKind.CRIME_STATISTICS,
                "owner": self.kommun.pk,
                "kommun": self.vastervik.pk,
                "sample": SimpleUploadedFile("s.csv", STATISTICS.encode(), "text/csv"),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("kommun", response.context["form"].errors)
        self.assertRedirects(
            self.client.get(reverse("sources:mapping_columns")), reverse("sources:mapping_start")
        )

    def test_a_statistics_upload_creates_no_sub_area_in_another_kommun(self) -> None:
        mapping = ColumnMapping.objects.create(
            name="Inskjutna siffror",
            owner=self.kommun,
            kommun=self.vastervik,
            area_column="area",
            period_column="year",
            period_kind=PeriodKind.YEAR,
            category_column="crime_type",
            value_column="count",
            categories={"alla_brott": ""},
        )
        with self.assertRaisesMessage(services.ImportError_, "Västervik"):
            services.import_statistics(
                STATISTICS.encode(), file_name="s.csv", mapping=mapping, owner=self.kommun
            )
        self.assertFalse(SubArea.objects.filter(kommun=self.vastervik).exists())
        self.assertFalse(Dataset.objects.filter(owner=self.kommun).exists())

    def test_an_upload_through_a_mapping_into_another_kommun_is_refused(self) -> None:
        mapping = ColumnMapping.objects.create(
            name="Gammal mappning",
            owner=self.kommun,
            kommun=self.vastervik,
            kind=SourceKind.EVENT_TABLE,
            date_column="datum",
            category_column="typ",
            categories={"Klotter": "damage.graffiti"},
        )
        self.login_as("coordinator")
        response = self.client.post(
            reverse("sources:upload"),
            {
                "kind": SourceKind.EVENT_TABLE,
                "mapping": mapping.pk,
                "owner": self.kommun.pk,
                "visibility": Visibility.PUBLIC,
                "file": SimpleUploadedFile("h.csv", b"datum;typ\n2025-03-01;Klotter\n"),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("mapping", response.context["form"].errors)
        with self.assertRaises(services.ImportError_):
            services.import_event_table(
                b"datum;typ\n2025-03-01;Klotter\n",
                file_name="h.csv",
                mapping=mapping,
                owner=self.kommun,
            )
        self.assertFalse(Event.objects.filter(kommun=self.vastervik).exists())

    def test_the_own_kommuns_mapping_still_creates_its_sub_areas(self) -> None:
        mapping = ColumnMapping.objects.create(
            name="Egna siffror",
            owner=self.kommun,
            kommun=self.kommun,
            area_column="area",
            period_column="year",
            period_kind=PeriodKind.YEAR,
            category_column="crime_type",
            value_column="count",
            categories={"alla_brott": ""},
        )
        services.import_statistics(
            b"area;year;crime_type;count\nCentrum;2025;alla_brott;12\n",
            file_name="s.csv",
            mapping=mapping,
            owner=self.kommun,
        )
        self.assertTrue(SubArea.objects.filter(kommun=self.kommun, name="Centrum").exists())
        # A lokalpolisområde's own area is the kommuner it covers.
        self.login_as("police")
        form = self.client.get(reverse("sources:mapping_start")).context["form"]
        self.assertEqual(list(form.fields["kommun"].queryset), [self.kommun])
