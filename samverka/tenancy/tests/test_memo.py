"""The access checks of a request that only reads use the memberships it read once."""

from samverka.lib import memo
from samverka.tenancy.access import WRITE_ROLES, Role, organizations_of
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase


class MembershipForgetsTest(PersonaTestCase):
    def test_a_membership_saved_inside_a_request_is_seen_by_the_next_check(self) -> None:
        with memo.scope():
            self.assertEqual(organizations_of(self.viewer, WRITE_ROLES), [])
            Membership.objects.filter(user=self.viewer).update(role=Role.MEMBER)  # no signal
            self.assertEqual(organizations_of(self.viewer, WRITE_ROLES), [])  # remembered
            membership = Membership.objects.get(user=self.viewer)
            membership.save()
            self.assertEqual(organizations_of(self.viewer, WRITE_ROLES), [self.kommun.pk])
