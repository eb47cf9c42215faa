"""The three visibility levels and the editing rule, on a content model that uses them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from samverka.tenancy.access import CHANGE, VIEW, Visibility, get_or_404
from samverka.testing import PERSONAS, PersonaTestCase
from tests.contentapp.models import Note


class VisibilityTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        kommun, agreement = cls.kommun, cls.agreement
        cls.internal = Note.objects.create(owner=kommun, text="internal")
        cls.shared = Note.objects.create(
            owner=kommun, agreement=agreement, visibility=Visibility.SHARED, text="shared"
        )
        cls.draft_public = Note.objects.create(
            owner=kommun, agreement=agreement, visibility=Visibility.PUBLIC, text="draft public"
        )
        cls.published = Note.objects.create(
            owner=kommun,
            agreement=agreement,
            visibility=Visibility.PUBLIC,
            published_at=timezone.now(),
            text="published",
        )
        cls.police_internal = Note.objects.create(owner=cls.lpo, text="police internal")
        cls.other_shared = Note.objects.create(
            owner=cls.other_kommun,
            agreement=cls.other_agreement,
            visibility=Visibility.SHARED,
            text="other shared",
        )

    def visible(self, persona: str) -> set[str]:
        from django.contrib.auth.models import AnonymousUser

        user = self.persona(persona) or AnonymousUser()
        return set(Note.objects.visible_to(user).values_list("text", flat=True))

    def test_each_persona_sees_exactly_what_its_level_allows(self) -> None:
        expected = {
            "coordinator": {"internal", "shared", "draft public", "published"},
            "viewer": {"internal", "shared", "draft public", "published"},
            # The police is a party of the agreement: shared yes, the kommun's internal no.
            "police": {"shared", "draft public", "published", "police internal"},
            "outsider": {"published", "other shared"},
            "reporter": {"published"},
            # The platform administrator reads through memberships like anyone else.
            "admin": {"published"},
            "anonymous": {"published"},
        }
        self.assertEqual(set(expected), set(PERSONAS))
        for persona, texts in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.visible(persona), texts)

    def test_only_the_owners_coordinators_and_members_may_edit(self) -> None:
        def editable(persona: str) -> set[str]:
            user = self.persona(persona)
            return set(Note.objects.editable_by(user).values_list("text", flat=True))

        self.assertEqual(
            editable("coordinator"), {"internal", "shared", "draft public", "published"}
        )
        self.assertEqual(editable("police"), {"police internal"})
        self.assertEqual(editable("outsider"), {"other shared"})
        for persona in ("viewer", "reporter", "admin"):
            self.assertEqual(editable(persona), set(), persona)

    def test_a_hidden_object_is_not_found_and_a_read_only_one_is_forbidden(self) -> None:
        self.assertEqual(
            get_or_404(Note.objects, self.police, VIEW, pk=self.shared.pk), self.shared
        )
        with self.assertRaises(Http404):
            get_or_404(Note.objects, self.police, VIEW, pk=self.internal.pk)
        with self.assertRaises(PermissionDenied):
            get_or_404(Note.objects, self.police, CHANGE, pk=self.shared.pk)
        with self.assertRaises(Http404):
            get_or_404(Note.objects, self.outsider, CHANGE, pk=self.internal.pk)
        self.assertEqual(
            get_or_404(Note.objects, self.coordinator, CHANGE, pk=self.internal.pk), self.internal
        )

    def test_a_deactivated_user_sees_only_what_is_public(self) -> None:
        self.coordinator.is_active = False
        self.coordinator.save()
        self.assertEqual(self.visible("coordinator"), {"published"})

    def test_shared_content_needs_an_agreement_its_owner_is_party_to(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            Note(owner=self.kommun, visibility=Visibility.SHARED, text="x").full_clean()
        self.assertIn("agreement", ctx.exception.message_dict)
        with self.assertRaises(ValidationError) as ctx:
            Note(
                owner=self.other_kommun,
                agreement=self.agreement,
                visibility=Visibility.SHARED,
                text="x",
            ).full_clean()
        self.assertIn("owner", ctx.exception.message_dict)

    def test_only_public_content_can_be_published(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            Note(owner=self.kommun, published_at=timezone.now(), text="x").full_clean()
        self.assertIn("published_at", ctx.exception.message_dict)
