"""The one policy entry point: restrict(queryset, user, action) and get_or_404, with each
model's policy declared in one place (issue 12, "Tenancy at the bottom")."""

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from samverka.agreements.models import Agreement
from samverka.tenancy.access import (
    ACTIONS,
    ADMINISTER,
    CHANGE,
    COORDINATE,
    VIEW,
    Policy,
    VisibleContent,
    get_or_404,
    restrict,
)
from samverka.testing import PersonaTestCase
from tests.contentapp.models import Note


class RestrictTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.internal = Note.objects.create(owner=cls.kommun, text="internal")

    def rows(self, persona: str, action: str) -> set[str]:
        user = self.persona(persona) or AnonymousUser()
        return set(restrict(Note.objects.all(), user, action).values_list("text", flat=True))  # type: ignore[arg-type]

    def test_each_action_is_answered_for_each_persona(self) -> None:
        self.assertEqual(self.rows("coordinator", VIEW), {"internal"})
        self.assertEqual(self.rows("viewer", VIEW), {"internal"})
        self.assertEqual(self.rows("viewer", CHANGE), set())
        self.assertEqual(self.rows("coordinator", COORDINATE), {"internal"})
        self.assertEqual(self.rows("police", VIEW), set())
        # A member changes but does not coordinate; only the platform administrator administers.
        self.assertEqual(self.rows("admin", ADMINISTER), {"internal"})
        self.assertEqual(self.rows("coordinator", ADMINISTER), set())
        self.assertEqual(self.rows("anonymous", ADMINISTER), set())

    def test_an_unknown_action_is_an_error_not_an_empty_answer(self) -> None:
        with self.assertRaises(ValueError):
            restrict(Note.objects.all(), self.persona("coordinator"), "delete")  # type: ignore[arg-type]

    def test_get_or_404_hides_what_is_unreadable_and_forbids_what_is_only_readable(self) -> None:
        coordinator, viewer = self.persona("coordinator"), self.persona("viewer")
        note = self.internal
        self.assertEqual(get_or_404(Note.objects.all(), coordinator, COORDINATE, pk=note.pk), note)
        with self.assertRaises(PermissionDenied):
            get_or_404(Note.objects.all(), viewer, CHANGE, pk=note.pk)
        with self.assertRaises(Http404):
            get_or_404(Note.objects.all(), self.persona("police"), VIEW, pk=note.pk)

    def test_an_agreement_is_read_changed_and_coordinated_by_its_parties_once_each(self) -> None:
        police = self.persona("police")
        visible = restrict(Agreement.objects.all(), police, VIEW)
        self.assertEqual(list(visible), [self.agreement])  # one row, however many parties
        self.assertEqual(list(restrict(Agreement.objects.all(), police, CHANGE)), [self.agreement])
        self.assertNotIn(
            self.agreement, restrict(Agreement.objects.all(), self.persona("outsider"), VIEW)
        )


def test_every_model_with_an_owner_or_parties_declares_its_policy() -> None:
    """A content model or a model read through its parties cannot be restricted by accident
    with another model's rule: each declares a Policy, and restrict refuses a model without."""
    for model in apps.get_models():
        if issubclass(model, VisibleContent) or model is Agreement:
            assert isinstance(model.access_policy, Policy), model._meta.label  # type: ignore[attr-defined]
    assert set(ACTIONS) == {"view", "change", "coordinate", "administer"}
