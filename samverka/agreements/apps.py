from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "samverka.agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from samverka.agreements import attention  # noqa: F401  (registers providers)
        from samverka.agreements.models import (
            Agreement,
            ChangeProposal,
            Duty,
            Forum,
            ForumYear,
            PriorityArea,
            ProposalAnswer,
            Revision,
            Signatory,
        )
        from samverka.audit.recorder import Scope, register
        from samverka.tenancy.access import Visibility

        def scope(obj: object) -> Scope:
            agreement_id: int | None
            if isinstance(obj, Agreement):
                agreement_id = obj.pk
            elif isinstance(obj, ProposalAnswer):
                agreement_id = obj.proposal.agreement_id
            elif isinstance(obj, ForumYear):  # a forum's year figures
                agreement_id = obj.forum.agreement_id
            else:
                agreement_id = getattr(obj, "agreement_id", None)
            return Scope(agreement_id=agreement_id, visibility=Visibility.SHARED)

        for model in (PriorityArea, Forum, Signatory, Revision, Duty, ForumYear, ProposalAnswer):
            register(model, scope=scope, exclude={"snapshot", "reminded_on"})
        register(Agreement, scope=scope, exclude={"created_at", "updated_at"})
        register(ChangeProposal, scope=scope, exclude={"current", "proposed"})
