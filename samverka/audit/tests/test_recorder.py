"""Every create, update and delete is recorded, with its actor, in the change's transaction."""

from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.test import TestCase

from samverka.accounts.models import User
from samverka.audit.models import AuditEntry
from samverka.audit.recorder import MASKED, acting_as
from samverka.organizations.models import Organization, OrganizationKind
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase
from tests.contentapp.models import Note


def entries_for(obj: object) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(type(obj))
    return list(AuditEntry.objects.filter(content_type=ct, object_pk=str(obj.pk)).order_by("id"))  # type: ignore[attr-defined]


class RecorderTest(PersonaTestCase):
    def test_a_create_an_update_and_a_delete_are_recorded_with_their_fields(self) -> None:
        with acting_as(self.coordinator):
            note = Note.objects.create(owner=self.kommun, text="första")
            note.text = "andra"
            note.save()
            note.save()  # nothing changed: nothing recorded
            pk = note.pk
            note.delete()
        note.pk = pk
        created, updated, deleted = entries_for(note)
        self.assertEqual(created.action, "create")
        self.assertEqual(created.changes["text"], [None, "första"])
        self.assertEqual(created.changes["owner"], [None, "Oskarshamn"])
        self.assertEqual(updated.action, "update")
        self.assertEqual(updated.changes, {"text": ["första", "andra"]})
        self.assertEqual(deleted.action, "delete")
        self.assertEqual(deleted.changes["text"], ["andra", None])
        for entry in (created, updated, deleted):
            self.assertEqual(entry.actor_id, self.coordinator.pk)
            self.assertEqual(entry.owner_id, self.kommun.pk)
            self.assertEqual(entry.object_label, "första" if entry is created else "andra")

    def test_many_to_many_changes_are_recorded(self) -> None:
        with acting_as(label="test"):
            self.lpo.covers.add(self.other_kommun)
        entry = entries_for(self.lpo)[-1]
        self.assertEqual(entry.changes, {"covers": [["Oskarshamn"], ["Lessebo", "Oskarshamn"]]})
        self.assertEqual(entry.actor_label, "test")

    def test_many_to_many_changes_from_the_other_side_are_recorded_on_the_owner(self) -> None:
        self.other_kommun.covered_by.add(self.lpo)
        entry = entries_for(self.lpo)[-1]
        self.assertEqual(entry.changes, {"covers": {"added": ["Lessebo"]}})

    def test_passwords_are_never_written_to_the_trail(self) -> None:
        self.police.set_password("ett-helt-nytt-lösenord")
        self.police.save()
        entry = entries_for(self.police)[-1]
        self.assertEqual(entry.changes["password"], [MASKED, MASKED])
        self.assertNotIn(self.police.password, str([e.changes for e in entries_for(self.police)]))

    def test_the_entry_carries_the_visibility_of_its_object(self) -> None:
        note = Note.objects.create(
            owner=self.kommun, agreement=self.agreement, visibility=Visibility.SHARED, text="x"
        )
        entry = entries_for(note)[0]
        self.assertEqual(
            (entry.owner_id, entry.agreement_id, entry.visibility),
            (self.kommun.pk, self.agreement.pk, Visibility.SHARED),
        )

    def test_entries_cannot_be_changed_or_deleted(self) -> None:
        entry = AuditEntry.objects.first()
        assert entry is not None
        entry.object_label = "förfalskad"
        with self.assertRaises(PermissionError):
            entry.save()
        with self.assertRaises(PermissionError):
            entry.delete()

    def test_deleting_an_organization_keeps_its_trail(self) -> None:
        actor = Organization.objects.create(
            name="Bostadsbolaget", slug="bostadsbolaget", kind=OrganizationKind.HOUSING_COMPANY
        )
        Membership.objects.create(user=self.viewer, organization=actor, role=Role.COORDINATOR)
        pk = actor.pk
        actor.delete()
        labels = list(
            AuditEntry.objects.filter(owner_id=pk).values_list("action", "content_type__model")
        )
        self.assertIn(("delete", "organization"), labels)
        self.assertIn(("delete", "membership"), labels)
        self.assertIn(("create", "membership"), labels)


class TransactionTest(TestCase):
    def test_a_change_and_its_entry_commit_or_roll_back_together(self) -> None:
        before = AuditEntry.objects.count()
        with self.assertRaises(IntegrityError), transaction.atomic():
            User.objects.create_user("en@test.example")
            User.objects.create_user("en@test.example")  # unique e-mail: fails
        self.assertFalse(User.objects.filter(email="en@test.example").exists())
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_a_failure_to_record_undoes_the_change(self) -> None:
        with (
            mock.patch.object(AuditEntry.objects, "create", side_effect=RuntimeError("disk full")),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            User.objects.create_user("två@test.example")
        self.assertFalse(User.objects.filter(email="två@test.example").exists())

    def test_a_request_is_one_transaction_with_its_entries(self) -> None:
        from django.conf import settings

        self.assertTrue(settings.DATABASES["default"]["ATOMIC_REQUESTS"])
